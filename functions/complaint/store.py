"""Storage of reports, their history, photos and "me too"s (SQLite or PostgreSQL).

Every change to a report is one transaction holding the report's row, its history event
and the audit entry, so a report never exists without the record of who made it so.
The reporter's contact details live only in ``complaint_reports`` and leave it only
through :meth:`ComplaintStore.contact` (staff, audited).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    and_,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from functions.runtime import audit
from functions.runtime.db import Migration, create_tables, serial_key, utc

FUNCTION = "complaint"
metadata = MetaData()
reports = Table(
    "complaint_reports", metadata,
    serial_key("id"),
    Column("token", String(40), nullable=False, unique=True),
    Column("reporter_key_hash", String(64), nullable=True),
    Column("service_code", String(64), nullable=False),
    Column("description", Text, nullable=True),
    Column("attributes", Text, nullable=False, default="{}"),
    Column("lat", Float, nullable=True),
    Column("long", Float, nullable=True),
    Column("round_location", Boolean, nullable=False, default=False),
    Column("address", Text, nullable=True),
    Column("address_id", String(200), nullable=True),
    Column("zipcode", String(20), nullable=True),
    Column("cell_id", String(64), nullable=True),
    Column("team", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("stage", String(16), nullable=False),
    Column("status_notes", Text, nullable=True),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("expected_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=True),
    Column("media_id", String(40), nullable=True),
    Column("media_url", Text, nullable=True),
    Column("reporter_name", String(200), nullable=True),
    Column("reporter_phone", String(40), nullable=True),
    Column("reporter_email", String(254), nullable=True),
    Column("device_id", String(200), nullable=True),
    Column("account_id", String(200), nullable=True),
    Column("reporter_hash", String(64), nullable=True),
    Column("client", String(200), nullable=False),
    Column("supporters", Integer, nullable=False, default=0),
    Column("rating", Integer, nullable=True),
    Column("reopen_count", Integer, nullable=False, default=0),
    Index("complaint_reports_requested", "requested_at"),
    Index("complaint_reports_service", "service_code", "requested_at"),
    Index("complaint_reports_team", "team", "status"),
    Index("complaint_reports_client", "client", "requested_at"),
    Index("complaint_reports_reporter", "reporter_hash", "requested_at"),
)
events = Table(
    "complaint_events", metadata,
    serial_key("id"),
    Column("report_id", ForeignKey("complaint_reports.id"), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("stage", String(16), nullable=False),
    Column("note", Text, nullable=True),
    Column("public", Boolean, nullable=False),
    Column("score", Integer, nullable=True),
)
media = Table(
    "complaint_media", metadata,
    Column("id", String(40), primary_key=True),
    Column("content_type", String(40), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
supporters = Table(
    "complaint_supporters", metadata,
    Column("report_id", ForeignKey("complaint_reports.id"), primary_key=True),
    Column("fingerprint", String(64), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
)
MIGRATIONS = [Migration("0001-complaint-tables",
                        create_tables(reports, events, media, supporters))]
#: Columns a public read may see; contact details and device are not among them.
PUBLIC_COLUMNS = [c for c in reports.c if c.name not in (
    "reporter_key_hash", "reporter_name", "reporter_phone", "reporter_email", "device_id",
    "account_id", "reporter_hash")]


@dataclass(frozen=True)
class Report:
    """A report as stored, without the reporter's contact details."""

    id: int
    token: str
    service_code: str
    description: str | None
    attributes: dict[str, list[str]]
    lat: float | None
    long: float | None
    round_location: bool
    address: str | None
    address_id: str | None
    zipcode: str | None
    cell_id: str | None
    team: str
    status: str
    stage: str
    status_notes: str | None
    requested_at: dt.datetime
    updated_at: dt.datetime
    expected_at: dt.datetime
    closed_at: dt.datetime | None
    media_id: str | None
    media_url: str | None
    client: str
    supporters: int
    rating: int | None
    reopen_count: int

    @classmethod
    def from_row(cls, row: Any) -> Report:
        """Build from a row holding :data:`PUBLIC_COLUMNS`."""
        values = {name: row[name] for name in cls.__dataclass_fields__}
        values["attributes"] = json.loads(row["attributes"] or "{}")
        for name in ("requested_at", "updated_at", "expected_at", "closed_at"):
            values[name] = utc(row[name])
        return cls(**values)


@dataclass(frozen=True)
class Event:
    """One step in a report's history."""

    at: dt.datetime
    actor: str
    kind: str
    stage: str
    note: str | None
    public: bool
    score: int | None = None


@dataclass
class NewRow:
    """What :meth:`ComplaintStore.create` inserts (validated by the service)."""

    values: dict[str, Any]
    photo: dict[str, Any] | None = None
    events: list[Event] = field(default_factory=list)
    audit_detail: dict[str, Any] = field(default_factory=dict)


class ComplaintStore:
    """Reports behind a small interface."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- writing ------------------------------------------------------------------------

    def create(self, new: NewRow, *, actor: str, check: Any = None,
               conn: Connection | None = None) -> Report:
        """Insert a report, its photo, its first events and the audit entry, atomically.

        Args:
            new: The row, photo and events.
            actor: Who submits (the client, for the audit log).
            check: Called with the open connection before inserting (rate limits counted
                in the same transaction); raising aborts everything.
            conn: A connection inside the caller's transaction (the idempotency record
                is committed with the report); without it, a transaction of its own.
        """
        if conn is None:
            with self.engine.begin() as own:
                return self.create(new, actor=actor, check=check, conn=own)
        if check is not None:
            check(conn)
        if new.photo is not None:
            conn.execute(insert(media).values(**new.photo))
        key = conn.execute(insert(reports).values(**new.values)).inserted_primary_key
        report_id = int(key[0])  # type: ignore[index]
        self._events(conn, report_id, new.events)
        audit.append(conn, actor=actor, function=FUNCTION, action="report.create",
                     target=f"report/{report_id}", detail=new.audit_detail)
        return self._get(conn, report_id)  # type: ignore[return-value]

    def change(self, report_id: int, *, actor: str, action: str, values: dict[str, Any],
               event: Event, expect: Any = None, detail: dict[str, Any] | None = None,
               ) -> Report | None:
        """Update a report if ``expect(report)`` holds, add its event and audit it.

        Returns:
            The report after the change, or ``None`` when there is no such report.
        """
        with self.engine.begin() as conn:
            current = self._get(conn, report_id, lock=True)
            if current is None:
                return None
            if expect is not None:
                expect(current)
            conn.execute(update(reports).where(reports.c.id == report_id).values(**values))
            self._events(conn, report_id, [event])
            audit.append(conn, actor=actor, function=FUNCTION, action=action,
                         target=f"report/{report_id}",
                         detail={"stage": event.stage, **(detail or {})})
            return self._get(conn, report_id)

    def support(self, report_id: int, fingerprint: str, at: dt.datetime, *, actor: str,
                expect: Any = None) -> tuple[Report | None, bool]:
        """Count one "me too" per fingerprint; returns the report and whether it counted."""
        try:
            with self.engine.begin() as conn:
                current = self._get(conn, report_id, lock=True)
                if current is None:
                    return None, False
                if expect is not None:
                    expect(current)
                conn.execute(insert(supporters).values(report_id=report_id,
                                                       fingerprint=fingerprint, at=at))
                conn.execute(update(reports).where(reports.c.id == report_id)
                             .values(supporters=reports.c.supporters + 1))
                audit.append(conn, actor=actor, function=FUNCTION, action="report.metoo",
                             target=f"report/{report_id}")
                return self._get(conn, report_id), True
        except IntegrityError:
            return self.get(report_id), False

    @staticmethod
    def _events(conn: Connection, report_id: int, items: Iterable[Event]) -> None:
        for e in items:
            conn.execute(insert(events).values(report_id=report_id, at=e.at, actor=e.actor,
                                               kind=e.kind, stage=e.stage, note=e.note,
                                               public=e.public, score=e.score))

    # -- reading ------------------------------------------------------------------------

    def _get(self, conn: Connection, report_id: int, *, lock: bool = False) -> Report | None:
        """The report; with ``lock``, held until the transaction ends (checked, then changed).

        PostgreSQL locks the row. pysqlite would begin the transaction only at the first
        write, after the check, so two handlers could both see a report open and both
        close it: ``BEGIN IMMEDIATE`` takes SQLite's write lock before the read instead.
        """
        query = select(*PUBLIC_COLUMNS).where(reports.c.id == report_id)
        if lock and conn.dialect.name == "postgresql":
            query = query.with_for_update()
        elif lock and conn.dialect.name == "sqlite":
            raw: Any = conn.connection.dbapi_connection
            if raw is not None and raw.isolation_level is not None and not raw.in_transaction:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
        row = conn.execute(query).mappings().first()
        return Report.from_row(row) if row is not None else None

    def get(self, report_id: int) -> Report | None:
        """One report (no contact details)."""
        with self.engine.connect() as conn:
            return self._get(conn, report_id)

    def by_token(self, token: str) -> Report | None:
        """The report an Open311 token stands for."""
        with self.engine.connect() as conn:
            row = conn.execute(select(*PUBLIC_COLUMNS).where(reports.c.token == token)
                               ).mappings().first()
        return Report.from_row(row) if row is not None else None

    def reporter_key_hash(self, report_id: int) -> str | None:
        """The stored hash of the reporter's link key."""
        with self.engine.connect() as conn:
            return conn.scalar(select(reports.c.reporter_key_hash)
                               .where(reports.c.id == report_id))

    def contact(self, report_id: int, *, actor: str) -> dict[str, Any] | None:
        """The reporter's contact details, for staff; the read itself is audited."""
        cols = [reports.c.reporter_name, reports.c.reporter_phone, reports.c.reporter_email,
                reports.c.device_id, reports.c.account_id]
        with self.engine.begin() as conn:
            row = conn.execute(select(*cols).where(reports.c.id == report_id)).mappings().first()
            if row is None:
                return None
            audit.append(conn, actor=actor, function=FUNCTION, action="report.contact.read",
                         target=f"report/{report_id}")
            return dict(row)

    def history(self, report_id: int, *, public_only: bool) -> list[Event]:
        """The report's events, oldest first."""
        query = select(events).where(events.c.report_id == report_id).order_by(events.c.id)
        if public_only:
            query = query.where(events.c.public.is_(True))
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [Event(utc(r["at"]), r["actor"], r["kind"], r["stage"], r["note"],  # type: ignore[arg-type]
                      bool(r["public"]), r["score"]) for r in rows]

    def search(self, *, ids: Sequence[int] | None = None, codes: Sequence[str] | None = None,
               statuses: Sequence[str] | None = None, start: dt.datetime | None = None,
               end: dt.datetime | None = None, teams: Sequence[str] | None = None,
               limit: int = 1000) -> list[Report]:
        """Reports matching every given filter, newest first (at most ``limit``)."""
        query = select(*PUBLIC_COLUMNS)
        if ids is not None:
            query = query.where(reports.c.id.in_(list(ids)))
        if codes:
            query = query.where(reports.c.service_code.in_(list(codes)))
        if statuses:
            query = query.where(reports.c.status.in_(list(statuses)))
        if start is not None:
            query = query.where(reports.c.requested_at >= start)
        if end is not None:
            query = query.where(reports.c.requested_at <= end)
        if teams is not None:
            query = query.where(reports.c.team.in_(list(teams)))
        query = query.order_by(reports.c.requested_at.desc(), reports.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [Report.from_row(r) for r in conn.execute(query).mappings()]

    def near(self, *, code: str, box: tuple[float, float, float, float],
             since: dt.datetime) -> list[Report]:
        """Open reports of ``code`` in the box (min_lat, max_lat, min_long, max_long) since."""
        min_lat, max_lat, min_long, max_long = box
        query = select(*PUBLIC_COLUMNS).where(and_(
            reports.c.service_code == code, reports.c.status == "open",
            reports.c.requested_at >= since, reports.c.lat.between(min_lat, max_lat),
            reports.c.long.between(min_long, max_long))).limit(50)
        with self.engine.connect() as conn:
            return [Report.from_row(r) for r in conn.execute(query).mappings()]

    @staticmethod
    def count_since(conn: Connection, *, since: dt.datetime, client: str | None = None,
                    reporter_hash: str | None = None) -> int:
        """Reports by a client or a reporter since a time (for the per-source limits)."""
        conditions = [reports.c.requested_at >= since]
        if client is not None:
            conditions.append(reports.c.client == client)
        if reporter_hash is not None:
            conditions.append(reports.c.reporter_hash == reporter_hash)
        return int(conn.scalar(select(func.count()).select_from(reports)
                               .where(and_(*conditions))) or 0)

    def photo(self, media_id: str) -> tuple[bytes, str] | None:
        """A stored photo's bytes and type."""
        with self.engine.connect() as conn:
            row = conn.execute(select(media.c.data, media.c.content_type)
                               .where(media.c.id == media_id)).first()
        return (bytes(row[0]), row[1]) if row is not None else None

    def overdue(self, now: dt.datetime, teams: Sequence[str] | None = None) -> list[Report]:
        """Open reports past their time limit, oldest deadline first."""
        query = select(*PUBLIC_COLUMNS).where(and_(reports.c.status == "open",
                                                   reports.c.expected_at < now))
        if teams is not None:
            query = query.where(or_(*[reports.c.team == t for t in teams]))
        with self.engine.connect() as conn:
            return [Report.from_row(r) for r in
                    conn.execute(query.order_by(reports.c.expected_at)).mappings()]
