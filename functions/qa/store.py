"""Storage of the Q&A function: satisfaction votes and consultations (SQLite or PostgreSQL).

- ``qa_feedback``: one row per 满意/不满意 vote on an answer: the page, the vote, when, and
  the question with any personal data masked (staff read the 不满意 ones to improve the
  content). The build reads the counts per page (``tongda qa feedback-export``).
- ``qa_questions``: questions the robot could not answer, submitted to a person. The asker
  gets the id and a code, shown once; only the code's SHA-256 is kept. A consultant
  (role ``consultant``) answers; the asker reads the answer with the id and the code.

Every write goes through a caller's :class:`~sqlalchemy.engine.Connection`, so the
idempotency record and the audit entry commit with it or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine

from functions.runtime.db import Migration, create_tables, new_id, serial_key

metadata = MetaData()
feedback = Table(
    "qa_feedback", metadata,
    serial_key("id"),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("page", String(200), nullable=False),
    Column("vote", String(8), nullable=False),
    Column("question", String(400), nullable=False),
    Index("qa_feedback_by_page", "page"),
)
questions = Table(
    "qa_questions", metadata,
    Column("id", String(32), primary_key=True),
    Column("code_hash", String(64), nullable=False),
    Column("question", Text, nullable=False),
    Column("contact", String(200), nullable=True),
    Column("status", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("answer", Text, nullable=True),
    Column("answered_by", String(200), nullable=True),
    Column("answered_at", DateTime(timezone=True), nullable=True),
    Index("qa_questions_by_status", "status", "created_at"),
)
MIGRATIONS = [Migration("0001-qa-tables", create_tables(feedback, questions))]
OPEN = "open"
ANSWERED = "answered"


def code_hash(code: str) -> str:
    """How a question's code is kept (never the code itself)."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def add_vote(conn: Connection, *, page: str, vote: str, question: str, at: dt.datetime) -> None:
    """Record one vote."""
    conn.execute(insert(feedback).values(at=at, page=page, vote=vote, question=question[:400]))


def vote_counts(engine: Engine) -> dict[str, list[int]]:
    """``{page: [满意, 不满意]}`` over every vote, pages sorted."""
    out: dict[str, list[int]] = {}
    with engine.connect() as conn:
        rows = conn.execute(select(feedback.c.page, feedback.c.vote, func.count())
                            .group_by(feedback.c.page, feedback.c.vote)).all()
    for page, vote, count in rows:
        out.setdefault(page, [0, 0])[0 if vote == "up" else 1] += int(count)
    return dict(sorted(out.items()))


def new_question(conn: Connection, *, question: str, contact: str | None,
                 at: dt.datetime) -> tuple[str, str]:
    """Store a submitted question; return its id and the asker's code (shown once)."""
    qid = new_id("ZX", at)
    code = secrets.token_urlsafe(12)
    conn.execute(insert(questions).values(
        id=qid, code_hash=code_hash(code), question=question, contact=contact, status=OPEN,
        created_at=at))
    return qid, code


def get_question(conn: Connection, qid: str) -> dict[str, Any] | None:
    """One question with every column, or None."""
    row = conn.execute(select(questions).where(questions.c.id == qid)).mappings().first()
    return dict(row) if row else None


def open_questions(engine: Engine, limit: int) -> list[dict[str, Any]]:
    """Questions waiting for an answer, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(questions).where(questions.c.status == OPEN)
                            .order_by(questions.c.created_at, questions.c.id).limit(limit))
        return [dict(r) for r in rows.mappings()]


def answer_question(conn: Connection, qid: str, *, answer: str, by: str,
                    at: dt.datetime) -> bool:
    """Answer an open question; False when it is not open (answered, or no such question).

    The condition on the status makes two consultants answering at once give one answer.
    """
    result = conn.execute(update(questions)
                          .where((questions.c.id == qid) & (questions.c.status == OPEN))
                          .values(status=ANSWERED, answer=answer, answered_by=by, answered_at=at))
    return bool(result.rowcount)
