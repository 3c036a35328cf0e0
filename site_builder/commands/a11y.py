"""``tongda a11y [SITE_DIR]``: check a built site's accessibility; non-zero exit on any violation."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from site_builder.errors import ConfigError, TongdaError

if TYPE_CHECKING:
    from a11y.findings import Finding

#: Violations printed one per line before the summary.
MAX_PRINTED = 40


def _print_violations(violations: list[Finding]) -> None:
    """One line per problem: modes folded together, and many elements failing the same
    browser rule on one page folded into a count (the report lists each)."""
    from a11y.report import merge_modes

    groups: dict[tuple[str, ...], list[tuple[Finding, list[str]]]] = {}
    for finding, modes in merge_modes(violations):
        key = (finding.page, finding.rule, finding.check, *modes)
        if finding.check == "static":
            key += (finding.selector, finding.message)
        groups.setdefault(key, []).append((finding, modes))
    for n, items in enumerate(groups.values()):
        if n == MAX_PRINTED:
            click.echo(f"……另有 {len(groups) - MAX_PRINTED} 组问题，见报告")
            break
        finding, modes = items[0]
        line = finding.one_line().replace(f" [{finding.mode}]", "")
        if len(items) > 1:
            line += f"（{len(items)} 个元素，如 {finding.selector}）"
        if modes and modes != ["default"]:
            line += f"（显示模式：{'、'.join(modes)}）"
        click.echo(line)


@click.command("a11y")
@click.argument("site_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("-f", "--config-file", type=click.Path(dir_okay=False, path_type=Path),
              help="mkdocs.yml（默认：当前目录下的 mkdocs.yml，如有）")
@click.option("--all", "everything", is_flag=True,
              help="浏览器检查所有内容页面，而不只是每个模板一页加抽样")
@click.option("--page", "only", multiple=True, metavar="GLOB",
              help="只检查这些页面（路径或网址通配符，可重复），浏览器检查覆盖每种显示模式")
@click.option("--no-browser", is_flag=True, help="只运行静态规则（不启动浏览器）")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=None,
              help="同时运行的浏览器数（默认：配置的 browser_jobs；0 为每个 CPU 核心一个，最多 4 个）")
@click.option("--report-dir", type=click.Path(file_okay=False, path_type=Path),
              help="报告目录（默认：SITE_DIR/report/a11y，JSON 在 SITE_DIR/report/a11y.json）")
@click.option("-q", "--quiet", is_flag=True, help="只输出一行总结")
def command(site_dir: Path | None, config_file: Path | None, everything: bool,
            only: tuple[str, ...], no_browser: bool, jobs: int | None, report_dir: Path | None,
            quiet: bool) -> None:
    """检查已构建站点的无障碍（静态规则 + 真实浏览器中的 axe-core、键盘、重排、放大、间距）。

    SITE_DIR 默认为 mkdocs.yml 的 site_dir，再默认 site/。有任何未豁免的问题时退出码为 1。
    """
    from a11y.axe import AxeNotFound
    from a11y.browser import BrowserUnavailable
    from a11y.runner import run
    from site_builder.plugins.a11y.settings import (
        build_settings,
        cache_dir_of,
        plugin_options,
        read_project,
        validated_config,
    )

    if config_file is None and Path("mkdocs.yml").is_file():
        config_file = Path("mkdocs.yml")
    try:
        raw, project = read_project(config_file)
        cfg = validated_config(plugin_options(raw), str(config_file or "mkdocs.yml"))
        site = site_dir or project / str(raw.get("site_dir") or "site")
        if not (site / "index.html").is_file() and not any(site.glob("**/*.html")):
            raise ConfigError(f"{site}: 没有构建好的页面；请先运行 tongda build")
        docs = project / str(raw.get("docs_dir") or "docs")
        settings = build_settings(cfg, site_dir=site, docs_dir=docs if docs.is_dir() else None,
                                  site_url=raw.get("site_url"), project_dir=project,
                                  everything=everything, browser=False if no_browser else None,
                                  cache_dir=cache_dir_of(raw, project) if config_file else None)
        settings.only = list(only)
        if jobs is not None:
            settings.jobs = jobs
        if report_dir is not None:
            settings.report_dir = report_dir
            settings.report_json = report_dir / "a11y.json"
        progress = None if quiet else (lambda msg: click.echo(msg, err=True))
        report = run(settings, progress=progress)
    except (TongdaError, AxeNotFound, BrowserUnavailable) as exc:
        click.echo(f"tongda a11y: {exc}", err=True)
        sys.exit(2)
    if not quiet:
        _print_violations(report.violations)
    where = f"；报告 {settings.report_dir / 'index.html'}" if settings.report_dir else ""
    click.echo(report.summary_line() + where)
    sys.exit(0 if report.ok else 1)
