"""政声: what the public is asking, from the functions' own data, for staff (no personal data).

Signals are what people wrote in through each channel: consultation comments (this
function), complaints (``functions/complaint``: service and grid cell, hence district) and
questions of the Q&A function, which plugs in by a module ``functions.qa.voice`` with
``signals(conn, since) -> Iterable[Signal]``. Subscriptions count by tag.

The report holds counts only: by week, by topic, by district; rising terms (words of the
site's own vocabulary, policy tags and topic names, found in what was written, this week
against the four before); unanswered questions by topic, with examples whose personal data
(phone, ID and e-mail) is masked. No name, contact, address or free text otherwise.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.engine import Connection, Engine

from functions.runtime.wordfilter import PERSONAL, WordFilter

from .site import SiteData
from .store import comments, subscriptions

CHINA = dt.timezone(dt.timedelta(hours=8))
SOURCES = {"comment": "征求意见", "complaint": "随手拍", "question": "问答"}


@dataclass(frozen=True)
class Signal:
    """One thing someone wrote in, as the report sees it.

    Attributes:
        source: ``comment``, ``complaint`` or ``question``.
        at: When (UTC).
        topic: What about, as people read it (a topic, a kind of problem), if known.
        district: Where (a district's name), if known.
        text: What was written (only searched for terms, never shown).
        answered: For questions: whether an answer was found.
    """

    source: str
    at: dt.datetime
    topic: str | None
    district: str | None
    text: str
    answered: bool | None = None


def week_of(moment: dt.datetime) -> str:
    """The ISO week in China, ``2026-W49``."""
    year, week, _ = moment.astimezone(CHINA).isocalendar()
    return f"{year}-W{week:02d}"


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def comment_signals(conn: Connection, site: SiteData, since: dt.datetime) -> Iterator[Signal]:
    """Consultation comments, about their draft's first topic."""
    policies = site.policies()
    topics = site.facets().get("topic", {})
    for policy, text, at in conn.execute(select(comments.c.policy, comments.c.text,
                                                comments.c.created_at).where(
            comments.c.created_at >= since)):
        listed = (policies.get(policy) or {}).get("topics") or []
        yield Signal("comment", _utc(at), topics.get(listed[0], listed[0]) if listed else None,
                     None, text)


def complaint_signals(conn: Connection, site: SiteData, since: dt.datetime) -> Iterator[Signal]:
    """Complaints by kind of problem and by the district of their grid cell."""
    if not inspect(conn).has_table("complaint_reports"):
        return
    from functions.complaint import catalog as complaint_catalog
    from functions.complaint.store import reports

    try:
        found = complaint_catalog.load(complaint_catalog.find_data_dir(site.site_dir))
        names = {code: s.name for code, s in found.services.items()}
        districts = {f["properties"]["id"]: f["properties"].get("district_name")
                     for f in found.grid.get("features", []) if f["properties"].get("kind") == "cell"}
    except complaint_catalog.CatalogError:
        names, districts = {}, {}
    for code, cell, text, at in conn.execute(select(
            reports.c.service_code, reports.c.cell_id, reports.c.description,
            reports.c.requested_at).where(reports.c.requested_at >= since)):
        yield Signal("complaint", _utc(at), names.get(code, code), districts.get(cell), text or "")


def question_signals(conn: Connection, site: SiteData, since: dt.datetime
                     ) -> Iterator[Signal] | None:
    """The Q&A function's questions, when it is installed (``None`` when not)."""
    try:
        module = importlib.import_module("functions.qa.voice")
    except ModuleNotFoundError as exc:
        if exc.name not in ("functions.qa", "functions.qa.voice"):
            raise  # the module is there but something it needs is not: say so
        return None
    return iter(module.signals(conn, since))


def _counts(values: Iterable[str | None], limit: int = 15) -> list[dict[str, Any]]:
    counted = Counter(v for v in values if v)
    return [{"label": k, "count": n} for k, n in counted.most_common(limit)]


def vocabulary(site: SiteData) -> list[str]:
    """The terms the report looks for: the policies' tags and the topics' names."""
    terms = {t for p in site.policies().values() for t in p.get("tags") or []}
    terms |= set(site.facets().get("topic", {}).values())
    return sorted(t for t in terms if len(t) >= 2)


def rising(signals: list[Signal], terms: list[str], weeks: list[str]) -> list[dict[str, Any]]:
    """Terms written about more in the last week than on average in the four before."""
    finder = WordFilter([("term", t) for t in terms])
    by_week: dict[str, Counter[str]] = {w: Counter() for w in weeks}
    for signal in signals:
        week = week_of(signal.at)
        if week in by_week:
            by_week[week].update({f.word for f in finder.find(signal.text) if f.category == "term"})
    last, before = weeks[-1], weeks[-5:-1]
    found: list[tuple[float, str, int, float]] = []
    for term in {t for w in weeks for t in by_week[w]}:
        now = by_week[last][term]
        average = sum(by_week[w][term] for w in before) / max(len(before), 1)
        if now >= 2 and now > average:
            found.append((average - now, term, now, round(average, 1)))
    return [{"term": term, "this_week": now, "before_average": average}
            for _, term, now, average in sorted(found)[:15]]


def subscription_counts(conn: Connection, site: SiteData) -> list[dict[str, Any]]:
    """Active subscriptions by tag (profile subscriptions by subject kind)."""
    labels = site.facets()
    counted: Counter[tuple[str, str]] = Counter()
    for kind, tags, subject in conn.execute(select(
            subscriptions.c.kind, subscriptions.c.tags, subscriptions.c.profile_subject).where(
            subscriptions.c.status == "active")):
        if kind == "profile":
            counted[("profile", "企业画像" if subject == "enterprise" else "个人画像")] += 1
            continue
        for tag in json.loads(tags or "[]"):
            counted[(tag["kind"], labels.get(tag["kind"], {}).get(tag["value"], tag["value"]))] += 1
    return [{"kind": k, "label": label, "count": n} for (k, label), n in counted.most_common(30)]


def report(engine: Engine, site: SiteData, now: dt.datetime, *, weeks: int = 8,
           words: WordFilter | None = None) -> dict[str, Any]:
    """The 政声 report over the last ``weeks`` weeks up to ``now``."""
    since = now - dt.timedelta(weeks=weeks)
    week_labels = sorted({week_of(since + dt.timedelta(days=d)) for d in range(weeks * 7 + 1)})
    sources: list[Callable[[Connection, SiteData, dt.datetime], Iterator[Signal] | None]] = [
        comment_signals, complaint_signals, question_signals]
    signals: list[Signal] = []
    installed = {}
    with engine.connect() as conn:
        for source in sources:
            found = source(conn, site, since)
            installed[source.__name__.split("_")[0]] = found is not None
            signals += list(found or [])
        subscribed = subscription_counts(conn, site)
    questions = [s for s in signals if s.source == "question"]
    unanswered = [s for s in questions if s.answered is False]
    masker = words or WordFilter([])
    return {
        "generated_at": now.isoformat(timespec="seconds"), "weeks": week_labels,
        "qa_installed": installed["question"],
        "by_week": [{"week": w, **{src: sum(1 for s in signals if s.source == src
                                            and week_of(s.at) == w) for src in SOURCES}}
                    for w in week_labels],
        "by_topic": _counts(s.topic for s in signals),
        "by_district": _counts(s.district for s in signals),
        "rising_terms": rising(signals, vocabulary(site), week_labels),
        "unanswered": {"count": len(unanswered), "of": len(questions),
                       "by_topic": _counts(s.topic or "未分类" for s in unanswered),
                       "examples": [_masked(masker, s.text) for s in unanswered[-10:]]},
        "subscriptions": subscribed,
    }


def _masked(words: WordFilter, text: str) -> str:
    """A question as an example: personal data masked, at most 60 characters."""
    chars = list(text[:60])
    for finding in words.find(text[:60]):
        if finding.category == PERSONAL:
            chars[finding.start:finding.end] = "＊" * (finding.end - finding.start)
    return "".join(chars)
