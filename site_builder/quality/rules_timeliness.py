"""Timeliness (时效性): what the site shows as current is current."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from site_builder.content.corpus import Entry
from site_builder.content.model import references

from .context import CheckContext
from .findings import Problem
from .registry import rule

_STATUS_WORDS = {"superseded": "已被替代", "expired": "已失效", "repealed": "已废止", "amended": "已被修改"}
_NOT_CURRENCY_LINKS = ("supersedes", "amends", "interprets", "related")
"""Relations that may point at an old document on purpose (``related`` shows its status)."""


@rule("policy-expired", "timeliness", "warning", "政策已过失效日期",
      "确认政策状态：已被新政策替代的，在新政策中写 supersedes；已延期的，改 expires；已废止的，写 status: repealed。")
def policy_expired(ctx: CheckContext) -> Iterator[Problem]:
    for e in ctx.policies():
        if e.status == "expired" and not e.superseded_by and e.meta.expires:
            yield Problem(e.id, f"已于 {e.meta.expires.isoformat()} 失效，没有替代它的新政策", "expires",
                          ctx.line(e, "expires"))


@rule("policy-expiring-soon", "timeliness", "notice", "政策即将失效",
      "政策快到失效日期：提前准备新政策或延期文件，并通知办事指南的主管部门。")
def policy_expiring_soon(ctx: CheckContext) -> Iterator[Problem]:
    horizon = ctx.today + dt.timedelta(days=ctx.settings.expiry_notice_days)
    for e in ctx.policies():
        if e.status in ("effective", "pending") and e.meta.expires and ctx.today < e.meta.expires <= horizon:
            days = (e.meta.expires - ctx.today).days
            yield Problem(e.id, f"{days} 天后（{e.meta.expires.isoformat()}）失效", "expires",
                          ctx.line(e, "expires"))


def _last_review(e: Entry) -> dt.date | None:
    dates = [d for d in (e.meta.reviewed, e.meta.updated) if d is not None]
    return max(dates) if dates else None


@rule("review-overdue", "timeliness", "warning", "超过审核周期未复核",
      "请主管部门复核内容是否仍然准确，复核后把 reviewed 改为复核日期。")
def review_overdue(ctx: CheckContext) -> Iterator[Problem]:
    limit = ctx.today - dt.timedelta(days=ctx.settings.review_days)
    for e in ctx.of_kind("policy", "interpretation", "service", "faq"):
        last = _last_review(e)
        if last is not None and last < limit and ctx.is_current(e):
            field = "reviewed" if e.meta.reviewed else "updated"
            yield Problem(e.id, f"上次复核 {last.isoformat()}，已超过 {ctx.settings.review_days} 天",
                          field, ctx.line(e, field))


@rule("review-missing", "timeliness", "notice", "从未记录复核",
      "复核内容后写 reviewed（复核日期），之后按审核周期定期复核。")
def review_missing(ctx: CheckContext) -> Iterator[Problem]:
    limit = ctx.today - dt.timedelta(days=ctx.settings.review_days)
    for e in ctx.of_kind("policy", "interpretation", "service", "faq"):
        published = getattr(e.meta, "published", None)
        if _last_review(e) is None and ctx.is_current(e) and (published is None or published < limit):
            yield Problem(e.id, "没有 reviewed 或 updated 日期", "reviewed", ctx.line(e, "title"))


@rule("linked-inactive", "timeliness", "warning", "仍把已失效的政策当作现行依据",
      "把关系改为指向现行政策（被替代的政策页面会写明新政策）；确需保留旧文件时放在 related 以外说明。")
def linked_inactive(ctx: CheckContext) -> Iterator[Problem]:
    docs = ctx.corpus.documents
    for e in ctx.entries:
        if not ctx.is_current(e):
            continue
        for name, index, target, _ in references(e.meta):
            if name in _NOT_CURRENCY_LINKS or not ctx.is_inactive(target):
                continue
            if ctx.same_family(e.id, target):
                continue
            word = _STATUS_WORDS[docs[target].status]
            yield Problem(e.id, f"“{target}”{word}，这里仍把它作为现行依据", f"{name}.{index}",
                          ctx.line(e, *name.split("."), index))


@rule("interpretation-of-inactive", "timeliness", "warning", "解读的政策已失效",
      "政策已失效或被替代：为新政策写解读，并在本解读开头注明“本解读对应的政策已失效”或下线本解读。")
def interpretation_of_inactive(ctx: CheckContext) -> Iterator[Problem]:
    docs = ctx.corpus.documents
    for e in ctx.of_kind("interpretation"):
        targets = [t for t in e.meta.interprets if t in docs]
        if targets and all(ctx.is_inactive(t) for t in targets):
            words = "、".join(f"“{t}”{_STATUS_WORDS[docs[t].status]}" for t in targets)
            yield Problem(e.id, words, "interprets", ctx.line(e, "interprets"))


@rule("consultation-stale", "timeliness", "warning", "草案或征求意见稿长期未更新",
      "征求意见结束后：发布正式文件（新文件 supersedes 本稿）或把 status 改为 expired 并注明结果。")
def consultation_stale(ctx: CheckContext) -> Iterator[Problem]:
    limit = ctx.today - dt.timedelta(days=ctx.settings.consultation_days)
    for e in ctx.policies():
        since = e.meta.published or e.meta.written
        if e.status in ("draft", "consultation") and since and since < limit:
            yield Problem(e.id, f"自 {since.isoformat()} 起一直是{'草案' if e.status == 'draft' else '征求意见稿'}",
                          "status", ctx.line(e, "status"))
