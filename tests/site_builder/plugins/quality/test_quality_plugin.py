"""Whole builds with ``tongda-quality``: the report page, JSON, CI file, trends, a11y, failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import html

from tests.conftest import tongda

pytestmark = pytest.mark.integration


def with_quality(root: Path, options: str = "") -> Path:
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - tongda-quality" + options + "\n",
                      encoding="utf-8")
    return root


@pytest.fixture
def built(project) -> Path:
    root = with_quality(project("portal-small"))
    result = tongda("build", cwd=root)
    assert result.returncode == 0, result.stderr
    return root


def test_report_page_in_the_theme_with_charts_tables_and_figures(built: Path) -> None:
    report = built / "site/report"
    page = html.fromstring((report / "index.html").read_text(encoding="utf-8"))
    assert page.xpath("string(//h1)") == "质量与构建报告"
    assert page.xpath("//header[contains(@class, 'td-header')]")  # the theme's own header
    assert page.xpath("//link[@href='../report/report.css' or @href='report.css']")
    assert (report / "report.css").is_file() and (report / "quality.html").is_file()
    figures = page.xpath("//figure")
    assert len(figures) >= 3 and all(f.xpath(".//svg[@role='img']") and f.xpath(".//table/caption")
                                     for f in figures)
    text = page.text_content()
    assert "按发文机关（部门）" in text and "构建数据" in text and "Markdown 渲染" in text
    # a finding links to the page of its document
    assert page.xpath("//a[@href='../policies/district-old/']")


def test_quality_json_has_findings_and_build_figures(built: Path) -> None:
    data = json.loads((built / "site/report/quality.json").read_text(encoding="utf-8"))
    assert data["summary"]["documents"] == 9 and data["summary"]["errors"] == 0
    assert any(f["rule"] == "policy-expired" and f["path"] == "policies/district-old.md"
               for f in data["findings"])
    build = data["build"]
    assert build["pages"] > 20 and build["bytes"] > build["html_bytes"] > 0
    assert {"config", "files", "quality", "pages", "total"} <= set(build["timings"])
    hits = build["caches"]["Markdown 渲染"]
    assert hits["hits"] + hits["misses"] == 9
    assert "trend" not in data


def test_second_build_shows_trend_and_a11y_results(built: Path) -> None:
    a11y = tongda("a11y", "site", "--no-browser", "-q", cwd=built)
    assert (built / "site/report/a11y.json").is_file(), a11y.stdout + a11y.stderr
    (built / "content/faqs/extra.md").write_text(
        "---\nid: extra\ntitle: 护照丢了怎么办？\nabout: [passport-service]\n---\n先挂失，再到出入境窗口补办。\n",
        encoding="utf-8")
    result = tongda("build", cwd=built)
    assert result.returncode == 0, result.stderr
    data = json.loads((built / "site/report/quality.json").read_text(encoding="utf-8"))
    assert data["trend"]["documents"] == {"now": 10, "before": 9, "change": 1}
    assert data["build"]["a11y"]["summary"].startswith("无障碍检查")
    page = (built / "site/report/index.html").read_text(encoding="utf-8")
    assert "趋势（与上次构建相比）" in page and "无障碍检查" in page


def test_errors_fail_the_build_and_keep_the_old_site(built: Path) -> None:
    before = (built / "site/index.html").read_text(encoding="utf-8")
    (built / "content/faqs/broken.md").write_text(
        "---\nid: broken\ntitle: 怎么办护照？\nabout: [passport-service]\n---\n见[办事指南](../services/nope.md)。\n",
        encoding="utf-8")
    result = tongda("build", cwd=built)
    assert result.returncode != 0
    assert "content/faqs/broken.md:6: [错误 link-broken]" in result.stderr + result.stdout
    assert (built / "site/index.html").read_text(encoding="utf-8") == before


def test_thresholds_and_overrides_from_mkdocs_yml(project) -> None:
    root = with_quality(project("portal-small"),
                        ":\n      fail_max_warnings: 0\n      rules_severity:\n        body-empty: 'off'")
    result = tongda("build", cwd=root)
    assert result.returncode != 0
    assert "警告 1 处，超过上限 0" in result.stderr + result.stdout  # policy-expired remains


def test_unknown_rule_in_mkdocs_yml_is_a_clear_error(project) -> None:
    root = with_quality(project("portal-small"), ":\n      rules_severity:\n        no-such-rule: error")
    result = tongda("build", cwd=root)
    assert result.returncode != 0
    assert "rules_severity: 没有规则“no-such-rule”" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_previous_report_from_the_config_option(built: Path) -> None:
    import shutil

    shutil.copyfile(built / "site/report/quality.json", built / "ci-previous.json")
    shutil.rmtree(built / "site")
    config = built / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - tongda-quality\n", "  - tongda-quality:\n      report_previous: ci-previous.json\n"),
        encoding="utf-8")
    result = tongda("build", cwd=built)
    assert result.returncode == 0, result.stderr
    data = json.loads((built / "site/report/quality.json").read_text(encoding="utf-8"))
    assert data["trend"]["documents"] == {"now": 9, "before": 9, "change": 0}
    assert len(data["history"]) == 1
