"""Waivers, configuration, source mapping, templates and display modes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from a11y.errors import A11yConfigError
from a11y.findings import Finding, Waiver, apply_waivers, parse_waivers
from a11y.report import Report
from a11y.site import (
    DEFAULT_MODE,
    PageInfo,
    choose_browser_pages,
    load_modes,
    template_from_path,
)
from a11y.source_map import SourceMapper, find_line
from site_builder.errors import ConfigError
from site_builder.plugins.a11y.settings import plugin_options, validated_config

pytestmark = pytest.mark.unit


def finding(rule: str = "img-alt", page: str = "policies/a/index.html", **kw: str) -> Finding:
    return Finding(rule, "static", page, "问题", **kw)  # type: ignore[arg-type]


def test_a_waiver_without_a_reason_is_a_config_error() -> None:
    with pytest.raises(A11yConfigError, match="reason"):
        parse_waivers([{"rule": "img-alt"}])
    with pytest.raises(A11yConfigError, match="reason"):
        parse_waivers([{"rule": "img-alt", "reason": "   "}])
    with pytest.raises(A11yConfigError, match="rule"):
        parse_waivers([{"reason": "因为"}])
    with pytest.raises(A11yConfigError, match="未知字段"):
        parse_waivers([{"rule": "x", "reason": "y", "page": "typo"}])


def test_plugin_config_rejects_unexplained_waiver() -> None:
    with pytest.raises(ConfigError, match=r"mkdocs.yml: plugins.tongda-a11y.waivers"):
        validated_config({"waivers": [{"rule": "target-size"}]}, "mkdocs.yml")
    cfg = validated_config({"waivers": [{"rule": "target-size", "reason": "地图标注点"}]},
                           "mkdocs.yml")
    assert cfg.waivers == [Waiver("target-size", "地图标注点")]
    assert cfg.browser_sample_size == 20


def test_plugin_options_found_in_list_or_mapping_form() -> None:
    assert plugin_options({"plugins": ["tongda", {"tongda-a11y": {"a": 1}}]}) == {"a": 1}
    assert plugin_options({"plugins": {"tongda-a11y": {"a": 2}}}) == {"a": 2}
    assert plugin_options({"plugins": ["tongda-a11y"]}) == {}
    assert plugin_options({}) == {}


def test_waivers_cover_by_rule_and_page_glob_and_count_use() -> None:
    waivers = parse_waivers([{"rule": "img-alt", "reason": "历史图片", "pages": ["policies/*"]}])
    hit, other_page, other_rule = (finding(), finding(page="faqs/b/index.html"),
                                   finding(rule="link-name"))
    apply_waivers([hit, other_page, other_rule], waivers)
    assert hit.waived_by == "历史图片"
    assert not other_page.waived_by and not other_rule.waived_by
    assert waivers[0].used == 1


def test_report_lists_waivers_and_fails_only_on_unwaived(tmp_path: Path) -> None:
    waived, open_ = finding(), finding(rule="link-name")
    waived.waived_by = "理由"
    report = Report("site", [waived, open_], [Waiver("img-alt", "理由", used=1)])
    assert not report.ok and report.violations == [open_]
    assert "1 处问题" in report.summary_line() and "已豁免 1 处" in report.summary_line()
    html = report.write(tmp_path / "a11y", tmp_path / "a11y.json")
    data = json.loads((tmp_path / "a11y.json").read_text(encoding="utf-8"))
    assert data["ok"] is False and data["waivers"][0]["reason"] == "理由"
    assert "理由" in html.read_text(encoding="utf-8")
    report.findings = [waived]
    assert report.ok


def test_find_line_searches_body_before_front_matter() -> None:
    lines = ("---", "materials:", "  - name: 材料", "---", "", "| 材料 | 份数 |", "|---|---|")
    assert find_line(lines, "材料", "table") == (6, "材料")
    assert find_line(lines, "../../img/chart.png") == (0, "")
    assert find_line(("![](img/chart.png)",), "../../img/chart.png") == (1, "chart.png")
    assert find_line(("正文 所需材料", "#### 所需材料"), "所需材料", "heading") == (2, "所需材料")
    assert find_line(("# 法", "### 第一章\u3000总则"), "第一章 总则", "heading")[0] == 2


def test_source_mapper_says_how_it_found_the_line(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: t\n---\n\n![](c.png)\n", encoding="utf-8")
    f = finding(hint="c.png")
    SourceMapper(tmp_path).locate(f, "a.md")
    assert f.source is not None and f.source.format() == "a.md:5" and "c.png" in f.source.how
    missing = finding(hint="nowhere.png")
    SourceMapper(tmp_path).locate(missing, "a.md")
    assert missing.source is not None and missing.source.line is None


@pytest.mark.parametrize(("path", "template"), [
    ("index.html", "home"), ("404.html", "404"), ("policies/index.html", "policies/"),
    ("policies/a/index.html", "policies/*"), ("by/topic/x/index.html", "by/*/*"),
    ("text/policies/a/index.html", "text"), ("text/index.html", "text"),
])
def test_template_from_path(path: str, template: str) -> None:
    assert template_from_path(path) == template


def test_browser_pages_one_per_template_then_a_repeatable_sample() -> None:
    pages = [PageInfo(f"p/{i}/index.html", f"p/{i}/", "p/*") for i in range(30)] + \
        [PageInfo("index.html", "", "home")]
    reps, sample = choose_browser_pages(pages, 5, False, seed=1)
    assert [p.template for p in reps] == ["p/*", "home"]
    assert len(sample) == 5 and sample == choose_browser_pages(pages, 5, False, seed=1)[1]
    assert len(choose_browser_pages(pages, 5, True)[1]) == 29


def test_modes_from_theme_file_config_or_default(tmp_path: Path) -> None:
    assert load_modes(tmp_path, None, "assets/modes.json") == [DEFAULT_MODE]
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets/modes.json").write_text(json.dumps(
        [{"name": "elder", "attrs": {"data-td-mode": "elder"}}]), encoding="utf-8")
    modes = load_modes(tmp_path, None, "assets/modes.json")
    assert [m.name for m in modes] == ["default", "elder"]
    assert modes[1].attrs == {"data-td-mode": "elder"}
    configured = load_modes(tmp_path, [{"name": "gray", "attrs": {"class": "g"}},
                                       {"name": "elder", "min_target": 44}], "x")
    assert [m.name for m in configured] == ["default", "gray", "elder"]
    assert configured[2].min_target == 44
    with pytest.raises(A11yConfigError, match="min_target"):
        load_modes(tmp_path, [{"name": "elder", "min_target": "big"}], "x")
    (tmp_path / "assets/modes.json").write_text("[{", encoding="utf-8")
    with pytest.raises(A11yConfigError, match=r"modes\.json"):
        load_modes(tmp_path, None, "assets/modes.json")
