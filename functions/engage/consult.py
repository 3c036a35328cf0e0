"""Consultation on drafts (征求意见): comments, moderation, the summary after the deadline.

Anyone may comment on a 征求意见稿 until its ``consultation_ends`` day (China time, the
whole day): by section, with an optional name and contact that only the drafting office
and moderators see. Every comment is screened by the sensitive-word filter, which marks
what it found for the moderator and decides nothing. Once the deadline has passed the
summary is public: how many comments came, by section, and the text of those a
moderator approved (never a name or contact). The office's responses (采纳 / 部分采纳 /
未采纳) are front matter of the draft, published by the build.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.engine import Connection, Engine

from functions.apply.identity import Principal
from functions.runtime import audit, db
from functions.runtime.wordfilter import WordFilter

from .schemas import CommentIn
from .site import GENERAL_SECTION, Consultation, SiteData, SiteUnavailable
from .store import FUNCTION, comments
from .subscriptions import Conflict, NotFound, Refused, Unavailable

CHINA = dt.timezone(dt.timedelta(hours=8))
STATE_TEXT = {"pending": "待审核", "approved": "已通过", "rejected": "未通过"}


def china_day(moment: dt.datetime) -> dt.date:
    """The calendar day in China at ``moment``."""
    return moment.astimezone(CHINA).date()


def chinese_date(day: dt.date) -> str:
    """2026年12月10日."""
    return f"{day.year}年{day.month}月{day.day}日"


class Consultations:
    """Comments on the site's 征求意见稿."""

    def __init__(self, engine: Engine, site: SiteData, clock: Callable[[], dt.datetime],
                 words: WordFilter) -> None:
        self.engine = engine
        self.site = site
        self.clock = clock
        self.words = words

    def consultation(self, policy_id: str) -> Consultation:
        """The consultation on ``policy_id``, or :class:`NotFound`."""
        try:
            found = self.site.consultation(policy_id)
        except SiteUnavailable as exc:
            raise Unavailable("征求意见信息暂不可用，请稍后再试。") from exc
        if found is None:
            raise NotFound(f"{policy_id} 不是正在或曾经征求意见的文件。")
        return found

    def info(self, policy_id: str) -> dict[str, Any]:
        """The consultation's public facts: deadline, open or not, sections, counts."""
        found = self.consultation(policy_id)
        today = china_day(self.clock())
        with self.engine.connect() as conn:
            received = conn.scalar(select(func.count()).select_from(comments).where(
                comments.c.policy == policy_id)) or 0
        return {"id": found.id, "title": found.title, "url": found.url,
                "ends": found.ends.isoformat(), "ends_text": chinese_date(found.ends),
                "open": found.is_open(today), "sections": [GENERAL_SECTION, *found.sections],
                "received": int(received)}

    def comment(self, conn: Connection, policy_id: str, body: CommentIn) -> dict[str, Any]:
        """Store a comment (pending moderation); refused after the deadline."""
        found = self.consultation(policy_id)
        now = self.clock()
        if not found.is_open(china_day(now)):
            raise Conflict(f"《{found.title}》的意见征集已于{chinese_date(found.ends)}截止，不再接收意见。",
                           reason="closed")
        section = body.section.strip()
        if section != GENERAL_SECTION and section not in found.sections:
            raise Refused(f"文件中没有“{section}”这一部分，请从列表中选择。", reason="unknown_section",
                          errors=[{"field": "section", "message": "请从列表中选择意见针对的部分"}])
        text = body.text.strip()
        if len(text) < 2:
            raise Refused("请填写意见内容。", errors=[{"field": "text", "message": "请填写意见内容"}])
        findings = [f.as_dict() for f in self.words.find(text)]
        row = {"id": db.new_id("YJ", now), "policy": policy_id, "section": section,
               "text": text, "name": (body.name or "").strip() or None,
               "contact": (body.contact or "").strip() or None, "state": "pending",
               "findings": db.dumps(findings), "created_at": now, "published": False}
        conn.execute(comments.insert().values(**row))
        audit.append(conn, actor="public", function=FUNCTION, action="comment.create",
                     target=f"comment/{row['id']}",
                     detail={"policy": policy_id, "section": section, "length": len(text),
                             "flagged": sorted({f["category"] for f in findings})})
        return {"id": row["id"], "state": "pending", "state_text": STATE_TEXT["pending"],
                "message": "已收到您的意见。意见经审核后，将在征求意见截止后与起草单位的采纳情况一并公布。"}

    def queue(self, *, state: str = "pending", policy: str | None = None,
              limit: int = 100) -> list[dict[str, Any]]:
        """Comments for moderators, oldest first, with what the filter found."""
        query = select(comments).where(comments.c.state == state)
        if policy is not None:
            query = query.where(comments.c.policy == policy)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(comments.c.created_at, comments.c.id)
                                .limit(limit)).mappings().all()
        return [_staff_view(dict(r)) for r in rows]

    def decide(self, conn: Connection, principal: Principal, comment_id: str, *,
               approve: bool, reason: str | None) -> dict[str, Any]:
        """A moderator's decision; a comment is decided once."""
        row = conn.execute(select(comments).where(comments.c.id == comment_id)).mappings().first()
        if row is None:
            raise NotFound(f"没有编号为 {comment_id} 的意见。")
        state = "approved" if approve else "rejected"
        now = self.clock()
        done = conn.execute(update(comments).where(and_(
            comments.c.id == comment_id, comments.c.state == "pending")).values(
            state=state, decided_at=now, decided_by=principal.actor,
            decision_reason=(reason or "").strip() or None, published=approve))
        if done.rowcount != 1:
            raise Conflict(f"意见 {comment_id} 已经{STATE_TEXT[row['state']]}，不能再作决定。",
                           reason="already_decided")
        audit.append(conn, actor=principal.actor, function=FUNCTION,
                     action=f"comment.{'approve' if approve else 'reject'}",
                     target=f"comment/{comment_id}",
                     detail={"policy": row["policy"], "reason": reason})
        return _staff_view({**dict(row), "state": state, "decided_at": now,
                            "decided_by": principal.actor, "decision_reason": reason})

    def summary(self, policy_id: str) -> dict[str, Any]:
        """The public summary, once the deadline has passed (:class:`Conflict` before)."""
        found = self.consultation(policy_id)
        if found.is_open(china_day(self.clock())):
            raise Conflict(f"意见征集至{chinese_date(found.ends)}，截止后公布汇总。", reason="open")
        with self.engine.connect() as conn:
            counts = conn.execute(select(comments.c.section, comments.c.state, func.count())
                                  .where(comments.c.policy == policy_id)
                                  .group_by(comments.c.section, comments.c.state)).all()
            published = conn.execute(select(comments.c.id, comments.c.section, comments.c.text,
                                            comments.c.created_at).where(and_(
                comments.c.policy == policy_id, comments.c.state == "approved"))
                .order_by(comments.c.created_at, comments.c.id)).mappings().all()
        sections = [GENERAL_SECTION, *found.sections]
        received = dict.fromkeys(sections, 0)
        approved = dict.fromkeys(sections, 0)
        for section, state, count in counts:
            received[section] = received.get(section, 0) + int(count)
            approved[section] = approved.get(section, 0) + (int(count) if state == "approved" else 0)
        return {"id": found.id, "title": found.title, "ends": found.ends.isoformat(),
                "ends_text": chinese_date(found.ends), "received": sum(received.values()),
                "published": len(published),
                "by_section": [{"section": s, "received": n, "published": approved[s]}
                               for s, n in received.items()],
                "comments": [{"id": c["id"], "section": c["section"], "text": c["text"],
                              "date": china_day(db.utc(c["created_at"]) or self.clock())
                              .isoformat()} for c in published]}


def _staff_view(row: dict[str, Any]) -> dict[str, Any]:
    created = db.utc(row["created_at"])
    decided = db.utc(row.get("decided_at"))
    return {"id": row["id"], "policy": row["policy"], "section": row["section"],
            "text": row["text"], "name": row.get("name"), "contact": row.get("contact"),
            "state": row["state"], "state_text": STATE_TEXT[row["state"]],
            "findings": json.loads(row["findings"] or "[]"),
            "created_at": created.isoformat() if created else None,
            "decided_at": decided.isoformat() if decided else None,
            "decided_by": row.get("decided_by"), "decision_reason": row.get("decision_reason")}
