"""``tongda apply``: 免申即享 runs and the reviewers' queue from the command line.

Wired into ``tongda`` by an entry point (``tongda.commands``), and usable alone as
``python -m functions.apply.cli proactive POLICY``. Reads the same settings as the
function (``DATABASE_URL``, ``TONGDA_SITE_DIR``, the trusted data; see :mod:`.config`).
"""

from __future__ import annotations

import getpass
from pathlib import Path

import click

from functions.runtime import audit, auth, idempotency
from functions.runtime.clierror import CliError
from functions.runtime.db import make_engine, migrate
from functions.runtime.settings import Settings

from .config import ApplySettings, build_service
from .identity import Principal
from .proactive import run_proactive
from .rules import seed_rules
from .service import ApplyError, ApplyService
from .store import MIGRATIONS
from .views import yuan


def _service(database_url: str | None, site: Path | None) -> ApplyService:
    try:
        settings = Settings.from_env(database_url=database_url)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    apply_settings = ApplySettings.from_env(site_dir=site)
    if apply_settings.site_dir is None:
        raise CliError("请用 --site 或环境变量 TONGDA_SITE_DIR 指明生成好的网站目录（其中有 api/apply/catalog.json）。")
    engine = make_engine(settings.database_url)
    migrate(engine, "runtime", audit.MIGRATIONS + auth.MIGRATIONS + idempotency.MIGRATIONS)
    migrate(engine, "apply", MIGRATIONS)
    audit.attach_from_settings(engine, settings)  # signed heads after each commit, as the app
    seed_rules(engine, apply_settings.site_dir)
    return build_service(engine, apply_settings)


def _actor() -> Principal:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name in some containers
        user = "unknown"
    return Principal(f"cli:{user}", user, frozenset({"reviewer"}))


_url = click.option("--database-url", default=None,
                    help="数据库连接串（默认取环境变量 DATABASE_URL，否则为 var/tongda.sqlite3）。")
_site = click.option("--site", type=click.Path(path_type=Path, file_okay=False), default=None,
                     help="生成好的网站目录（默认取环境变量 TONGDA_SITE_DIR）。")


@click.group(name="apply", help="在线申请：免申即享、待审核队列。")
def apply() -> None:
    """Applications."""


@apply.command("proactive", help="对标注 proactive: true 的政策运行免申即享：符合条件的直接批准并生成支付指令。")
@click.argument("policy")
@_url
@_site
def proactive(policy: str, database_url: str | None, site: Path | None) -> None:
    """Run 免申即享 for POLICY."""
    service = _service(database_url, site)
    try:
        run = run_proactive(service, policy, _actor())
    except ApplyError as exc:
        raise CliError(exc.detail) from exc
    click.echo(f"免申即享 {policy}（{run.period} 年）：核对 {run.checked} 个主体，"
               f"新批准 {len(run.created)} 件、支付指令合计 {yuan(run.amount_fen)}；"
               f"已有申请 {run.existing} 件，不符合条件 {run.not_eligible} 个，"
               f"共享数据不足以判断 {run.undetermined} 个。")
    for application_id in run.created:
        click.echo(f"  {application_id}")


@apply.command("queue", help="列出待人工审核的申请，最早到期的在前，超期的标出。")
@click.option("--overdue", is_flag=True, help="只列出已超过承诺时限的申请。")
@_url
@_site
def queue(overdue: bool, database_url: str | None, site: Path | None) -> None:
    """List pending applications."""
    items = _service(database_url, site).queue(overdue_only=overdue, limit=1000)
    if not items:
        click.echo("没有待审核的申请。" if not overdue else "没有超期的申请。")
    for item in items:
        flag = "【已超期】" if item["overdue"] else ""
        click.echo(f"{item['id']}  {item['policy']['title']}  {item['subject_name'] or item['subject']}  "
                   f"承诺{item['due_text']}前办结{flag}")


if __name__ == "__main__":  # pragma: no cover
    apply()
