"""Feedback and consultations: the logic behind the routes (no HTTP here).

A question for a person is screened like a question for the robot: listed sensitive words
refuse it (nothing stored), and personal data typed into it (a phone number, an ID
number) is masked before it is kept; how to reach the asker goes in ``contact``, which
only staff see. Receiving and answering a question are audited; the audit entry names the
question, never its text.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Connection, Engine

from functions.runtime import audit, db
from functions.runtime.db import utc_now
from functions.runtime.problems import Problem
from functions.runtime.wordfilter import PERSONAL, WordFilter

from . import store
from .answer import Refused

log = logging.getLogger("tongda.qa")
Clock = Callable[[], dt.datetime]
FUNCTION = "qa"


def refusal(exc: Refused) -> Problem:
    """The polite 422 for a question holding listed sensitive words."""
    return Problem(422, "您的问题中含有不文明或不宜公开的用语，请修改后再提问。我们不会保存这段文字。",
                   title="问题未能受理", reason="sensitive_words", categories=exc.categories)


def screen(words: WordFilter, text: str) -> str:
    """The text as it may be kept: refused for listed words, personal data masked.

    Raises:
        Refused: The text holds listed sensitive words.
    """
    found = words.find(text)
    flagged = sorted({f.category for f in found if f.category != PERSONAL})
    if flagged:
        log.info("智能问答：拒收一条文字（%s），原文不记录", "、".join(flagged))
        raise Refused(flagged)
    return words.mask(text) if found else text


def _iso(value: dt.datetime | None) -> str | None:
    v = db.utc(value)
    return v.isoformat().replace("+00:00", "Z") if v else None


def question_view(row: dict[str, Any], *, staff: bool) -> dict[str, Any]:
    """A question as its asker (or, with ``contact``, staff) sees it."""
    out = {"id": row["id"], "question": row["question"], "status": row["status"],
           "created_at": _iso(row["created_at"]), "answer": row["answer"],
           "answered_at": _iso(row["answered_at"])}
    if staff:
        out["contact"] = row["contact"]
    return out


class QaService:
    """Votes and consultations over one database.

    Args:
        engine: The function's migrated engine.
        words: The sensitive-word filter.
        clock: The current time.
    """

    def __init__(self, engine: Engine, words: WordFilter, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.words = words
        self.clock = clock

    def vote(self, conn: Connection, *, page: str, vote: str, q: str) -> dict[str, Any]:
        """Record 满意 or 不满意 (the question kept with personal data masked)."""
        try:
            question = screen(self.words, q)
        except Refused:
            question = ""  # the vote still counts; the text is not kept
        store.add_vote(conn, page=page, vote=vote, question=question, at=self.clock())
        return {"page": page, "vote": vote}

    def submit(self, conn: Connection, *, question: str, contact: str | None) -> dict[str, Any]:
        """Store a question for a person; audit that it came (not what it says)."""
        text = screen(self.words, question)
        qid, code = store.new_question(conn, question=text, contact=contact or None,
                                       at=self.clock())
        audit.append(conn, actor="anonymous", function=FUNCTION, action="question.submitted",
                     target=qid)
        return {"id": qid, "code": code, "status": store.OPEN}

    def read(self, qid: str, code: str | None) -> dict[str, Any]:
        """The asker's view of a question, given the code shown when it was submitted."""
        with self.engine.connect() as conn:
            row = store.get_question(conn, qid)
        if row is None or not code or not hmac.compare_digest(row["code_hash"],
                                                                 store.code_hash(code)):
            # One answer for both: an id alone tells nobody whether it exists.
            raise Problem(404, "没有找到这个问题，请核对问题编号和查询码。", reason="unknown_question")
        return question_view(row, staff=False)

    def queue(self, limit: int) -> list[dict[str, Any]]:
        """Open questions, oldest first, for consultants."""
        return [question_view(r, staff=True) for r in store.open_questions(self.engine, limit)]

    def answer(self, conn: Connection, qid: str, *, text: str, actor: str) -> dict[str, Any]:
        """A consultant's answer to an open question (audited).

        Raises:
            Problem: 404 for no such question, 409 when it was answered already.
        """
        if store.get_question(conn, qid) is None:
            raise Problem(404, f"没有编号为 {qid} 的问题。", reason="unknown_question")
        if not store.answer_question(conn, qid, answer=text, by=actor, at=self.clock()):
            raise Problem(409, f"问题 {qid} 已经答复过了。", reason="already_answered")
        audit.append(conn, actor=actor, function=FUNCTION, action="question.answered", target=qid)
        row = store.get_question(conn, qid)
        assert row is not None
        return question_view(row, staff=True)

    def votes(self) -> dict[str, Any]:
        """Counts per page, in the format the build reads."""
        return {"votes": store.vote_counts(self.engine), "generated": _iso(self.clock())}
