"""``tongda bench NAME [ARGS]``: run one of the benchmarks in ``bench/`` from a checkout."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click


def bench_dir() -> Path:
    """The ``bench/`` folder of the checkout Tongda runs from (benchmarks are not installed)."""
    return Path(__file__).resolve().parents[2] / "bench"


@click.command("bench", context_settings={"ignore_unknown_options": True})
@click.argument("name", required=False)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def command(name: str | None, args: tuple[str, ...]) -> None:
    """运行 bench/ 中的基准测试（不带参数时列出全部），结果写入 docs/benchmarks.md。"""
    folder = bench_dir()
    available = sorted(p.stem for p in folder.glob("*.py") if p.stem not in ("report", "__init__")
                       and not p.stem.startswith("_")) if folder.is_dir() else []
    if not name:
        click.echo("可用的基准测试：" + ("、".join(available) or "（未找到 bench/，需在源码目录中运行）"))
        return
    if name not in available:
        raise click.UsageError(f"没有名为“{name}”的基准测试；可用：{'、'.join(available)}")
    raise SystemExit(subprocess.call([sys.executable, str(folder / f"{name}.py"), *args],
                                     cwd=folder.parent))
