"""``tongda import SRC DEST``: turn a folder of plain Markdown documents into policies.

Exit codes: 0 when every document was imported (warnings do not count), 1 when at least
one file was skipped (the others are still written, and each skipped file is listed with
its reason), 2 for a usage error (SRC missing, DEST inside SRC). A skipped file fails the
run so that a script or CI notices a document that did not make it; warnings are
inferences worth a look, not losses.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from site_builder.importer import ImportReport, import_folder

T = TypeVar("T")
_PROGRESS_FROM = 200
"""Show a progress bar only for folders with at least this many files."""
_LIST_LIMIT = 50


def _progress(items: Iterable[T], label: str, total: int) -> Iterable[T]:
    if total < _PROGRESS_FROM:
        return items
    from tqdm import tqdm

    # disable=None: no bar when stderr is not a terminal (logs, CI).
    return tqdm(items, desc=label, total=total, unit="篇", disable=None, leave=False)


def _echo_list(title: str, lines: list[str]) -> None:
    if not lines:
        return
    click.echo(f"{title}（{len(lines)}）：", err=True)
    for line in lines[:_LIST_LIMIT]:
        click.echo(f"  {line}", err=True)
    if len(lines) > _LIST_LIMIT:
        click.echo(f"  ……另有 {len(lines) - _LIST_LIMIT} 条，完整列表见 --report", err=True)


def _print(report: ImportReport, dest: Path) -> None:
    _echo_list("跳过的文件", [f"{p}: {r}" for p, r in report.skipped])
    _echo_list("警告", [f"{p}: {m}" for p, m in report.warnings])
    _echo_list("重复的文号（保留在 history 中；同一法规的多个版本时只写入最新版本的 doc_number）",
               [f"{n}: {'、'.join(d['files'])} → "
                + (f"写入 {d['kept_by']}" if d["kept_by"] else "均未写入")
                for n, d in report.duplicate_numbers.items()])
    _echo_list("已删除（源文件已不存在）", report.removed)
    others = [p for p in report.ignored if not p.endswith("_index.md")]
    _echo_list("忽略的非 Markdown 文件", others)
    click.echo(
        f"导入 {report.imported} 篇到 {dest}（写入 {report.written}，未变 {report.unchanged}），"
        f"跳过 {len(report.skipped)} 篇，警告 {len(report.warnings)} 条，"
        f"重复文号 {len(report.duplicate_numbers)} 个，标注被替代的旧版本 {report.superseded} 篇，"
        f"忽略 {len(report.ignored)} 个非文档文件（_index.md 等）", err=True)


@click.command("import")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option("--keep-header/--strip-header", default=True, show_default=True,
              help="正文开头是否保留沿革行和 <!-- INFO END -->（沿革总会写入 history 字段）")
@click.option("--prune", is_flag=True,
              help="删除以前导入、但源文件已不存在的文档")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="把完整报告（跳过、警告、重复文号）写成 JSON 文件")
def command(src: Path, dest: Path, keep_header: bool, prune: bool,
            report_path: Path | None) -> None:
    """把 SRC 中的 Markdown 法规文档导入为 DEST/policies/ 下的政策文件。

    \b
    标题取自第一个一级标题，类型、层级、发文机关由目录和标题推断，
    日期取自文件名和沿革行；id 由源路径决定，重复导入结果不变。
    源目录不会被修改。无法读取的文件会列出并跳过，此时退出码为 1。
    """
    try:
        report = import_folder(src, dest, keep_header=keep_header, prune=prune,
                               progress=_progress)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if report_path is not None:
        data: dict[str, Any] = {"src": str(src), "dest": str(dest), **report.as_dict()}
        report_path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n",
                               encoding="utf-8")
    _print(report, dest)
    if report.skipped:
        raise SystemExit(1)
