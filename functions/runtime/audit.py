"""Append-only audit log of every state change: a hash chain with signed heads.

Every row's ``hash`` is the SHA-256 of its sequence (``id``, which runs 1, 2, 3… without
gaps) and of every field, including the previous row's hash, so an edited, reordered or
removed row breaks the chain. The database refuses UPDATE and DELETE on ``audit_log`` and
inserts that do not extend the chain (triggers in SQLite and PostgreSQL; on PostgreSQL the
application's role is also granted only INSERT and SELECT, see :mod:`grants`).

Someone with the database file, or the table owner's password, can still drop the triggers
and rewrite the whole chain with recomputed hashes, or cut its end off. So after each
transaction that appended commits, the newest row's sequence and hash are signed with
Ed25519 and kept outside the database (:mod:`heads`); :func:`verify` checks the chain
against those signed heads and says what is wrong.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from sqlalchemy import (
    Column,
    DateTime,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    event,
    insert,
    select,
    text,
)
from sqlalchemy.engine import Connection, Engine

from .db import Migration, add_columns, create_tables, serial_key, utc

if TYPE_CHECKING:
    from .audit_verify import VerifyResult
    from .heads import HeadSigner
    from .settings import Settings

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
    # 1: rows written before ids were hashed (verified the old way); 2: every field hashed.
    Column("scheme", SmallInteger, nullable=False, server_default=text("1")),
)
GENESIS = "0" * 64
ROW_FORMAT = "tongda-audit-row/2"
SCHEME = 2
_PENDING = "tongda.audit.pending"
log = logging.getLogger("tongda.audit")


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


def _linear_inserts(conn: Connection) -> None:
    """Refuse an insert that does not extend the chain by one (``INSERT OR REPLACE`` too).

    A BEFORE INSERT trigger runs before SQLite's REPLACE removes the row it replaces, and
    REPLACE does not fire DELETE triggers, so without this it rewrote rows in place.
    """
    if conn.dialect.name == "sqlite":
        conn.execute(text(
            "CREATE TRIGGER IF NOT EXISTS audit_log_linear BEFORE INSERT ON audit_log "
            "WHEN NEW.id IS NOT COALESCE((SELECT MAX(id) FROM audit_log), 0) + 1 OR NEW.prev_hash "
            "IS NOT COALESCE((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), "
            "printf('%064d', 0)) "
            "BEGIN SELECT RAISE(ABORT, 'audit_log rows must extend the chain'); END"))
    elif conn.dialect.name == "postgresql":
        conn.execute(text(
            "CREATE OR REPLACE FUNCTION audit_log_linear() RETURNS trigger AS $$ "
            "BEGIN IF NEW.id IS DISTINCT FROM COALESCE((SELECT MAX(id) FROM audit_log), 0) + 1 "
            "OR NEW.prev_hash IS DISTINCT FROM COALESCE((SELECT hash FROM audit_log "
            "ORDER BY id DESC LIMIT 1), repeat('0', 64)) THEN "
            "RAISE EXCEPTION 'audit_log rows must extend the chain'; END IF; RETURN NEW; "
            "END $$ LANGUAGE plpgsql"))
        conn.execute(text(
            "CREATE TRIGGER audit_log_linear BEFORE INSERT ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_linear()"))


MIGRATIONS = [
    Migration("0001-audit-log", create_tables(audit_log)),
    Migration("0002-audit-log-append-only", _forbid_changes),
    Migration("0003-audit-log-scheme", add_columns(audit_log, "scheme")),
    Migration("0004-audit-log-linear", _linear_inserts),
]


def _iso(value: dt.datetime | str) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return utc(value).isoformat(timespec="microseconds")


def row_digest(row: Mapping[str, Any]) -> str:
    """The hash of a row: its sequence and every field, the previous row's hash included."""
    fields = {"seq": int(row["id"]), "at": _iso(row["at"]), "actor": row["actor"],
              "function": row["function"], "action": row["action"], "target": row["target"],
              "detail": row["detail"], "prev_hash": row["prev_hash"]}
    body = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{ROW_FORMAT}\n{body}".encode()).hexdigest()


def legacy_digest(row: Mapping[str, Any]) -> str:
    """The hash rows of scheme 1 carry (neither the id nor a format tag was hashed)."""
    payload = json.dumps({"at": _iso(row["at"]), **{k: row[k] for k in (
        "actor", "function", "action", "target", "detail")}}, ensure_ascii=False,
        sort_keys=True)
    return hashlib.sha256((row["prev_hash"] + payload).encode("utf-8")).hexdigest()


def _take_chain_lock(conn: Connection) -> None:
    """Hold the lock that makes appends linear until the caller's transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(727274)"))
    elif conn.dialect.name == "sqlite":
        # pysqlite opens a transaction only at the first write, so the newest row would be
        # read outside it and another process could append in between (a fork in the
        # chain). BEGIN IMMEDIATE takes SQLite's write lock, across processes, first; once
        # the transaction has written, it holds that lock already.
        raw: Any = conn.connection.dbapi_connection
        if raw is not None and raw.isolation_level is not None and not raw.in_transaction:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def append(conn: Connection, *, actor: str, function: str, action: str, target: str,
           detail: dict[str, Any] | None = None) -> int:
    """Record one state change inside the caller's transaction; return its sequence.

    The head is signed once the transaction commits (see :func:`attach`), never before,
    so a signed head never names a row that was rolled back.
    """
    _take_chain_lock(conn)
    last = conn.execute(select(audit_log.c.id, audit_log.c.hash)
                        .order_by(audit_log.c.id.desc()).limit(1)).first()
    row: dict[str, Any] = {
        "id": int(last.id) + 1 if last else 1, "at": dt.datetime.now(dt.UTC),
        "actor": actor, "function": function, "action": action, "target": target,
        "detail": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
        "prev_hash": last.hash if last else GENESIS}
    digest = row_digest(row)
    conn.execute(insert(audit_log).values(**row, hash=digest, scheme=SCHEME))
    conn.info[_PENDING] = True
    return int(row["id"])


_signers: weakref.WeakKeyDictionary[Engine, HeadSigner] = weakref.WeakKeyDictionary()


def attach(engine: Engine, signer: HeadSigner) -> None:
    """Sign the chain's head with ``signer`` whenever a connection that appended is returned.

    SQLAlchemy Core has no after-commit event; a pooled connection is checked in after its
    transaction committed or rolled back, so the head is read there, from the database,
    and only what was committed is ever signed.
    """
    first = engine not in _signers
    _signers[engine] = signer
    if not first:
        return
    ref = weakref.ref(engine)

    def checkin(dbapi_conn: Any, record: Any) -> None:
        if not record.info.pop(_PENDING, False) or dbapi_conn is None:
            return
        owner = ref()
        current = _signers.get(owner) if owner is not None else None
        if current is None:
            return
        try:
            head = _committed_head(dbapi_conn)
            if head is not None:
                current.sign(*head)
        except Exception:
            log.exception("审计链头签名失败：新记录暂未签名，下一次追加时会一并签名")

    event.listen(engine, "checkin", checkin)


def attach_from_settings(engine: Engine, settings: Settings) -> HeadSigner | None:
    """:func:`attach` the signer ``settings`` describe, if they name a heads file."""
    from .heads import signer_from_settings

    signer = signer_from_settings(settings)
    if signer is not None:
        attach(engine, signer)
    return signer


def _committed_head(dbapi_conn: Any) -> tuple[int, str] | None:
    cursor = dbapi_conn.cursor()
    try:
        cursor.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
        row = cursor.fetchone()
    finally:
        cursor.close()
        dbapi_conn.rollback()  # end the read transaction psycopg opened
    return (int(row[0]), str(row[1])) if row else None


def entries(engine: Engine, *, function: str | None = None, after: int = 0,
            limit: int = 100) -> list[dict[str, Any]]:
    """Read entries in order, optionally of one function, after an id."""
    query = select(audit_log).where(audit_log.c.id > after).order_by(audit_log.c.id).limit(limit)
    if function:
        query = query.where(audit_log.c.function == function)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [{**dict(r), "at": _iso(r["at"]), "detail": json.loads(r["detail"])} for r in rows]


def verify(engine: Engine, *, heads_file: Path | None = None, published: Path | None = None,
           trusted_keys: Mapping[str, Any] | None = None,
           settings: Settings | None = None) -> VerifyResult:
    """Check the chain and the signed heads; see :func:`audit_verify.verify`."""
    from . import audit_verify

    if settings is not None:
        return audit_verify.verify_with_settings(engine, settings, published=published)
    return audit_verify.verify(engine, heads_file=heads_file, published=published,
                               trusted_keys=trusted_keys or {})
