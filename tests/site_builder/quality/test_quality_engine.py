"""Engine settings (overrides, thresholds), the JSON report, trends, charts and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from lxml import html

from site_builder.quality import Settings, run_rules
from site_builder.quality.charts import Chart
from site_builder.quality.render import render_standalone
from site_builder.quality.report import build_report, trend
from tests.conftest import tongda
from tests.site_builder.quality.quality_kit import clean_docs, write

pytestmark = pytest.mark.unit


def broken_docs():
    docs = clean_docs()
    meta, body = docs["services/s-main.md"]
    docs["services/s-main.md"] = (meta | {"online": "https://zwfw。linjiang.gov.cn"}, body)  # error
    docs["faqs/f-main.md"][0]["reviewed"] = dt.date(2023, 5, 2)  # warning: review overdue
    return docs


def test_severity_override_and_off(tmp_path: Path) -> None:
    corpus = write(tmp_path, broken_docs())
    default = run_rules(corpus, citations=[])
    assert default.count("error") == 1 and not default.ok
    assert "错误 1 处，超过上限 0" in default.summary_line()
    relaxed = run_rules(corpus, Settings(severity={"url-invalid": "warning", "review-overdue": "off"}),
                        citations=[])
    assert relaxed.ok and relaxed.count("error") == 0
    assert {f.rule for f in relaxed.findings} == {"url-invalid"}
    assert "review-overdue" not in relaxed.severities


def test_thresholds(tmp_path: Path) -> None:
    corpus = write(tmp_path, broken_docs())
    assert run_rules(corpus, Settings(max_errors=1), citations=[]).ok
    strict = run_rules(corpus, Settings(max_errors=1, max_warnings=0), citations=[])
    assert strict.failures() == ["警告 1 处，超过上限 0"]


def test_review_period_is_configurable(tmp_path: Path) -> None:
    corpus = write(tmp_path, clean_docs())
    found = run_rules(corpus, Settings(review_days=10), citations=[], only=["review-overdue"])
    assert len(found.findings) == 4  # every reviewed page, reviewed 2024-05-01, is now overdue


def test_report_counts_per_dimension_rule_and_issuer(tmp_path: Path) -> None:
    report = build_report(run_rules(write(tmp_path, broken_docs()), citations=[]), site_name="测试")
    assert report["summary"]["errors"] == 1 and report["summary"]["ok"] is False
    assert report["dimensions"]["validity"]["error"] == 1
    assert report["dimensions"]["timeliness"]["warning"] == 1
    counts = {r["id"]: r["count"] for r in report["rules"]}
    assert counts["url-invalid"] == 1 and counts["summary-missing"] == 0
    issuers = {r["issuer"]: r for r in report["issuers"]}
    assert issuers["临江市人力资源和社会保障局"]["total"] == 2
    json.dumps(report, ensure_ascii=False)  # JSON-ready


def test_trend_against_previous(tmp_path: Path) -> None:
    before = build_report(run_rules(write(tmp_path / "a", broken_docs()), citations=[]))
    after = build_report(run_rules(write(tmp_path / "b", clean_docs()), citations=[]), previous=before)
    t = after["trend"]
    assert t["severities"]["error"] == {"now": 0, "before": 1, "change": -1}
    assert t["fixed_findings"] == 2 and t["new_findings"] == 0
    assert t["rules"]["url-invalid"]["change"] == -1
    assert trend(before, before)["rules"] == {}
    assert [p["errors"] for p in after["history"]] == [1]
    third = build_report(run_rules(write(tmp_path / "c", clean_docs()), citations=[]), previous=after)
    assert [p["errors"] for p in third["history"]] == [1, 0]
    page = html.fromstring(render_standalone(third))
    assert page.xpath("//table[@id='td-chart-history-table']/tbody/tr")[-1][0].text_content().endswith("（本次）")


def test_chart_svg_is_labelled_and_has_the_same_data_as_its_table() -> None:
    chart = Chart("c1", "各维度问题数", [("完整性", [1, 2, 3]), ("规范性", [0, 5, 0])],
                  [("error", "错误"), ("warning", "警告"), ("notice", "提示")])
    fig = html.fromstring(chart.figure())
    svg = fig.xpath("//svg")[0]
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c1-t c1-d"
    assert "最多的是“完整性”（6）" in fig.xpath("string(//desc)")
    rows = [[c.text_content() for c in tr] for tr in fig.xpath("//table/tbody/tr")]
    assert rows == [["完整性", "1", "2", "3", "6"], ["规范性", "0", "5", "0", "5"]]
    assert fig.xpath("//table/caption") and len(fig.xpath("//svg/rect")) == 4 + 3  # bars + legend


def test_grouped_chart_shows_each_value_and_no_total() -> None:
    chart = Chart("c2", "与上次相比", [("警告", [33, 30])], [("before", "上次"), ("now", "本次")],
                  stacked=False)
    fig = html.fromstring(chart.figure())
    assert [t.text_content() for t in fig.xpath("//svg/text[@class='td-report__value']")] == ["33", "30"]
    assert [th.text_content() for th in fig.xpath("//thead//th")] == ["项目", "上次", "本次"]
    assert "警告：上次 33，本次 30" in fig.xpath("string(//desc)")


def test_standalone_html_has_every_section(tmp_path: Path) -> None:
    report = build_report(run_rules(write(tmp_path, broken_docs()), citations=[]), site_name="测试",
                          build={"pages": 3, "bytes": 1000, "timings": {"files": 0.1, "total": 0.2},
                                 "caches": {"Markdown 渲染": {"hits": 2, "misses": 1}}})
    page = html.fromstring(render_standalone(report))
    assert page.get("lang") == "zh-CN" and not page.xpath("//script")
    headings = [h.text_content() for h in page.xpath("//h2")]
    assert headings[:2] == ["概要", "按质量维度"] and "按发文机关（部门）" in headings and "构建数据" in headings
    text = page.text_content()
    assert "https://zwfw。linjiang.gov.cn" in text and "67%" in text  # finding and cache hit rate
    assert len(page.xpath("//figure//svg")) == len(page.xpath("//figure//table")) >= 4


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site-project"
    write(root / "content", broken_docs())
    (root / "mkdocs.yml").write_text(
        "site_name: 测试\ndocs_dir: content\ntheme:\n  name: tongda\nplugins:\n  - tongda:\n"
        "      today: '2024-06-01'\n  - tongda-quality:\n      rules_severity:\n        topics-missing: 'off'\n",
        encoding="utf-8")
    return root


@pytest.mark.integration
def test_cli_check_groups_findings_and_fails_on_errors(site: Path) -> None:
    result = tongda("check", cwd=site)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert "  content/services/s-main.md:25: online: [错误 url-invalid] 网址“https://zwfw。linjiang.gov.cn”含有空格或全角字符" in lines
    assert any(line.startswith("规范性（validity）：错误 1") for line in lines)
    assert lines[-1].startswith("质量检核 5 个文档、47 条规则：错误 1，警告 1") and "未通过" in lines[-1]


@pytest.mark.integration
def test_cli_lists_the_rule_catalogue() -> None:
    text = tongda("check", "--list-rules")
    assert text.returncode == 0
    assert "  doc-number-format [警告] 文号格式不规范：按 GB/T 9704-2012" in text.stdout
    catalogue = json.loads(tongda("check", "--list-rules", "--format", "json").stdout)
    assert len(catalogue) >= 25 and {"id", "dimension", "severity", "title", "fix"} == set(catalogue[0])


@pytest.mark.integration
def test_cli_issuer_sees_only_its_own(site: Path) -> None:
    result = tongda("check", "--issuer", "人力资源和社会保障局", cwd=site)
    paths = {line.split(":")[0].strip() for line in result.stdout.splitlines() if line.startswith("  ")}
    assert paths == {"content/services/s-main.md", "content/faqs/f-main.md"}
    other = tongda("check", "--issuer", "临江市人民政府", cwd=site)
    assert other.returncode == 0 and "错误 0，警告 0" in other.stdout


@pytest.mark.integration
def test_cli_json_previous_and_ci_files(site: Path, tmp_path: Path) -> None:
    first = tongda("check", "--format", "json", cwd=site)
    report = json.loads(first.stdout)
    assert report["summary"]["errors"] == 1
    previous = tmp_path / "previous.json"
    previous.write_text(first.stdout, encoding="utf-8")
    shutil.copyfile(site / "content/services/s-main.md", tmp_path / "s.md")
    fixed = (site / "content/services/s-main.md").read_text(encoding="utf-8").replace("zwfw。", "zwfw.")
    (site / "content/services/s-main.md").write_text(fixed, encoding="utf-8")
    second = tongda("check", "--previous", str(previous), "--report-dir", str(tmp_path / "ci"), cwd=site)
    assert second.returncode == 0, second.stdout
    assert "与上次相比：错误 1→0" in second.stdout and "已解决 1 处" in second.stdout
    assert json.loads((tmp_path / "ci/quality.json").read_text(encoding="utf-8"))["trend"]
    assert (tmp_path / "ci/quality.html").is_file() and (tmp_path / "ci/report.css").is_file()


def test_real_citation_finder_reports_citing_an_expired_policy(tmp_path: Path) -> None:
    docs = clean_docs()
    docs["policies/p-main.md"][0]["expires"] = dt.date(2024, 1, 1)
    meta, body = docs["faqs/f-main.md"]
    docs["faqs/f-main.md"] = (meta, body + "\n依据《临江市高校毕业生就业补贴办法》申领。\n")
    found = run_rules(write(tmp_path, docs), only=["cites-inactive"]).findings
    assert [f.path for f in found] == ["faqs/f-main.md"]
    assert "已失效" in found[0].message and found[0].line == 12


def test_citing_a_version_since_replaced_is_no_warning(tmp_path: Path) -> None:
    """The text meant the version it cites; a newer one in force replaces it (the page names
    it beside the citation). Only a citation that nothing replaces is reported."""
    docs = clean_docs()
    old = docs["policies/p-main.md"][0]
    old["expires"] = dt.date(2024, 1, 1)
    docs["policies/p-new.md"] = ({
        **{k: v for k, v in old.items() if k not in ("expires", "id", "title", "doc_number")},
        "id": "p-new", "title": "临江市高校毕业生就业补贴办法（2024年修订）",
        "doc_number": "临政发〔2024〕2号", "supersedes": ["p-main"],
        "written": dt.date(2023, 12, 1), "published": dt.date(2023, 12, 5),
        "effective": dt.date(2024, 1, 1)}, docs["policies/p-main.md"][1])
    meta, body = docs["faqs/f-main.md"]
    docs["faqs/f-main.md"] = (meta, body + "\n依据《临江市高校毕业生就业补贴办法》申领。\n")
    assert run_rules(write(tmp_path, docs), only=["cites-inactive"]).findings == []


def test_region_codes_listed_in_the_sites_table_are_valid(tmp_path: Path) -> None:
    """A fictional or new division (39xxxx is no province) is valid once _data/regions.yml
    names it; a code neither the national scheme nor the table knows is still reported."""
    docs = clean_docs()
    docs["policies/p-main.md"][0]["region"] = "390100"
    table = '"390000": 江南省\n"390100": 临江市\n'.encode()
    listed = run_rules(write(tmp_path / "listed", docs, {"_data/regions.yml": table}),
                       only=["region-code-invalid"]).findings
    assert listed == []
    unlisted = run_rules(write(tmp_path / "unlisted", docs), only=["region-code-invalid"]).findings
    assert [f.field for f in unlisted] == ["region"]
    assert "_data/regions.yml" in unlisted[0].message


def test_forms_standards_and_retired_texts_are_no_missing_documents(tmp_path: Path) -> None:
    """《…》 names forms and certificates too; a standard comes with its number; a text the
    document itself retires (…同时废止) need not be on the site. A real missing law is still
    reported, once."""
    docs = clean_docs()
    meta, text = docs["policies/p-main.md"]
    docs["policies/p-main.md"] = (meta, text + (
        "\n持《中华人民共和国残疾人证》的，填写《就业补贴申领登记表》。\n"
        "\n网站符合《信息技术 互联网内容无障碍可访问性技术要求与测试方法》（GB/T 37668-2019）。\n"
        "\n本办法自2023年4月1日起施行，《临江市就业补助暂行办法》同时废止。\n"
        "\n依照《临江市就业补助暂行办法》领取的补助继续有效。\n"
        "\n根据《中华人民共和国就业促进法》制定本办法。\n"))
    found = run_rules(write(tmp_path, docs), only=["citation-unresolved"]).findings
    assert [f.message for f in found] == ["找不到引用的“中华人民共和国就业促进法”"]
