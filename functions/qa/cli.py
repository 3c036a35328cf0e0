"""``tongda qa``: export the satisfaction votes for the build, from the command line.

Wired into ``tongda`` by an entry point (``tongda.commands``), and usable alone as
``python -m functions.qa.cli feedback-export``. Reads ``DATABASE_URL`` like the function.
The build reads the file it writes (``content/_data/qa-feedback.json`` by default) and
moves each page within bounds by its votes (:mod:`search_index.asks`).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from functions.runtime import audit, auth, idempotency
from functions.runtime.clierror import CliError
from functions.runtime.db import make_engine, migrate
from functions.runtime.settings import Settings
from functions.runtime.wordfilter import WordFilter

from .service import QaService
from .store import MIGRATIONS


@click.group("qa")
def qa() -> None:
    """智能问答：导出满意度统计，供网站生成时调整排序。"""


@qa.command("feedback-export")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("content/_data/qa-feedback.json"), show_default=True,
              help="写到哪个文件（网站生成时读取它）")
@click.option("--database-url", default=None, help="数据库（默认 DATABASE_URL）")
def feedback_export(out: Path, database_url: str | None) -> None:
    """把每个页面收到的“满意/不满意”票数写成网站生成时读取的文件。"""
    try:
        settings = Settings.from_env(database_url=database_url)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    engine = make_engine(settings.database_url)
    migrate(engine, "runtime", audit.MIGRATIONS + auth.MIGRATIONS + idempotency.MIGRATIONS)
    migrate(engine, "qa", MIGRATIONS)
    data = QaService(engine, WordFilter([])).votes()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
    pages = data["votes"]
    click.echo(f"已导出 {len(pages)} 个页面的满意度统计（共 {sum(sum(v) for v in pages.values())} 票）到 {out}")


if __name__ == "__main__":
    qa()
