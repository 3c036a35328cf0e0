"""``tongda engage``: the notifier (after each publish) and the 政声 report, from the command line.

Wired into ``tongda`` by an entry point (``tongda.commands``), and usable alone as
``python -m functions.engage.cli notify``. Reads the same settings as the function
(``DATABASE_URL``, ``TONGDA_SITE_DIR``, ``TONGDA_SMTP_*``; see :mod:`.config`).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from functions.runtime import audit, auth, idempotency
from functions.runtime.clierror import CliError
from functions.runtime.db import make_engine, migrate
from functions.runtime.settings import Settings

from .config import EngageSettings
from .service import Engage, build
from .site import SiteUnavailable
from .store import MIGRATIONS


def open_engage(database_url: str | None, site: Path | None) -> Engage:
    """The engage parts over the configured database and site (migrated, audit signed)."""
    try:
        settings = Settings.from_env(database_url=database_url)
        own = EngageSettings.from_env(site_dir=site)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    if own.site_dir is None:
        raise CliError("请用 --site 或环境变量 TONGDA_SITE_DIR 指明生成好的网站目录（其中有 api/engage/policies.json）。")
    engine = make_engine(settings.database_url)
    migrate(engine, "runtime", audit.MIGRATIONS + auth.MIGRATIONS + idempotency.MIGRATIONS)
    migrate(engine, "engage", MIGRATIONS)
    audit.attach_from_settings(engine, settings)  # sign the audit chain's heads, as the app does
    return build(engine, own)


@click.group("engage")
def engage() -> None:
    """政策找企业：发布后推送订阅者、政声报告。"""


@engage.command("notify")
@click.option("--site", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="生成好的网站目录（默认 TONGDA_SITE_DIR）")
@click.option("--database-url", default=None, help="数据库（默认 DATABASE_URL）")
@click.option("--plan-only", is_flag=True, help="只找出要通知谁、写入待发队列，不发送")
@click.option("--send-only", is_flag=True, help="只发送队列中到期的消息")
@click.option("--lease", type=click.FloatRange(1, 3600), default=120.0, show_default=True,
              help="一条消息发送中占用的秒数；进程中断后，过了这段时间才会重发")
@click.option("--json", "as_json", is_flag=True, help="输出机器可读的结果")
def notify(site: Path | None, database_url: str | None, plan_only: bool, send_only: bool,
           lease: float, as_json: bool) -> None:
    """找出新发布或有实质变化的政策，通知订阅了相关标签或画像符合的订阅者。

    每次发布网站之后运行；重复运行、中途被终止后再运行，都不会重复通知。
    """
    parts = open_engage(database_url, site)
    result: dict[str, object] = {}
    try:
        if not send_only:
            result["plan"] = parts.plan().as_dict()
        if not plan_only:
            result["delivery"] = parts.deliver(lease=lease).as_dict()
    except SiteUnavailable as exc:
        raise CliError(f"{exc}：请先用 tongda build 生成网站（需启用 tongda-engage 插件）。") from exc
    finally:
        parts.engine.dispose()
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    _print(result)


@engage.command("report")
@click.option("--site", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="生成好的网站目录（默认 TONGDA_SITE_DIR）")
@click.option("--database-url", default=None, help="数据库（默认 DATABASE_URL）")
@click.option("--weeks", type=click.IntRange(5, 52), default=8, show_default=True,
              help="统计最近几周")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="写到这个文件：.html 为网页（图表和数据表），.json 为数据")
def voice_report(site: Path | None, database_url: str | None, weeks: int, out: Path) -> None:
    """政声报告：公众在问什么（按周、话题、区，上升的词，未答复的提问，订阅人数；不含个人信息）。"""
    import datetime as dt

    from .voice import report
    from .voice_html import render

    parts = open_engage(database_url, site)
    try:
        data = report(parts.engine, parts.site, dt.datetime.now(dt.UTC), weeks=weeks,
                      words=parts.consultations.words)
    finally:
        parts.engine.dispose()
    text = (json.dumps(data, ensure_ascii=False, indent=2) if out.suffix == ".json"
            else render(data))
    out.write_text(text, encoding="utf-8")
    click.echo(f"已写出政声报告：{out}")


def _print(result: dict[str, object]) -> None:
    plan = result.get("plan")
    if isinstance(plan, dict):
        if plan["baseline"]:
            click.echo("首次运行：已记录网站上现有的政策，不发送通知；此后新发布或有实质变化的政策才推送。")
        for policy in plan["policies"]:
            change = "新发布" if policy["change"] == "new" else "有实质变化"
            click.echo(f"{change}：{policy['title']}（{policy['id']}），涉及订阅 {policy['subscriptions']} 个")
        click.echo(f"写入待发队列：{plan['items']} 条通知，{plan['messages']} 条立即发送的消息")
    delivery = result.get("delivery")
    if isinstance(delivery, dict):
        click.echo(f"发送：成功 {delivery['sent']}，稍后重试 {delivery['retried']}，放弃 {delivery['failed']}，"
                   f"退信 {delivery['bounced']}，不再发送 {delivery['dropped']}；每日汇总 {delivery['digests']} 封")
        for channel, count in delivery["waiting"].items():
            click.echo(f"渠道 {channel} 未配置发送方式，{count} 条消息在队列中等待（见 docs/engage.md）")


if __name__ == "__main__":  # pragma: no cover
    engage()
