"""``tongda build``: validate all content, then build the site atomically."""

from __future__ import annotations

import time

import click

from .common import config_file_option, fail_on_tongda_errors, load, site_dir_option


def run_build(config_file: str | None, site_dir: str | None = None, **overrides: object) -> str:
    """Build once; return the site folder. Raises ``BuildError`` on content errors."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, BuildError as MkDocsBuildError

    from site_builder.errors import BuildError

    config = load(config_file, site_dir=site_dir, **overrides)
    try:
        build(config)
    except (Abort, MkDocsBuildError) as exc:
        raise BuildError(f"构建失败，原网站保持不变：{exc}") from None
    return str(config.site_dir)


@click.command("build")
@config_file_option
@site_dir_option
@click.option("--strict", is_flag=True, default=None, help="有任何警告即失败")
@fail_on_tongda_errors
def command(config_file: str | None, site_dir: str | None, strict: bool | None) -> None:
    """校验全部内容并生成网站（失败时保留原网站）。"""
    start = time.monotonic()
    site = run_build(config_file, site_dir, strict=strict)
    click.echo(f"网站已生成：{site}（{time.monotonic() - start:.1f} 秒）", err=True)
