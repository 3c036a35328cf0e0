"""``tongda voucher``: verify a voucher offline, and anchor the audit heads from a timer.

A plain click group, wired into ``tongda`` by an entry point and usable alone as
``python -m functions.voucher.cli verify …``; nothing here imports the site builder.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click

from functions.runtime.clierror import CliError

from .verify import verify_voucher


def _json_file(path: Path | None, what: str) -> Any:
    if path is None:
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CliError(f"无法读取{what} {path}：{exc}") from exc


@click.group(help="个人数据资产凭证：离线核验凭证，锚定审计链头。")
def voucher() -> None:
    """The ``voucher`` verbs."""


@voucher.command("verify", help="离线核验凭证：签名、有效期、撤销状态、日志收录证明、检查点签名，"
                                "给出报告时还核对报告摘要。全部通过时退出码为 0，否则为 1。")
@click.argument("credential", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--site", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="站点目录（或其拷贝）：从中读取 .well-known/did.json 和 voucher/data/ 的状态列表。")
@click.option("--did", "did_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="签发者 DID 文档（代替 --site）。")
@click.option("--status", "status_path", type=click.Path(exists=True, dir_okay=False,
                                                         path_type=Path),
              help="状态列表凭证（代替 --site）。")
@click.option("--report", "report_path", type=click.Path(exists=True, dir_okay=False,
                                                         path_type=Path),
              help="请求方取回的数据报告。")
def verify(credential: Path, site: Path | None, did_path: Path | None, status_path: Path | None,
           report_path: Path | None) -> None:
    """Verify a voucher against the files a site publishes."""
    voucher_doc = _json_file(credential, "凭证")
    if site is not None:
        did_path = did_path or site / ".well-known" / "did.json"
        url = str(((voucher_doc or {}).get("credentialStatus") or {}).get("statusListCredential", ""))
        number = url.rsplit("/", 1)[-1]
        if status_path is None and number.isdigit():
            status_path = site / "voucher" / "data" / f"status-{number}.json"
    if did_path is None or not did_path.is_file():
        raise CliError("请用 --site 或 --did 给出签发者的 DID 文档。")
    status = _json_file(status_path, "状态列表") if status_path and status_path.is_file() else None
    report = report_path.read_bytes() if report_path else None
    verdict = verify_voucher(voucher_doc, did_document=_json_file(did_path, "DID 文档"),
                             status_list=status, report=report, now=dt.datetime.now(dt.UTC))
    for check in verdict.checks:
        click.echo(f"{'✓ 通过' if check.ok else '✗ 未通过'}：{check.label}。{check.detail}")
    failed = len(verdict.failed())
    click.echo("凭证有效：各项均通过。" if verdict.valid else f"凭证无效：{failed} 项未通过。")
    raise SystemExit(0 if verdict.valid else 1)


@voucher.command("anchor", help="把各函数审计日志尚未锚定的签名链头追加到透明日志（可由定时任务运行）。")
def anchor() -> None:
    """Anchor the audit heads signed since the last run."""
    from functions.runtime.settings import Settings

    from .app import create_app

    settings = Settings.from_env()
    app = create_app(settings)
    app.state.runtime.engine  # noqa: B018 - storage ready, the service made, heads anchored
    count = app.state.voucher_service.anchor_audit()
    click.echo(f"已锚定 {count} 个审计链头；最新检查点：")
    click.echo(app.state.voucher_service.checkpoint(), nl=False)


if __name__ == "__main__":
    voucher()
