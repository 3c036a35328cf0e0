"""Storage of applications, their state history and the payment outbox (SQLite or PostgreSQL).

Three tables, changed only together inside one transaction each:

- ``apply_applications``: one row per application, unique per policy, subject and period,
  so concurrent submissions (retries with new keys, two browser tabs) make exactly one;
- ``apply_events``: every state an application went through, who moved it and why;
- ``apply_payments``: the outbox the payment system reads. An approval and its payment
  instruction are written in the same transaction (unique per application), so neither
  ever exists without the other and an instruction is never issued twice; it stays
  listed until the payment system acknowledges it.

Every write goes through a caller's :class:`~sqlalchemy.engine.Connection`, so the
idempotency record and the audit entry commit with it or not at all.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, RowMapping

from functions.runtime.db import (
    Migration,
    create_tables,
    dumps,
    insert_returning,
    new_id,
    serial_key,
    utc,
)

metadata = MetaData()
applications = Table(
    "apply_applications", metadata,
    Column("id", String(32), primary_key=True),
    Column("policy", String(200), nullable=False),
    Column("subject", String(64), nullable=False),
    Column("subject_kind", String(16), nullable=False),
    Column("subject_name", String(200), nullable=True),
    Column("period", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("facts", Text, nullable=False),
    Column("conditions", Text, nullable=False),
    Column("materials", Text, nullable=False),
    Column("reasons", Text, nullable=False),
    Column("amount_fen", BigInteger, nullable=True),
    Column("rules_revision", Integer, nullable=True),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("due", Date, nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("decided_by", String(200), nullable=True),
    Column("decision_reason", Text, nullable=True),
    UniqueConstraint("policy", "subject", "period", name="apply_one_per_period"),
    Index("apply_by_status_due", "status", "due"),
    Index("apply_by_subject", "subject", "submitted_at"),
)
events = Table(
    "apply_events", metadata,
    serial_key("id"),
    Column("application_id", String(32), ForeignKey("apply_applications.id"), nullable=False,
           index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("reason", Text, nullable=False),
)
payments = Table(
    "apply_payments", metadata,
    Column("id", String(32), primary_key=True),
    Column("application_id", String(32), ForeignKey("apply_applications.id"), nullable=False,
           unique=True),
    Column("policy", String(200), nullable=False),
    Column("subject", String(64), nullable=False),
    Column("payee_name", String(200), nullable=True),
    Column("amount_fen", BigInteger, nullable=False),
    Column("purpose", String(300), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("acked_at", DateTime(timezone=True), nullable=True),
    Column("acked_by", String(200), nullable=True),
    Index("apply_payments_open", "acked_at", "created_at"),
)
MIGRATIONS = [Migration("0001-apply-tables", create_tables(applications, events, payments))]
_JSON_COLUMNS = ("facts", "conditions", "materials", "reasons")


def create_application(conn: Connection, row: dict[str, Any], *, actor: str, role: str,
                       reason: str) -> bool:
    """Insert an application with its first event; ``False`` when the period has one.

    Args:
        conn: The transaction to write in.
        row: Column values; JSON columns as Python values.
        actor: Who made the application (the event's actor).
        role: ``applicant``, ``system`` or ``proactive`` (how the history shows it).
        reason: Why it is in its first state.
    """
    values = {k: (dumps(v) if k in _JSON_COLUMNS else v) for k, v in row.items()}
    # ON CONFLICT DO NOTHING: the transaction also holds the idempotency record.
    if not insert_returning(conn, applications, values, ["policy", "subject", "period"]):
        return False
    add_event(conn, row["id"], row["status"], actor=actor, role=role, reason=reason,
              at=row["decided_at"] or row["submitted_at"])
    return True


def add_event(conn: Connection, application_id: str, status: str, *, actor: str, role: str,
              reason: str, at: dt.datetime) -> None:
    """Record that an application entered ``status``."""
    conn.execute(insert(events).values(application_id=application_id, at=at, status=status,
                                       actor=actor, role=role, reason=reason))


def set_decision(conn: Connection, application_id: str, *, status: str, amount_fen: int | None,
                 actor: str, reason: str, at: dt.datetime) -> bool:
    """Move a pending application to ``status``; ``False`` when it is no longer pending.

    Compare-and-set on the status, so of two reviewers deciding at once exactly one wins.
    """
    done = conn.execute(update(applications).where(and_(
        applications.c.id == application_id, applications.c.status == "pending")).values(
        status=status, amount_fen=amount_fen, decided_at=at, decided_by=actor,
        decision_reason=reason))
    if done.rowcount != 1:
        return False
    add_event(conn, application_id, status, actor=actor, role="reviewer", reason=reason, at=at)
    return True


def create_payment(conn: Connection, application: dict[str, Any], *, purpose: str,
                   at: dt.datetime, today: dt.date) -> str:
    """Write the payment instruction of an approved application; return its id."""
    payment_id = new_id("ZF", today)
    conn.execute(insert(payments).values(
        id=payment_id, application_id=application["id"], policy=application["policy"],
        subject=application["subject"], payee_name=application.get("subject_name"),
        amount_fen=application["amount_fen"], purpose=purpose[:300], created_at=at))
    return payment_id


def _row(row: RowMapping) -> dict[str, Any]:
    out = dict(row)
    for key in _JSON_COLUMNS:
        if key in out:
            out[key] = json.loads(out[key])
    for key in ("submitted_at", "decided_at", "created_at", "acked_at", "at"):
        if key in out:
            out[key] = utc(out[key])
    return out


def get_application(conn: Connection, application_id: str) -> dict[str, Any] | None:
    """One application with its events and payment instruction, or ``None``."""
    row = conn.execute(select(applications).where(
        applications.c.id == application_id)).mappings().first()
    if row is None:
        return None
    out = _row(row)
    out["events"] = [_row(e) for e in conn.execute(
        select(events.c.at, events.c.status, events.c.actor, events.c.role, events.c.reason)
        .where(events.c.application_id == application_id).order_by(events.c.id)).mappings()]
    payment = conn.execute(select(payments).where(
        payments.c.application_id == application_id)).mappings().first()
    out["payment"] = _row(payment) if payment is not None else None
    return out


def find_application(conn: Connection, policy: str, subject: str, period: str) -> str | None:
    """The id of the subject's application for ``policy`` in ``period``, if any."""
    return conn.scalar(select(applications.c.id).where(and_(
        applications.c.policy == policy, applications.c.subject == subject,
        applications.c.period == period)))


def list_applications(conn: Connection, *, subject: str | None = None,
                      status: str | None = None, limit: int = 100,
                      order_by_due: bool = False) -> list[dict[str, Any]]:
    """Applications of one subject (newest first) or in one status (by due date)."""
    cols = [applications.c.id, applications.c.policy, applications.c.subject,
            applications.c.subject_kind, applications.c.subject_name, applications.c.status,
            applications.c.channel, applications.c.amount_fen, applications.c.submitted_at,
            applications.c.due, applications.c.decided_at, applications.c.reasons]
    query = select(*cols)
    if subject is not None:
        query = query.where(applications.c.subject == subject)
    if status is not None:
        query = query.where(applications.c.status == status)
    order = ((applications.c.due, applications.c.submitted_at) if order_by_due
             else (applications.c.submitted_at.desc(),))
    return [_row(r) for r in conn.execute(query.order_by(*order, applications.c.id)
                                          .limit(limit)).mappings()]


def open_payments(conn: Connection, *, limit: int = 100) -> list[dict[str, Any]]:
    """Payment instructions not yet acknowledged, oldest first."""
    query = (select(payments).where(payments.c.acked_at.is_(None))
             .order_by(payments.c.created_at, payments.c.id).limit(limit))
    return [_row(r) for r in conn.execute(query).mappings()]


def get_payment(conn: Connection, payment_id: str) -> dict[str, Any] | None:
    """One payment instruction, or ``None``."""
    row = conn.execute(select(payments).where(payments.c.id == payment_id)).mappings().first()
    return _row(row) if row is not None else None


def ack_payment(conn: Connection, payment_id: str, *, actor: str, at: dt.datetime) -> bool:
    """Acknowledge an instruction; ``False`` when it was acknowledged before."""
    done = conn.execute(update(payments).where(and_(
        payments.c.id == payment_id, payments.c.acked_at.is_(None))).values(
        acked_at=at, acked_by=actor))
    return done.rowcount == 1


def decision_times(conn: Connection) -> Iterable[RowMapping]:
    """Per application: policy, status, channel, amount, its times, and when its payment
    instruction was acknowledged by the payment system (paid), if it was (for statistics)."""
    return conn.execute(select(
        applications.c.policy, applications.c.status, applications.c.channel,
        applications.c.amount_fen, applications.c.submitted_at,
        applications.c.decided_at, payments.c.acked_at.label("paid_at"),
        payments.c.amount_fen.label("paid_fen"))
        .select_from(applications.outerjoin(
            payments, payments.c.application_id == applications.c.id))).mappings()


def count_by_status(conn: Connection) -> dict[tuple[str, str], int]:
    """How many applications each policy has in each status."""
    rows = conn.execute(select(applications.c.policy, applications.c.status,
                               func.count()).group_by(applications.c.policy,
                                                      applications.c.status))
    return {(r[0], r[1]): int(r[2]) for r in rows}
