"""Staff authentication: bearer tokens with roles, stored only as SHA-256 hashes.

Roles are plain strings such as ``match:publish`` or ``audit:read``; ``admin`` has every
role. Create a token with :func:`create_token` (or ``python -m functions.runtime.tokens``);
the token itself is shown once and never stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import Column, DateTime, MetaData, String, Table, insert, select, update
from sqlalchemy.engine import Engine

from .db import Migration, create_tables
from .problems import Problem

metadata = MetaData()
staff_tokens = Table(
    "staff_tokens", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("roles", String(1000), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)
MIGRATIONS = [Migration("0001-staff-tokens", create_tables(staff_tokens))]


@dataclass(frozen=True)
class Staff:
    """An authenticated staff member."""

    name: str
    roles: frozenset[str]

    def has(self, role: str) -> bool:
        """Whether this staff member holds ``role`` (``admin`` holds all)."""
        return role in self.roles or "admin" in self.roles


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(engine: Engine, name: str, roles: list[str]) -> str:
    """Create a staff token with ``roles`` and return it (shown once)."""
    token = "tdk_" + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(insert(staff_tokens).values(
            token_hash=_hash(token), name=name, roles=" ".join(sorted(set(roles))),
            created_at=dt.datetime.now(dt.UTC)))
    return token


def revoke_token(engine: Engine, token: str) -> None:
    """Revoke a token; later requests with it get 401."""
    with engine.begin() as conn:
        conn.execute(update(staff_tokens).where(staff_tokens.c.token_hash == _hash(token))
                     .values(revoked_at=dt.datetime.now(dt.UTC)))


def authenticate(engine: Engine, header: str | None) -> Staff:
    """Return the staff member an ``Authorization`` header names, or raise a 401 problem."""
    challenge = {"WWW-Authenticate": 'Bearer realm="tongda"'}
    if not header or not header.startswith("Bearer "):
        raise Problem(401, "请在 Authorization 请求头中提供工作人员令牌：Bearer <令牌>。",
                      headers=challenge)
    with engine.connect() as conn:
        row = conn.execute(select(staff_tokens).where(
            staff_tokens.c.token_hash == _hash(header[7:].strip()))).mappings().first()
    if row is None or row["revoked_at"] is not None:
        raise Problem(401, "令牌无效或已被吊销，请向管理员申请新的令牌。", headers=challenge)
    return Staff(row["name"], frozenset(row["roles"].split()))


def require(role: str) -> Callable[[Request], Staff]:
    """A FastAPI dependency that admits only staff holding ``role``."""
    def dependency(request: Request) -> Staff:
        runtime = request.app.state.runtime
        staff = authenticate(runtime.engine, request.headers.get("authorization"))
        if not staff.has(role):
            raise Problem(403, f"此操作需要“{role}”角色，当前令牌没有。请向管理员申请。")
        return staff
    dependency.__name__ = f"require_{role.replace(':', '_')}"
    return dependency
