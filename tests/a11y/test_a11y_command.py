"""``tongda a11y`` on whole fixture sites: passes when clean, fails naming file and rule."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from site_builder.commands.a11y import command

FIXTURES = Path(__file__).parent.parent / "fixtures"


def copy(name: str, tmp_path: Path) -> Path:
    dest = tmp_path / name
    shutil.copytree(FIXTURES / name, dest)
    return dest


def tongda_a11y(project: Path, *args: str):
    return CliRunner().invoke(command, [str(project / "site"), "-f",
                                        str(project / "mkdocs.yml"), *args])


@pytest.mark.integration
@pytest.mark.browser
def test_clean_site_passes_in_every_mode_and_lists_its_waiver(tmp_path: Path) -> None:
    project = copy("a11y-clean", tmp_path)
    result = tongda_a11y(project)
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("无障碍检查通过") and "已豁免 1 处" in last
    data = json.loads((project / "site/report/a11y.json").read_text(encoding="utf-8"))
    assert data["ok"] and data["axe_version"]
    assert data["modes"] == ["default", "elder", "contrast-dark", "contrast-yellow", "grayscale"]
    assert data["waivers"][0]["rule"] == "link-text" and data["waivers"][0]["used"] == 1
    assert {"home", "list", "policy", "text", "404"} <= set(data["stats"]["templates"])
    # 4 templates in 5 modes, the plain-text template in the default mode only, 1 sampled
    assert data["stats"]["browser_jobs"] == 4 * 5 + 1 + 1
    html = (project / "site/report/a11y/index.html").read_text(encoding="utf-8")
    assert "首页“更多”链接紧跟在栏目标题后" in html


@pytest.mark.unit
def test_the_report_itself_passes_the_static_rules(tmp_path: Path) -> None:
    from a11y.static_check import StaticChecker

    project = copy("a11y-seeded", tmp_path)
    tongda_a11y(project, "--no-browser", "-q")
    report = project / "site/report/a11y/index.html"
    _info, findings = StaticChecker().check_html("report/a11y/index.html", report.read_bytes())
    assert findings == []


# (source file:line, rule) that must appear in the output for the seeded site.
SEEDED_BROWSER = [
    ("policies/low-contrast.md:9", "color-contrast"),
    ("policies/wide.md:9", "reflow-320"),
    ("policies/clipped.md:9", "text-spacing"),
    ("policies/clipped.md:9", "text-resize-200"),
    ("policies/no-focus.md:9", "focus-not-visible"),
]
SEEDED_STATIC = [
    ("policies/no-alt.md:9", "img-alt"), ("policies/no-alt.md:11", "img-alt"),
    ("policies/no-headers.md:10", "table-headers"), ("policies/skip-level.md:11", "heading-order"),
    ("policies/vague-link.md:9", "link-text"), ("policies/vague-link.md:11", "link-name"),
    ("policies/form-label.md:9", "form-label"), ("policies/raw-html.md:9", "inline-handler"),
    ("policies/raw-html.md:13", "autoplay"), ("policies/raw-html.md:17", "third-party-script"),
]


@pytest.mark.integration
@pytest.mark.browser
def test_seeded_site_fails_naming_file_line_and_rule(tmp_path: Path) -> None:
    project = copy("a11y-seeded", tmp_path)
    result = tongda_a11y(project, "--all", "--jobs", "3")
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    for where, rule in SEEDED_STATIC + SEEDED_BROWSER:
        assert any(f"({where})" in line and f": {rule}: " in line for line in lines), (where, rule)
    assert lines[-1].startswith("无障碍检查未通过")
    data = json.loads((project / "site/report/a11y.json").read_text(encoding="utf-8"))
    shots = [f["screenshot"] for f in data["findings"] if f["rule"] == "color-contrast"]
    assert shots and (project / "site/report/a11y" / shots[0]).is_file()


@pytest.mark.integration
@pytest.mark.browser
def test_browsers_side_by_side_find_what_one_finds_in_the_same_order(tmp_path: Path) -> None:
    """``--jobs`` only shares the pages out: the findings, their order and the report's
    counts are those of a run with one browser."""
    project = copy("a11y-seeded", tmp_path)
    pages = ["policies/low-contrast/*", "policies/clipped/*", "policies/no-focus/*"]
    runs = []
    for jobs in ("1", "2"):
        result = tongda_a11y(project, "--jobs", jobs, "-q", *(a for p in pages for a in ("--page", p)))
        assert result.exit_code == 1, result.output
        data = json.loads((project / "site/report/a11y.json").read_text(encoding="utf-8"))
        runs.append(([{k: v for k, v in f.items() if k != "screenshot"} for f in data["findings"]],
                     data["counts"], data["stats"]["browser_jobs"], data["stats"]["browsers"]))
    (one, counts1, jobs1, browsers1), (two, counts2, jobs2, browsers2) = runs
    assert (browsers1, browsers2) == (1, 2)
    assert jobs1 == jobs2 >= 3  # each page in every mode the site declares
    assert {f["rule"] for f in one} >= {"color-contrast", "text-spacing", "focus-not-visible"}
    assert one == two and counts1 == counts2


@pytest.mark.unit
def test_static_only_run_fails_on_seeded_site(tmp_path: Path) -> None:
    project = copy("a11y-seeded", tmp_path)
    result = tongda_a11y(project, "--no-browser", "-q")
    assert result.exit_code == 1
    assert result.output.startswith("无障碍检查未通过")
    data = json.loads((project / "site/report/a11y.json").read_text(encoding="utf-8"))
    assert data["axe_version"] == "" and data["counts"]["violations"] > 10


@pytest.mark.unit
def test_waiver_without_reason_stops_the_run(tmp_path: Path) -> None:
    project = copy("a11y-clean", tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "          reason: 首页“更多”链接紧跟在栏目标题后，上下文已说明去向；主题改版时移除。\n", ""),
        encoding="utf-8")
    result = tongda_a11y(project, "--no-browser")
    assert result.exit_code == 2
    assert "waivers" in result.output and "reason" in result.output


@pytest.mark.unit
def test_missing_site_is_reported(tmp_path: Path) -> None:
    result = CliRunner().invoke(command, [str(tmp_path / "nothing"), "--no-browser"])
    assert result.exit_code == 2 and "tongda build" in result.output
