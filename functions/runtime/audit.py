"""Append-only audit log of every state change, hash-chained so edits are detectable.

The database refuses UPDATE and DELETE on ``audit_log`` (triggers in SQLite and
PostgreSQL), and each entry's ``hash`` covers the previous entry's hash, so a row changed
by someone with direct database access breaks :func:`verify`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from typing import Any

from pydantic import BaseModel
from sqlalchemy import (
    Column,
    DateTime,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
    text,
)
from sqlalchemy.engine import Connection, Engine

from .db import Migration, create_tables, serial_key

metadata = MetaData()
audit_log = Table(
    "audit_log", metadata,
    serial_key("id"),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("function", String(64), nullable=False),
    Column("action", String(100), nullable=False),
    Column("target", String(300), nullable=False),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
)
_GENESIS = "0" * 64


class AuditEntry(BaseModel):
    """One audit entry as the API returns it."""

    id: int
    at: str
    actor: str
    function: str
    action: str
    target: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str
_lock = threading.Lock()


def _forbid_changes(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            conn.execute(text(
                f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{verb.lower()} BEFORE {verb} ON "
                f"audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"))
    elif conn.dialect.name == "postgresql":
        conn.execute(text(
            "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$ LANGUAGE plpgsql"))
        conn.execute(text(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"))


MIGRATIONS = [
    Migration("0001-audit-log", create_tables(audit_log)),
    Migration("0002-audit-log-append-only", _forbid_changes),
]


def _digest(prev: str, row: dict[str, Any]) -> str:
    payload = json.dumps({k: row[k] for k in ("at", "actor", "function", "action", "target",
                                              "detail")}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256((prev + payload).encode("utf-8")).hexdigest()


def append(conn: Connection, *, actor: str, function: str, action: str, target: str,
           detail: dict[str, Any] | None = None) -> int:
    """Record one state change inside the caller's transaction; return the entry id."""
    with _lock:
        if conn.dialect.name == "postgresql":
            # Serialise appenders across processes so the chain stays linear.
            conn.execute(text("SELECT pg_advisory_xact_lock(727274)"))
        prev = conn.scalar(select(audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1))
        row = {"at": dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
               "actor": actor, "function": function, "action": action, "target": target,
               "detail": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True)}
        prev = prev or _GENESIS
        digest = _digest(prev, row)
        values = {**row, "at": dt.datetime.fromisoformat(row["at"]), "prev_hash": prev,
                  "hash": digest}
        return int(conn.execute(insert(audit_log).values(**values)).inserted_primary_key[0])


def entries(engine: Engine, *, function: str | None = None, after: int = 0,
            limit: int = 100) -> list[dict[str, Any]]:
    """Read entries in order, optionally of one function, after an id."""
    query = select(audit_log).where(audit_log.c.id > after).order_by(audit_log.c.id).limit(limit)
    if function:
        query = query.where(audit_log.c.function == function)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [{**dict(r), "at": _utc(r["at"]).isoformat(timespec="microseconds"),
             "detail": json.loads(r["detail"])} for r in rows]


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite returns naive datetimes; every stored time is UTC.
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def verify(engine: Engine) -> tuple[bool, int | None]:
    """Recompute the chain; return ``(True, None)`` or ``(False, first bad id)``."""
    prev = _GENESIS
    with engine.connect() as conn:
        for r in conn.execute(select(audit_log).order_by(audit_log.c.id)).mappings():
            row = {**dict(r), "at": _utc(r["at"]).isoformat(timespec="microseconds")}
            if r["prev_hash"] != prev or _digest(prev, row) != r["hash"]:
                return False, int(r["id"])
            prev = r["hash"]
    return True, None
