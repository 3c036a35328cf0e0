"""Render the quality report as HTML: the body shared by the site page and the CI file."""

from __future__ import annotations

from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from .charts import Chart
from .findings import DIMENSION_LABELS, DIMENSIONS, SEVERITIES, SEVERITY_LABELS

MAX_PER_RULE = 100
"""Findings listed per rule on the page; the JSON has all of them."""
MAX_PER_ISSUER = 200
TOP = 15
SEVERITY_SERIES = [(s, SEVERITY_LABELS[s]) for s in SEVERITIES]
STAGE_LABELS = {"config": "插件配置", "files": "读取内容与校验", "nav": "导航", "env": "模板环境",
                "pages": "渲染页面", "quality": "质量检核", "graph": "其中：查找引用（政策图谱）",
                "post_build": "收尾（索引、音频等）",
                "total": "合计"}


def _env() -> Environment:
    env = Environment(loader=PackageLoader("site_builder.quality", "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["cn_date"] = _cn_date
    return env


def _cn_date(value: str | None) -> str:
    if not value:
        return ""
    y, m, d = value[:10].split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def _cn_datetime(value: str | None) -> str:
    if not value:
        return "（未知时间）"
    return f"{int(value[5:7])}月{int(value[8:10])}日 {value[11:16]}"


def charts(report: dict[str, Any]) -> dict[str, Chart]:
    """The report's charts, each with its data table."""
    dims = report["dimensions"]
    out = {
        "dimensions": Chart("td-chart-dimensions", "各质量维度的问题数", [
            (dims[d]["label"], [dims[d][s] for s in SEVERITIES]) for d in DIMENSIONS], SEVERITY_SERIES),
        "issuers": Chart("td-chart-issuers", f"问题最多的 {TOP} 个发文机关（部门）", [
            (r["issuer"], [r[s] for s in SEVERITIES]) for r in report["issuers"][:TOP]], SEVERITY_SERIES),
        "rules": Chart("td-chart-rules", f"问题最多的 {TOP} 条规则", [
            (f'{r["title"]}（{r["id"]}）', [r["count"]])
            for r in sorted(report["rules"], key=lambda r: -r["count"])[:TOP] if r["count"]],
            [("value", "问题数")]),
    }
    trend = report.get("trend")
    if trend:
        out["trend"] = Chart("td-chart-trend", "与上次构建相比", [
            (SEVERITY_LABELS[s], [trend["severities"][s]["before"], trend["severities"][s]["now"]])
            for s in SEVERITIES], [("before", "上次"), ("now", "本次")], stacked=False)
    history = report.get("history") or []
    if history:
        points = [*history, {"generated": report["generated"],
                             **{f"{s}s": report["summary"][f"{s}s"] for s in SEVERITIES}}]
        out["history"] = Chart("td-chart-history", f"最近 {len(points)} 次构建的问题数", [
            (_cn_datetime(p.get("generated")) + ("（本次）" if i == len(points) - 1 else ""),
             [p.get(f"{s}s", 0) for s in SEVERITIES]) for i, p in enumerate(points)], SEVERITY_SERIES)
    timings = (report.get("build") or {}).get("timings") or {}
    if timings:
        out["timings"] = Chart("td-chart-timings", "各构建阶段用时", [
            (STAGE_LABELS.get(k, k), [round(v, 2)]) for k, v in timings.items() if k != "total"],
            [("value", "秒")], unit=" 秒")
    return out


def _grouped(report: dict[str, Any]) -> dict[str, Any]:
    by_rule: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_issuer: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in report["findings"]:
        by_rule[f["rule"]].append(f)
        by_issuer[f["issuer"]].append(f)
    rules_by_dim: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in report["rules"]:
        rules_by_dim[r["dimension"]].append(r)
    return {"by_rule": by_rule, "by_issuer": by_issuer, "rules_by_dim": rules_by_dim}


def render_body(report: dict[str, Any], *, page_urls: dict[str, str] | None = None,
                base: str = "") -> str:
    """The report's content (headings, charts, tables) without the page around it.

    Args:
        report: What :func:`~site_builder.quality.report.build_report` returned.
        page_urls: Document id → site URL, to link findings to their pages (site report).
        base: Prefix that makes a site URL relative to the report page (``../``).
    """
    return _env().get_template("report_body.html").render(
        report=report, charts=charts(report), dims=DIMENSIONS, dim_labels=DIMENSION_LABELS,
        severities=SEVERITIES, severity_labels=SEVERITY_LABELS, page_urls=page_urls or {},
        base=base, max_per_rule=MAX_PER_RULE, max_per_issuer=MAX_PER_ISSUER,
        stage_labels=STAGE_LABELS, **_grouped(report))


def stylesheet() -> str:
    """The report's CSS (shared by the site page and the standalone file)."""
    return resources.files("site_builder.quality").joinpath("templates", "report.css").read_text(
        encoding="utf-8")


def render_standalone(report: dict[str, Any], css_href: str = "report.css") -> str:
    """A complete HTML page for CI artefacts (no theme, no scripts)."""
    return _env().get_template("standalone.html").render(
        report=report, body=render_body(report), css_href=css_href)


def write_standalone(report: dict[str, Any], folder: Path, name: str = "quality.html") -> Path:
    """Write the standalone HTML and its stylesheet into ``folder``; return the HTML's path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.css").write_text(stylesheet(), encoding="utf-8")
    path = folder / name
    path.write_text(render_standalone(report), encoding="utf-8")
    return path
