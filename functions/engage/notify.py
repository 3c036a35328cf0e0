"""Who is concerned by a new or changed policy: planning the outbox (no sending here).

For each policy of the built site whose substance digest differs from the one recorded
(or that was never seen), in one transaction: the policy's version goes up by
compare-and-set, and one item per concerned subscription is written, with a message for
each one that is sent immediately. A second notifier, or this one run again after a
crash, finds the version already recorded and plans nothing: every subscriber gets one
notice per policy and change.

Concerned are the active subscriptions

- to a tag the policy carries (topic, audience, issuer, level, life stage), and
- to a profile of the policy's subject kind for which the match engine says eligible, or
  possibly eligible (no condition unmet, some unknown): never one it says is not.

The first run on a database that has seen no policy records the site as it is and sends
nothing, so switching the function on does not announce every existing policy.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.engine import Connection, Engine
from tongda_rules import Matcher

from functions.runtime import audit, db

from . import store
from .site import SiteData
from .store import FUNCTION, items, messages, policies, subscriptions

ACTOR = "system:notifier"
_CHUNK = 2000


@dataclass
class PlanReport:
    """What one planning run did."""

    baseline: bool = False
    policies: list[dict[str, Any]] = field(default_factory=list)
    items: int = 0
    messages: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"baseline": self.baseline, "policies": self.policies, "items": self.items,
                "messages": self.messages}


def policy_tags(policy: Mapping[str, Any]) -> set[tuple[str, str]]:
    """The (kind, value) tags a policy carries."""
    tags = {("topic", t) for t in policy.get("topics", [])}
    tags |= {("audience", a) for a in policy.get("audiences", [])}
    tags |= {("life_stage", s) for s in policy.get("life_stages", [])}
    for kind in ("issuer", "level"):
        if policy.get(kind):
            tags.add((kind, policy[kind]))
    return tags


class Audience:
    """Works out who is concerned by one policy (the bench times exactly this)."""

    def __init__(self, policy: Mapping[str, Any], ruleset: Mapping[str, Any] | None) -> None:
        self.policy = policy
        self.tags = policy_tags(policy)
        self.rules = next((p for p in (ruleset or {}).get("policies", [])
                           if p["id"] == policy["id"]), None)
        self.matcher = (Matcher({"facts": ruleset.get("facts", {}), "policies": [self.rules]})
                        if self.rules is not None and ruleset is not None else None)
        self.labels = {c["id"]: c["label"] for c in (self.rules or {}).get("eligibility", [])}

    def tag_reason(self, tags_json: str, labels: Mapping[str, Mapping[str, str]]
                   ) -> dict[str, Any] | None:
        """The reason a tag subscription is concerned, or ``None``."""
        wanted = json.loads(tags_json)
        hit = [t for t in wanted if (t["kind"], t["value"]) in self.tags]
        if not hit:
            return None
        return {"kind": "tags", "tags": [{**t, "label": labels.get(t["kind"], {}).get(
            t["value"], t["value"])} for t in hit]}

    def profile_reason(self, subject: str, profile_json: str) -> dict[str, Any] | None:
        """The reason a profile subscription is concerned (eligible or maybe), or ``None``."""
        if self.matcher is None or self.rules is None or subject != self.rules["subject"]:
            return None
        try:
            (result,) = self.matcher.match(subject, json.loads(profile_json))
        except ValueError:  # a profile the facts no longer accept: say nothing rather than guess
            return None
        if result["eligible"] is False:
            return None
        unknown = [self.labels.get(c["id"], c["id"]) for c in result["conditions"]
                   if c["result"] == "unknown"]
        return {"kind": "profile", "eligible": result["eligible"], "degree": result["degree"],
                "unknown": unknown, "amount": result["amount"]}

    def concerned(self, conn: Connection, labels: Mapping[str, Mapping[str, str]]
                  ) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """``(subscription id, mode, reason)`` of every concerned active subscription."""
        c = subscriptions.c
        query = select(c.id, c.kind, c.tags, c.profile_subject, c.profile, c.mode).where(
            c.status == "active")
        if self.matcher is None:
            query = query.where(c.kind == "tags")
        for row in conn.execute(query.execution_options(yield_per=_CHUNK)):
            if row.kind == "tags":
                reason = self.tag_reason(row.tags, labels)
            else:
                reason = self.profile_reason(row.profile_subject, row.profile or "{}")
            if reason is not None:
                yield row.id, row.mode, reason


def _channels(conn: Connection, ids: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found.update((r[0], r[1]) for r in conn.execute(select(
            subscriptions.c.id, subscriptions.c.channel).where(subscriptions.c.id.in_(chunk))))
    return found


def _record_version(conn: Connection, policy: Mapping[str, Any], known: tuple[int, str] | None,
                    now: dt.datetime) -> int | None:
    """Compare-and-set the policy's version; the new version, or ``None`` if another won."""
    values = {"digest": policy["substance"], "title": policy["title"], "url": policy["url"],
              "doc_number": policy.get("doc_number"), "issuer": policy.get("issuer"),
              "summary": policy.get("summary"), "status_label": policy.get("status_label"),
              "seen_at": now}
    if known is None:
        added = db.insert_returning(conn, policies, {"policy": policy["id"], "version": 1,
                                                        **values}, ["policy"])
        return 1 if added else None
    done = conn.execute(update(policies).where(and_(
        policies.c.policy == policy["id"], policies.c.version == known[0])).values(
        version=known[0] + 1, **values))
    return known[0] + 1 if done.rowcount == 1 else None


def plan_policy(conn: Connection, policy: Mapping[str, Any], known: tuple[int, str] | None,
                audience: Audience, labels: Mapping[str, Mapping[str, str]],
                now: dt.datetime) -> tuple[int, int] | None:
    """Record one policy's new version and its outbox; ``(items, messages)`` or ``None``."""
    version = _record_version(conn, policy, known, now)
    if version is None:
        return None
    change = "new" if known is None else "changed"
    found = list(audience.concerned(conn, labels))
    channel = _channels(conn, [sub for sub, mode, _ in found if mode == "immediate"])
    message_rows, item_rows = [], []
    for sub, mode, reason in found:
        message = None
        if mode == "immediate":
            message = store.message_id(now)
            message_rows.append({"id": message, "subscription_id": sub, "channel": channel[sub],
                                 "kind": "immediate", "state": "pending", "attempts": 0,
                                 "next_at": now, "created_at": now})
        item_rows.append({"subscription_id": sub, "policy": policy["id"], "version": version,
                          "change": change, "reason": db.dumps(reason), "created_at": now,
                          "message_id": message})
    if message_rows:
        conn.execute(messages.insert(), message_rows)
    if item_rows:
        conn.execute(items.insert(), item_rows)
    audit.append(conn, actor=ACTOR, function=FUNCTION, action="policy.notice",
                 target=f"policy/{policy['id']}",
                 detail={"version": version, "change": change, "digest": policy["substance"],
                         "subscriptions": len(item_rows), "messages": len(message_rows)})
    return len(item_rows), len(message_rows)


def plan(engine: Engine, site: SiteData, clock: Callable[[], dt.datetime]) -> PlanReport:
    """Plan the notices of every new or changed policy of the site (see the module)."""
    document = site.policies_document(required=True)  # no site is no reason to say nothing
    ruleset: dict[str, Any] | None = site.rules()
    labels = site.facets()
    report = PlanReport()
    with engine.connect() as conn:
        known = {r.policy: (r.version, r.digest) for r in conn.execute(
            select(policies.c.policy, policies.c.version, policies.c.digest))}
    if not known:
        report.baseline = _baseline(engine, document.get("policies", []), clock())
        if report.baseline:
            return report
    for policy in document.get("policies", []):
        seen = known.get(policy["id"])
        if seen is not None and seen[1] == policy["substance"]:
            continue
        audience = Audience(policy, ruleset)
        with engine.begin() as conn:
            counts = plan_policy(conn, policy, seen, audience, labels, clock())
        if counts is not None:
            report.items += counts[0]
            report.messages += counts[1]
            report.policies.append({"id": policy["id"], "title": policy["title"],
                                    "change": "new" if seen is None else "changed",
                                    "subscriptions": counts[0]})
    return report


def _baseline(engine: Engine, listed: list[dict[str, Any]], now: dt.datetime) -> bool:
    """Record every policy as seen, sending nothing; ``False`` if another run did first."""
    with engine.begin() as conn:
        if conn.scalar(select(func.count()).select_from(policies)):
            return False
        rows = [{"policy": p["id"], "version": 1, "digest": p["substance"], "title": p["title"],
                 "url": p["url"], "doc_number": p.get("doc_number"), "issuer": p.get("issuer"),
                 "summary": p.get("summary"), "status_label": p.get("status_label"),
                 "seen_at": now} for p in listed]
        db.insert_ignoring_duplicates(conn, policies, rows, ["policy"])
        audit.append(conn, actor=ACTOR, function=FUNCTION, action="policy.baseline",
                     target="policies", detail={"policies": len(rows)})
    return True
