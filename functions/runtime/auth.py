"""Staff authentication: bearer tokens with declared roles, an expiry and revocation.

Tokens are made, listed and revoked with ``tongda token create|list|revoke``
(:mod:`functions.runtime.cli`, also ``python -m functions.runtime.cli token …``) or with
:func:`issue_token`. A token is shown once when it is made; only its SHA-256 is stored,
beside a short public id that lists, revocations and the audit log name it by. Roles are
checked against :mod:`roles`; ``admin`` has every role. Creating and revoking a token are
themselves audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace

from fastapi import Request
from sqlalchemy import (
    Column,
    DateTime,
    Index,
    MetaData,
    String,
    Table,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine

from . import audit, roles
from .db import Migration, add_columns, create_tables, utc_now
from .problems import Problem

metadata = MetaData()
staff_tokens = Table(
    "staff_tokens", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("roles", String(1000), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    # Added by 0002; nullable in the database only because ALTER TABLE added them.
    Column("id", String(32), nullable=True),
    Column("subject", String(200), nullable=True),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Index("staff_tokens_id", "id", unique=True),
)
DEFAULT_DAYS = 90
MAX_DAYS = 3650
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _ids_and_expiry(conn: Connection) -> None:
    add_columns(staff_tokens, "id", "subject", "expires_at")(conn)
    # Tokens made before ids existed get one from their hash, and expire like new ones
    # would, counted from now, so they keep working while staff are given new tokens.
    conn.execute(update(staff_tokens).where(staff_tokens.c.id.is_(None)).values(
        id=func.substr(staff_tokens.c.token_hash, 1, 12)))
    conn.execute(update(staff_tokens).where(staff_tokens.c.expires_at.is_(None)).values(
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=DEFAULT_DAYS)))
    conn.execute(text("CREATE UNIQUE INDEX IF NOT EXISTS staff_tokens_id ON staff_tokens (id)"))


MIGRATIONS = [Migration("0001-staff-tokens", create_tables(staff_tokens)),
              Migration("0002-staff-token-ids-expiry", _ids_and_expiry)]


@dataclass(frozen=True)
class Staff:
    """An authenticated staff member: the token's id, name, roles and optional subject."""

    name: str
    roles: frozenset[str]
    token_id: str = ""
    subject: str | None = None
    expires_at: dt.datetime | None = None

    def has(self, role: str) -> bool:
        """Whether this staff member holds ``role`` (``admin`` holds all)."""
        return role in self.roles or roles.ADMIN in self.roles

    @property
    def actor(self) -> str:
        """How the audit log names who acted: ``token:<id>:<name>``."""
        return f"token:{self.token_id}:{self.name}"


@dataclass(frozen=True)
class TokenInfo:
    """A stored token as ``tongda token list`` shows it (never the token itself)."""

    id: str
    name: str
    roles: tuple[str, ...]
    subject: str | None
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None

    def state(self, now: dt.datetime | None = None) -> str:
        """``有效``, ``已过期`` or ``已吊销``."""
        if self.revoked_at is not None:
            return "已吊销"
        if self.expires_at is not None and self.expires_at <= (now or utc_now()):
            return "已过期"
        return "有效"


@dataclass(frozen=True)
class IssuedToken:
    """A token just made: ``token`` is shown this once and stored nowhere."""

    info: TokenInfo
    token: str


class TokenError(ValueError):
    """A token that cannot be made or found; the message is in Chinese."""


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite returns naive datetimes; every stored time is UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _text(value: str | None, what: str, *, required: bool) -> str | None:
    if value is None or not value.strip():
        if required:
            raise TokenError(f"{what}不能为空。")
        return None
    value = value.strip()
    if len(value) > 200 or _CONTROL.search(value):
        raise TokenError(f"{what}不能超过 200 个字符，也不能含控制字符。")
    return value


def issue_token(engine: Engine, name: str, role_names: list[str], *, subject: str | None = None,
                days: int = DEFAULT_DAYS, now: dt.datetime | None = None,
                actor: str = "system") -> IssuedToken:
    """Make a token for ``name`` with declared roles, valid ``days`` days from ``now``.

    Raises:
        TokenError: the name, subject or validity is unusable.
        roles.RoleError: a role is malformed or not declared.
    """
    checked = roles.check(role_names)
    name_ = _text(name, "令牌名称", required=True)
    subject_ = _text(subject, "主体编号", required=False)
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(f"有效期应为 1 至 {MAX_DAYS} 天，而不是 {days} 天。")
    created = now or utc_now()
    expires = created + dt.timedelta(days=days)
    info = TokenInfo(id=secrets.token_hex(6), name=name_ or "", roles=tuple(checked),
                     subject=subject_, created_at=created, expires_at=expires, revoked_at=None)
    token = "tdk_" + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(insert(staff_tokens).values(
            token_hash=_hash(token), id=info.id, name=info.name, roles=" ".join(info.roles),
            subject=info.subject, created_at=created, expires_at=info.expires_at))
        audit.append(conn, actor=actor, function="runtime", action="token.create",
                     target=f"token/{info.id}",
                     detail={"name": info.name, "roles": list(info.roles),
                             "subject": info.subject,
                             "expires_at": expires.isoformat()})
    return IssuedToken(info, token)


def create_token(engine: Engine, name: str, role_names: list[str], *,
                 subject: str | None = None, days: int = DEFAULT_DAYS,
                 now: dt.datetime | None = None) -> str:
    """Make a token and return it (shown once); see :func:`issue_token`."""
    return issue_token(engine, name, role_names, subject=subject, days=days, now=now).token


def _info(row: object) -> TokenInfo:
    r = row._mapping  # type: ignore[attr-defined]
    return TokenInfo(id=r["id"], name=r["name"], roles=tuple(r["roles"].split()),
                     subject=r["subject"], created_at=_utc(r["created_at"]) or utc_now(),
                     expires_at=_utc(r["expires_at"]), revoked_at=_utc(r["revoked_at"]))


def list_tokens(engine: Engine) -> list[TokenInfo]:
    """Every token, oldest first."""
    columns = [c for c in staff_tokens.c if c.name != "token_hash"]
    with engine.connect() as conn:
        rows = conn.execute(select(*columns).order_by(staff_tokens.c.created_at,
                                                      staff_tokens.c.id)).all()
    return [_info(r) for r in rows]


def revoke(engine: Engine, token_id: str, *, actor: str = "system",
           now: dt.datetime | None = None) -> TokenInfo:
    """Revoke the token with ``token_id``; later requests with it get 401.

    Raises:
        TokenError: no token has that id.
    """
    with engine.begin() as conn:
        columns = [c for c in staff_tokens.c if c.name != "token_hash"]
        row = conn.execute(select(*columns).where(staff_tokens.c.id == token_id)).first()
        if row is None:
            raise TokenError(f"没有编号为 {token_id} 的令牌（tongda token list 列出所有令牌）。")
        info = _info(row)
        if info.revoked_at is not None:
            return info
        when = now or utc_now()
        conn.execute(update(staff_tokens).where(staff_tokens.c.id == token_id)
                     .values(revoked_at=when))
        audit.append(conn, actor=actor, function="runtime", action="token.revoke",
                     target=f"token/{token_id}", detail={"name": info.name})
    return replace(info, revoked_at=when)


def revoke_token(engine: Engine, token: str) -> None:
    """Revoke a token given the token itself (tests; staff use :func:`revoke` by id)."""
    with engine.connect() as conn:
        token_id = conn.scalar(select(staff_tokens.c.id).where(
            staff_tokens.c.token_hash == _hash(token)))
    if token_id is not None:
        revoke(engine, token_id)


_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="tongda"'}
_INVALID = {"WWW-Authenticate": 'Bearer realm="tongda", error="invalid_token"'}


def _bearer(header: str | None) -> str:
    # RFC 7235: the scheme is case-insensitive and followed by one or more spaces.
    scheme, _, credentials = (header or "").strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() != "bearer" or not credentials:
        raise Problem(401, "请在 Authorization 请求头中提供工作人员令牌：Bearer <令牌>。",
                      headers=_CHALLENGE, reason="missing_token")
    return credentials


def authenticate(engine: Engine, header: str | None, *, now: dt.datetime | None = None) -> Staff:
    """Return the staff member an ``Authorization`` header names, or raise a 401 problem."""
    token = _bearer(header)
    with engine.connect() as conn:
        row = conn.execute(select(staff_tokens).where(
            staff_tokens.c.token_hash == _hash(token))).first()
    if row is None:
        raise Problem(401, "令牌无效：没有这个令牌。请检查是否抄写完整，或向管理员申请新的令牌。",
                      headers=_INVALID, reason="invalid_token")
    info = _info(row)
    if info.revoked_at is not None:
        raise Problem(401, f"令牌 {info.id} 已于 {info.revoked_at:%Y-%m-%d %H:%M} (UTC) 被吊销，"
                      "请向管理员申请新的令牌。", headers=_INVALID, reason="revoked_token")
    if info.expires_at is not None and info.expires_at <= (now or utc_now()):
        raise Problem(401, f"令牌 {info.id} 已于 {info.expires_at:%Y-%m-%d %H:%M} (UTC) 过期，"
                      "请向管理员申请新的令牌。", headers=_INVALID, reason="expired_token")
    return Staff(info.name, frozenset(info.roles), info.id, info.subject, info.expires_at)


def require(role: str) -> Callable[[Request], Staff]:
    """A FastAPI dependency that admits only staff holding ``role`` (a declared role)."""
    roles.check([role])

    def dependency(request: Request) -> Staff:
        runtime = request.app.state.runtime
        staff = authenticate(runtime.engine, request.headers.get("authorization"))
        if not staff.has(role):
            raise Problem(403, f"此操作需要“{role}”角色，当前令牌没有。请向管理员申请。",
                          reason="missing_role")
        return staff
    dependency.__name__ = f"require_{role.replace(':', '_')}"
    return dependency
