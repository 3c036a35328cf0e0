"""The tongda-qa plugin in a whole build of the small portal: the page and site.json."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lxml import html

from search_index.store import read_file
from tests.conftest import FIXTURES, tongda

pytestmark = pytest.mark.integration
VOTES = {"votes": {"passport-service": [40, 2], "passport-law": [0, 25]}}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("qa") / "portal-small"
    shutil.copytree(FIXTURES / "portal-small", root)
    cfg = root / "mkdocs.yml"
    cfg.write_text(cfg.read_text("utf-8").replace(
        "plugins:\n", "plugins:\n  - tongda-search\n  - tongda-qa\n", 1), "utf-8")
    guide = root / "content" / "services" / "passport-service.md"
    guide.write_text(guide.read_text("utf-8").replace(
        "topics: [travel]\n", "topics: [travel]\naliases: [小红本]\n", 1), "utf-8")
    data = root / "content" / "_data"
    data.mkdir()
    (data / "qa-feedback.json").write_text(json.dumps(VOTES), "utf-8")
    (data / "complaint.yml").write_text(
        "services:\n  - {code: streetlight, name: 路灯不亮, group: 市政设施}\n", "utf-8")
    result = tongda("build", cwd=root)
    assert result.returncode == 0, result.stderr
    return root / "site"


def test_the_page_is_a_chat_panel_that_without_javascript_is_a_link_to_the_faqs(site: Path) -> None:
    doc = html.fromstring((site / "qa" / "index.html").read_text("utf-8"))
    panel = doc.find(".//*[@data-module='td-qa']")
    assert panel.get("data-api") == "../api/qa/"
    assert panel.find(".//form").get("hidden") is not None  # only the script can answer
    links = [a.get("href") for a in panel.findall(".//a")]
    assert "../faqs/" in links
    field = panel.find(".//input[@name='q']")
    assert doc.find(f".//label[@for='{field.get('id')}']") is not None
    assert panel.find(".//*[@role='status']").get("aria-live") == "polite"
    scripts = [s.get("src") for s in doc.findall(".//script[@src]")]
    assert any(s.endswith("components/qa/qa.js") for s in scripts)
    assert not [s for s in doc.findall(".//script") if s.get("src") is None and (s.text or "").strip()]


def test_the_page_is_in_the_navigation(site: Path) -> None:
    doc = html.fromstring((site / "index.html").read_text("utf-8"))
    assert "智能问答" in [a.text_content().strip() for a in doc.findall(".//nav//a")]


def test_site_json_holds_each_guide_s_key_facts_and_where_complaints_go(site: Path) -> None:
    data = json.loads((site / "api" / "qa" / "site.json").read_text("utf-8"))
    facts = data["services"]["passport-service"]
    assert facts == {"materials": 1, "time_limit": "承诺7个工作日，法定15个工作日", "fee": "每本120元",
                     "where": "临江市出入境服务大厅（临江市滨江区江滨路1号）"}
    assert data["next"]["passport-service"][0] == {"label": "查看办事指南", "url": "services/passport-service/"}
    assert "passport-law" not in data["next"]  # the answer links the page itself
    assert data["base"] == "/" and data["links"]["faqs"] == "faqs/"
    assert data["complaint"] == ["路灯不亮"]


def test_the_votes_the_build_reads_move_pages_within_bounds(site: Path) -> None:
    manifest = read_file(site / "search" / "manifest.tdz")
    factors = {int(d): f for d, f in manifest["fb"]}
    # 2 of 42 votes against the guide, 25 of 25 against the law: never beyond 1 ± 0.2.
    assert sorted(factors.values()) == [0.889, 1.123]
    assert manifest["fam"]["ask"]["pages"]  # the learned aliases were written


def test_every_example_of_the_component_renders_with_its_declared_params() -> None:
    from collections import Counter

    import yaml

    from site_builder.plugins.qa import pages

    spec = yaml.safe_load((pages.COMPONENT_DIR / "examples.yml").read_text("utf-8"))
    declared = spec["macros"]["qa_panel"]["params"]
    assert any(e.get("script") is False for e in spec["examples"])  # a no-JS example
    for example in spec["examples"]:
        assert set(example["params"]) == set(declared)
        root = html.fragment_fromstring(pages.render(example["params"]), create_parent="div")
        ids = root.xpath("//@id")
        assert not [i for i, n in Counter(ids).items() if n > 1]
        for ref in root.xpath("//@aria-labelledby|//@aria-describedby|//label/@for"):
            assert all(t in ids for t in ref.split()), ref
        assert all(b.get("type") in ("button", "submit") and b.text_content().strip()
                   for b in root.xpath("//button"))
        assert not root.xpath("//script|//@style|//@*[starts-with(name(), 'on')]")


def test_an_alias_in_front_matter_asks_for_its_page(site: Path) -> None:
    from search_index.runtime import Searcher

    # No page says 小红本 (the passport's nickname); the guide's aliases do, and a question
    # with words in between (小红本本) still asks for it.
    for q in ("小红本", "办个小红本本"):
        first = Searcher(site / "search").search(q)["results"][0]
        assert first["id"] == "passport-service" and first["score"] > 0, q
