"""``tongda check``: the build's validation, errors as ``path:line: field: message``.

Runs what ``tongda build`` runs (:mod:`site_builder.validation`): the content folder's
files, the schema, references, rules against facts with their cases, then the quality
rules. Exit code 1 exactly when the build would refuse the site: content or rules errors,
or quality findings beyond the thresholds of ``tongda-quality`` in ``mkdocs.yml``. A site
without that plugin still gets the quality findings listed, with the default settings.
"""

from __future__ import annotations

import json
from dataclasses import replace
from itertools import groupby
from pathlib import Path
from typing import Any

import click

from site_builder.quality.engine import QualityResult
from site_builder.quality.findings import DIMENSION_LABELS, DIMENSIONS, SEVERITIES
from site_builder.quality.report import build_report, load_previous, write_json
from site_builder.validation import Validation, validate

from .common import config_file_option, fail_on_tongda_errors, load


@click.command("check")
@config_file_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="输出格式：text（按维度分组的清单）或 json（完整报告）")
@click.option("--previous", type=click.Path(dir_okay=False, exists=True), default=None,
              help="上次的 quality.json，用来比较趋势")
@click.option("--report-dir", type=click.Path(file_okay=False), default=None,
              help="把 quality.json 和独立 HTML 报告（quality.html）写到这个目录（CI 用）")
@click.option("--min-severity", type=click.Choice(list(SEVERITIES)), default="notice",
              help="只列出这一级别及更严重的问题（汇总仍计算全部）")
@click.option("--issuer", default=None,
              help="只看一个部门的问题（发文机关或主管部门名称中含有这段文字）")
@click.option("--list-rules", is_flag=True, help="列出全部质量规则（编号、维度、级别、怎样改）后退出")
@fail_on_tongda_errors
def command(config_file: str | None, fmt: str, previous: str | None, report_dir: str | None,
            min_severity: str, issuer: str | None, list_rules: bool) -> None:
    """检查内容：先列出格式错误（文件:行: 字段: 说明），再按六个质量维度列出问题。

    有格式错误、或质量问题超过 mkdocs.yml 中 tongda-quality 设定的上限时，退出码为 1。
    """
    if list_rules:
        _print_rules(fmt)
        return
    config = load(config_file)
    # The validation the build runs (site_builder.validation): what fails here fails there.
    validation = validate(config)
    if validation.errors or validation.quality is None:
        _errors(validation, fmt)
        raise SystemExit(1)
    corpus, result = validation.corpus, validation.quality
    assert corpus is not None
    if issuer:
        result = replace(result, findings=[f for f in result.findings if issuer in f.issuer])
    report: dict[str, Any] = {}
    if fmt == "json" or previous or report_dir:  # the full report costs time on 10,000 findings
        report = build_report(result, site_name=config.site_name, today=corpus.today,
                              previous=load_previous(previous))
    if report_dir:
        _write_ci_files(report, Path(report_dir))
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        _print_text(result, report, validation.prefix, min_severity)
    if not result.ok:
        raise SystemExit(1)


def _errors(validation: Validation, fmt: str) -> None:
    errors = sorted(validation.errors, key=lambda e: (e.path, e.line or 0, e.field))
    if fmt == "json":
        click.echo(json.dumps({"schema_errors": [e.to_dict() for e in errors]},
                              ensure_ascii=False, indent=1))
    else:
        for error in errors:
            click.echo(error.format())
    corpus = validation.corpus
    checked = len(corpus.files.markdown) if corpus is not None else 0
    click.echo(f"检查了 {checked} 个文件：{len(errors)} 处错误（先改正这些错误，再做质量检核）",
               err=True)


def _print_text(result: QualityResult, report: dict[str, Any], prefix: str, least: str) -> None:
    shown = SEVERITIES[: SEVERITIES.index(least) + 1]
    by_dim = sorted(result.findings, key=lambda f: DIMENSIONS.index(f.dimension))
    for dim, items in groupby(by_dim, key=lambda f: f.dimension):
        findings = list(items)
        visible = [f for f in findings if f.severity in shown]
        if not visible:
            continue
        counts = "，".join(f"{label} {n}" for s, label in (("error", "错误"), ("warning", "警告"),
                                                           ("notice", "提示"))
                          if (n := sum(1 for f in findings if f.severity == s)))
        click.echo(f"\n{DIMENSION_LABELS[dim]}（{dim}）：{counts}")
        for finding in visible:
            click.echo(f"  {finding.format(prefix)}")
    trend = report.get("trend")
    if trend:
        changes = "，".join(f"{label} {d['before']}→{d['now']}" for s, label in
                           (("error", "错误"), ("warning", "警告"), ("notice", "提示"))
                           for d in [trend["severities"][s]])
        click.echo(f"\n与上次相比：{changes}；新增 {trend['new_findings']} 处，已解决 "
                   f"{trend['fixed_findings']} 处")
    click.echo(("\n" if result.findings else "") + result.summary_line())


def _print_rules(fmt: str) -> None:
    from site_builder.quality.findings import SEVERITY_LABELS
    from site_builder.quality.registry import all_rules

    rules = sorted(all_rules().values(), key=lambda r: (DIMENSIONS.index(r.dimension), r.id))
    if fmt == "json":
        click.echo(json.dumps([r.describe() for r in rules], ensure_ascii=False, indent=1))
        return
    for dim, items in groupby(rules, key=lambda r: r.dimension):
        click.echo(f"\n{DIMENSION_LABELS[dim]}（{dim}）")
        for r in items:
            click.echo(f"  {r.id} [{SEVERITY_LABELS[r.severity]}] {r.title}：{r.fix}")


def _write_ci_files(report: dict[str, Any], folder: Path) -> None:
    from site_builder.quality.render import write_standalone

    write_json(report, folder / "quality.json")
    path = write_standalone(report, folder)
    click.echo(f"报告：{path}", err=True)
