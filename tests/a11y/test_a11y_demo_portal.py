"""The demo portal must pass every accessibility check, in every template and display mode.

This is the check CI runs on the real site (``tongda build && tongda a11y``); it takes a
few minutes because every template is walked in every display mode the theme declares.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, build_demo, tongda

pytestmark = [pytest.mark.integration, pytest.mark.browser]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo") / "site")


def test_every_entry_of_the_demo_nav_has_its_elder_mode_icon(site: Path) -> None:
    """Elder mode shows the nav as large tiles, each with an icon beside its words; a page
    a plugin adds to the nav (随手拍, 智能问答, 数据凭证核验, 政策订阅) needs one too."""
    from lxml import html

    tree = html.fromstring((site / "index.html").read_bytes())
    items = tree.xpath('//nav[contains(@class, "td-nav")]//li/a')
    titles = [a.text_content().strip() for a in items]
    assert {"随手拍", "智能问答", "数据凭证核验", "政策订阅"} <= set(titles), titles
    bare = [t for a, t in zip(items, titles, strict=True) if not a.xpath('./span[@class][contains(@class, "td-icon--")]')]
    assert bare == []
    css = (site / "assets/css/tongda.css").read_text(encoding="utf-8")
    for icon in {c.split("td-icon--")[1] for a in items for c in a.xpath("./span/@class")[0].split()
                 if c.startswith("td-icon--")}:
        assert f".td-icon--{icon}" in css, icon
        rule = css.split(f".td-icon--{icon}", 1)[1].split("}", 1)[0]
        if "url(" in rule:
            assert (site / "assets/icons" / rule.split('icons/', 1)[1].split('"', 1)[0]).is_file()


def test_demo_portal_has_zero_violations(site: Path) -> None:
    result = tongda("a11y", str(site), "-f", str(ROOT / "mkdocs.yml"), "-q", cwd=ROOT)
    report = json.loads((site / "report/a11y.json").read_text(encoding="utf-8"))
    problems = sorted({f"{f['page']} [{f['mode'] or 'static'}] {f['rule']}"
                       for f in report["findings"] if not f["waived_by"]})
    assert result.returncode == 0, result.stdout + "\n".join(problems[:40])
    assert report["ok"] and report["stats"]["template_pages"] >= 5
