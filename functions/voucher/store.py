"""Storage of requests, vouchers and the events a citizen sees (SQLite or PostgreSQL).

Rows are written only through :class:`VoucherStore`, each inside the transaction that
also appends the event's leaf to the log (:meth:`TransparencyLog.writing`), so the
database never holds an event the log lacks, or the other way round.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine

from functions.runtime.db import Migration, create_tables, serial_key, utc

from . import anchor, log

metadata = MetaData()
requests = Table(
    "voucher_requests", metadata,
    Column("id", String(40), primary_key=True),
    Column("requester_id", String(64), nullable=False, index=True),
    Column("requester_name", String(200), nullable=False),
    Column("subject_id", String(64), nullable=False, index=True),
    Column("purpose", String(200), nullable=False),
    Column("kinds", Text, nullable=False),
    Column("valid_days", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("voucher_id", String(40), nullable=True),
)
vouchers = Table(
    "voucher_vouchers", metadata,
    Column("id", String(40), primary_key=True),
    Column("request_id", String(40), nullable=False, unique=True),
    Column("subject_id", String(64), nullable=False, index=True),
    Column("requester_id", String(64), nullable=False, index=True),
    Column("credential", Text, nullable=False),
    Column("report", Text, nullable=False),
    Column("status_list", Integer, nullable=False),
    Column("status_index", Integer, nullable=False),
    Column("valid_from", DateTime(timezone=True), nullable=False),
    Column("valid_until", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("leaf_index", BigInteger, nullable=False),
    UniqueConstraint("status_list", "status_index", name="voucher_status_slot"),
)
events = Table(
    "voucher_events", metadata,
    serial_key("id"),
    Column("subject_id", String(64), nullable=False, index=True),
    Column("request_id", String(40), nullable=False),
    Column("voucher_id", String(40), nullable=True),
    Column("action", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("leaf_index", BigInteger, nullable=False),
)
issuer_keys = Table(
    "voucher_issuer_keys", metadata,
    Column("key_id", String(16), primary_key=True),
    Column("public", String(64), nullable=False),
    Column("first_used", DateTime(timezone=True), nullable=False),
)
MIGRATIONS = [*log.MIGRATIONS,
              Migration("0003-voucher-tables",
                        create_tables(requests, vouchers, events, issuer_keys)),
              *anchor.MIGRATIONS]


@dataclass(frozen=True)
class Request:
    """A requester's request for a voucher."""

    id: str
    requester_id: str
    requester_name: str
    subject_id: str
    purpose: str
    kinds: list[str]
    valid_days: int
    status: str
    created_at: dt.datetime
    decided_at: dt.datetime | None
    voucher_id: str | None

    @classmethod
    def of(cls, row: Any) -> Request:
        """From a database row."""
        created = utc(row["created_at"])
        assert created is not None
        return cls(row["id"], row["requester_id"], row["requester_name"], row["subject_id"],
                   row["purpose"], json.loads(row["kinds"]), int(row["valid_days"]),
                   row["status"], created, utc(row["decided_at"]), row["voucher_id"])


@dataclass(frozen=True)
class Voucher:
    """An issued voucher."""

    id: str
    request_id: str
    subject_id: str
    requester_id: str
    credential: dict[str, Any]
    report: str
    status_list: int
    status_index: int
    valid_from: dt.datetime
    valid_until: dt.datetime
    revoked_at: dt.datetime | None
    leaf_index: int

    @classmethod
    def of(cls, row: Any) -> Voucher:
        """From a database row."""
        valid_from, valid_until = utc(row["valid_from"]), utc(row["valid_until"])
        assert valid_from is not None and valid_until is not None
        return cls(row["id"], row["request_id"], row["subject_id"], row["requester_id"],
                   json.loads(row["credential"]), row["report"], int(row["status_list"]),
                   int(row["status_index"]), valid_from, valid_until, utc(row["revoked_at"]),
                   int(row["leaf_index"]))


class VoucherStore:
    """Reads and writes of the voucher tables; writes take the caller's connection."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add_request(self, conn: Connection, row: dict[str, Any]) -> None:
        """Insert a request (``kinds`` as a list)."""
        conn.execute(insert(requests).values({**row, "kinds": json.dumps(row["kinds"])}))

    def decide(self, conn: Connection, request_id: str, status: str, at: dt.datetime,
               voucher_id: str | None = None) -> bool:
        """Move a pending request to ``status``; ``False`` if it was no longer pending."""
        done = conn.execute(update(requests).where(
            (requests.c.id == request_id) & (requests.c.status == "pending"))
            .values(status=status, decided_at=at, voucher_id=voucher_id))
        return done.rowcount == 1

    def add_voucher(self, conn: Connection, row: dict[str, Any]) -> None:
        """Insert an issued voucher (``credential`` as a dict)."""
        conn.execute(insert(vouchers).values(
            {**row, "credential": json.dumps(row["credential"], ensure_ascii=False)}))

    def revoke(self, conn: Connection, voucher_id: str, at: dt.datetime) -> bool:
        """Mark a voucher revoked; ``False`` if it already was."""
        done = conn.execute(update(vouchers).where(
            (vouchers.c.id == voucher_id) & vouchers.c.revoked_at.is_(None)).values(revoked_at=at))
        return done.rowcount == 1

    def add_event(self, conn: Connection, row: dict[str, Any]) -> None:
        """Record an event the citizen's view lists."""
        conn.execute(insert(events).values(**row))

    def request(self, request_id: str, conn: Connection | None = None) -> Request | None:
        """One request."""
        return self._one(select(requests).where(requests.c.id == request_id), Request.of, conn)

    def voucher(self, voucher_id: str, conn: Connection | None = None) -> Voucher | None:
        """One voucher."""
        return self._one(select(vouchers).where(vouchers.c.id == voucher_id), Voucher.of, conn)

    def _one(self, query: Any, make: Any, conn: Connection | None) -> Any:
        if conn is not None:
            row = conn.execute(query).mappings().first()
        else:
            with self.engine.connect() as own:
                row = own.execute(query).mappings().first()
        return None if row is None else make(row)

    def requests_where(self, *, subject_id: str | None = None, requester_id: str | None = None,
                       limit: int = 200) -> list[Request]:
        """Requests about a subject or by a requester, newest first."""
        query = select(requests).order_by(requests.c.created_at.desc(), requests.c.id).limit(limit)
        if subject_id is not None:
            query = query.where(requests.c.subject_id == subject_id)
        if requester_id is not None:
            query = query.where(requests.c.requester_id == requester_id)
        with self.engine.connect() as conn:
            return [Request.of(r) for r in conn.execute(query).mappings()]

    def vouchers_about(self, subject_id: str, limit: int = 200) -> list[Voucher]:
        """Vouchers about a subject, newest first."""
        query = select(vouchers).where(vouchers.c.subject_id == subject_id) \
            .order_by(vouchers.c.valid_from.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [Voucher.of(r) for r in conn.execute(query).mappings()]

    def events_about(self, subject_id: str, limit: int = 500) -> list[dict[str, Any]]:
        """The events about a subject, newest first."""
        query = select(events).where(events.c.subject_id == subject_id) \
            .order_by(events.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [{**dict(r), "at": utc(r["at"])} for r in conn.execute(query).mappings()]

    def used_lists(self, conn: Connection) -> list[int]:
        """The status lists that hold at least one voucher, in order."""
        return sorted(int(n) for n in conn.scalars(select(vouchers.c.status_list).distinct()))

    def used_slots(self, conn: Connection, status_list: int) -> int:
        """How many indexes of a status list are taken."""
        return int(conn.scalar(select(func.count()).select_from(vouchers)
                               .where(vouchers.c.status_list == status_list)) or 0)

    def slot_taken(self, conn: Connection, status_list: int, index: int) -> bool:
        """Whether a status list index is taken."""
        return conn.scalar(select(vouchers.c.id).where(
            (vouchers.c.status_list == status_list) & (vouchers.c.status_index == index))) is not None

    def revoked(self, status_list: int) -> tuple[list[int], dt.datetime | None, int]:
        """Revoked indexes of a list, the latest change to it, and how many vouchers it holds."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(vouchers.c.status_index, vouchers.c.revoked_at,
                                       vouchers.c.valid_from)
                                .where(vouchers.c.status_list == status_list)).all()
        revoked = sorted(int(r[0]) for r in rows if r[1] is not None)
        times = [t for r in rows for t in (utc(r[1]), utc(r[2])) if t is not None]
        return revoked, max(times) if times else None, len(rows)

    def remember_key(self, conn: Connection, key_id: str, public_b64: str,
                     at: dt.datetime) -> None:
        """Record an issuer key the first time it signs (old keys stay in the DID document)."""
        if conn.scalar(select(issuer_keys.c.key_id).where(issuer_keys.c.key_id == key_id)) is None:
            conn.execute(insert(issuer_keys).values(key_id=key_id, public=public_b64,
                                                    first_used=at))

    def signing_keys(self) -> list[tuple[str, str]]:
        """``(key id, public base64)`` of every issuer key that has signed, oldest first."""
        with self.engine.connect() as conn:
            return [(r[0], r[1]) for r in conn.execute(
                select(issuer_keys.c.key_id, issuer_keys.c.public).order_by(
                    issuer_keys.c.first_used))]
