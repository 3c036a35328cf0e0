"""``tongda token``, ``tongda audit`` and ``tongda db``: tokens, the audit log, grants.

The groups are plain click groups, wired into the ``tongda`` command by an entry point and
usable alone as ``python -m functions.runtime.cli token create …``. Nothing here imports
MkDocs or the site builder, so they work where only the functions are installed.
"""

from __future__ import annotations

import datetime as dt
import getpass
import importlib
import importlib.util
import json
import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from . import audit, audit_verify, auth, grants, heads, roles
from .clierror import CliError
from .db import make_engine, migrate
from .settings import Settings

_URL_HELP = "数据库连接串（默认取环境变量 DATABASE_URL，否则为 var/tongda.sqlite3）。"


def _settings(database_url: str | None) -> Settings:
    try:
        return Settings.from_env(database_url=database_url)
    except ValueError as exc:
        raise CliError(str(exc)) from exc


def _engine(settings: Settings) -> Engine:
    """The runtime's tables migrated, and heads signed after each commit, as in the app."""
    engine = make_engine(settings.database_url)
    migrate(engine, "runtime", audit.MIGRATIONS + auth.MIGRATIONS)
    audit.attach_from_settings(engine, settings)
    return engine


@contextmanager
def _database_errors() -> Iterator[None]:
    """A database refusal as a Chinese message instead of a traceback."""
    try:
        yield
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise CliError(f"数据库拒绝了这项操作：{reason}。在 PostgreSQL 上，令牌和迁移要用所有者角色的"
                       "连接串（--database-url），见 docs/deploy.md。") from exc


def _actor() -> str:
    """Who runs the command, for the audit log."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in some containers
        return "cli"


def _date(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") if value else "—"


database_url_option = click.option("--database-url", default=None, help=_URL_HELP)


@click.group(name="token", help="工作人员令牌：创建、列出、吊销。")
def token() -> None:
    """Staff tokens."""


@token.command("create", help="创建令牌 NAME，只显示这一次。")
@click.argument("name")
@click.option("--role", "-r", "role_names", multiple=True, required=True, metavar="ROLE",
              help="令牌的角色，可重复给出（tongda token roles 列出可用的角色）。")
@click.option("--subject", default=None, help="令牌代表的人或系统的编号（如工号），可选。")
@click.option("--expires", "days", type=int, default=None, metavar="DAYS",
              help="有效天数（默认取 TONGDA_TOKEN_DAYS，即 90 天）。")
@database_url_option
def token_create(name: str, role_names: tuple[str, ...], subject: str | None,
                 days: int | None, database_url: str | None) -> None:
    """Make a token and print it once."""
    settings = _settings(database_url)
    with _database_errors():
        engine = _engine(settings)
        try:
            issued = auth.issue_token(engine, name, list(role_names), subject=subject,
                                      days=days or settings.token_days, actor=_actor())
        except (roles.RoleError, auth.TokenError) as exc:
            raise CliError(str(exc)) from exc
        finally:
            engine.dispose()
    info = issued.info
    click.echo(f"已创建令牌 {info.id}（{info.name}），角色：{'、'.join(info.roles)}，"
               f"有效期至 {_date(info.expires_at)} (UTC)。")
    click.echo("令牌只显示这一次，请立即交给使用者妥善保存：", err=True)
    click.echo(issued.token)


@token.command("list", help="列出所有令牌（不显示令牌本身）。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
@database_url_option
def token_list(as_json: bool, database_url: str | None) -> None:
    """List tokens: id, name, roles, subject, created, expires, revoked."""
    with _database_errors():
        engine = _engine(_settings(database_url))
        try:
            tokens = auth.list_tokens(engine)
        finally:
            engine.dispose()
    if as_json:
        click.echo(json.dumps([_token_json(t) for t in tokens], ensure_ascii=False, indent=2))
        return
    if not tokens:
        click.echo("还没有令牌。用 tongda token create 名称 --role 角色 创建。")
        return
    click.echo("编号          状态    名称 | 角色 | 主体 | 创建 | 到期 | 吊销")
    for t in tokens:
        click.echo(f"{t.id}  {t.state()}  {t.name} | {' '.join(t.roles)} | {t.subject or '—'} | "
                   f"{_date(t.created_at)} | {_date(t.expires_at)} | {_date(t.revoked_at)}")


def _token_json(t: auth.TokenInfo) -> dict[str, Any]:
    def iso(value: dt.datetime | None) -> str | None:
        return value.isoformat() if value else None
    return {"id": t.id, "name": t.name, "roles": list(t.roles), "subject": t.subject,
            "created_at": iso(t.created_at), "expires_at": iso(t.expires_at),
            "revoked_at": iso(t.revoked_at), "state": t.state()}


@token.command("revoke", help="吊销编号为 TOKEN_ID 的令牌；之后用它的请求得到 401。")
@click.argument("token_id")
@database_url_option
def token_revoke(token_id: str, database_url: str | None) -> None:
    """Revoke a token by id."""
    with _database_errors():
        engine = _engine(_settings(database_url))
        try:
            info = auth.revoke(engine, token_id, actor=_actor())
        except auth.TokenError as exc:
            raise CliError(str(exc)) from exc
        finally:
            engine.dispose()
    click.echo(f"已吊销令牌 {info.id}（{info.name}），吊销时间 {_date(info.revoked_at)} (UTC)。")


@token.command("roles", help="列出各函数声明的角色。")
def token_roles() -> None:
    """List declared roles with their descriptions."""
    for role in roles.declared().values():
        click.echo(f"{role.name}\t{role.description}")


@click.group(name="audit", help="审计日志：核验记录链与签名链头，重新发布链头。")
def audit_group() -> None:
    """The audit log."""


@audit_group.command("verify", help="核验审计日志；发现篡改时退出码为 1。")
@database_url_option
@click.option("--heads", "heads_file", type=click.Path(path_type=Path), default=None,
              help="签名链头文件（默认取 TONGDA_AUDIT_HEADS，即 var/audit-heads.jsonl）。")
@click.option("--published", type=click.Path(path_type=Path), default=None,
              help="已发布的 heads.json 或其所在目录（默认取 TONGDA_AUDIT_PUBLISH_DIR）。")
@click.option("--trusted-key", "trusted", multiple=True, metavar="BASE64",
              help="另外信任的公钥（如轮换前的旧公钥），可重复给出。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
def audit_verify_command(database_url: str | None, heads_file: Path | None,
                         published: Path | None, trusted: tuple[str, ...],
                         as_json: bool) -> None:
    """Verify the chain against the signed heads; exit 1 on tampering."""
    settings = _settings(database_url)
    if heads_file is not None:
        settings = settings.with_(audit_heads_file=heads_file)
    engine = make_engine(settings.database_url)
    try:
        with _database_errors():
            _require_table(engine)
            result = audit_verify.verify_with_settings(engine, settings, published=published,
                                                       extra_keys=trusted)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    finally:
        engine.dispose()
    if as_json:
        click.echo(json.dumps({"ok": result.ok, "rows": result.rows, "last_seq": result.last_seq,
                               "signed_seq": result.signed_seq, "findings": [
                                   f.__dict__ for f in result.findings]},
                              ensure_ascii=False, indent=2))
    else:
        click.echo(result.report())
    if not result.ok:
        raise SystemExit(1)


def _require_table(engine: Engine) -> None:
    inspector = inspect(engine)
    if not inspector.has_table("audit_log"):
        raise CliError("数据库中没有审计日志表 audit_log：请检查 --database-url。")
    if "scheme" not in {c["name"] for c in inspector.get_columns("audit_log")}:
        raise CliError("审计日志表还没有迁移到新格式：请先运行 tongda db migrate。")


@audit_group.command("publish", help="重新发布最新的签名链头 heads.json（站点重建之后）。")
@click.option("--to", "folder", type=click.Path(path_type=Path), default=None,
              help="发布目录（默认取 TONGDA_AUDIT_PUBLISH_DIR）。")
def audit_publish(folder: Path | None) -> None:
    """Write heads.json again."""
    written = heads.republish(_settings(None), folder)
    if written is None:
        raise CliError("没有可发布的链头：还没有签名过，或没有设置发布目录（--to）。")
    click.echo(f"已发布 {written}")


@click.group(name="db", help="数据库：迁移与 PostgreSQL 权限。")
def db() -> None:
    """The database."""


@db.command("grants", help="打印 PostgreSQL 授权语句：应用角色 APP_ROLE 只能读取和追加审计日志。")
@click.argument("app_role")
@click.option("--owner", required=True, help="表的所有者角色（运行迁移的角色）。")
@click.option("--schema", default="public", show_default=True, help="表所在的模式。")
def db_grants(app_role: str, owner: str, schema: str) -> None:
    """Print the grant SQL."""
    try:
        click.echo(grants.postgres_grants(app_role, owner, schema=schema), nl=False)
    except ValueError as exc:
        raise CliError(str(exc)) from exc


@db.command("migrate", help="为所有函数建表和迁移（PostgreSQL 上请用所有者角色的连接串）。")
@database_url_option
def db_migrate(database_url: str | None) -> None:
    """Apply the runtime's and every function's migrations."""
    import functions

    settings = _settings(database_url)
    done = []
    with _database_errors():
        _engine(settings).dispose()
        for info in pkgutil.iter_modules(functions.__path__):
            if not info.ispkg or info.name == "runtime":
                continue
            if importlib.util.find_spec(f"functions.{info.name}.app") is None:
                continue
            module = importlib.import_module(f"functions.{info.name}.app")
            app = module.create_app(settings)
            app.state.runtime.engine  # noqa: B018 - creating the engine applies the migrations
            app.state.runtime.dispose()
            done.append(info.name)
    click.echo(f"已迁移：运行时及函数 {'、'.join(done) or '（无）'}。")


@click.group(help="通达服务端函数的管理命令。")
def main() -> None:
    """``python -m functions.runtime.cli``."""


main.add_command(token)
main.add_command(audit_group)
main.add_command(db)

if __name__ == "__main__":
    main()
