"""``tongda check``: report every content error as ``path:line: field: message``."""

from __future__ import annotations

from pathlib import Path

import click

from site_builder.content.corpus import load_corpus

from .common import config_file_option, fail_on_tongda_errors, load


@click.command("check")
@config_file_option
@fail_on_tongda_errors
def command(config_file: str | None) -> None:
    """检查内容：列出所有错误（文件:行: 字段: 说明），有错误时退出码为 1。"""
    config = load(config_file)
    docs_dir = Path(config.docs_dir)
    corpus = load_corpus(docs_dir)
    for error in corpus.errors:
        click.echo(f"{Path(config.docs_dir).name}/{error.format()}")
    click.echo(f"检查了 {len(corpus.documents) + len(corpus.errors)} 个文件：" +
               (f"{len(corpus.errors)} 处错误" if corpus.errors else "没有错误"), err=True)
    if corpus.errors:
        raise SystemExit(1)
