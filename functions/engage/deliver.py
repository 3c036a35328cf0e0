"""Sending the outbox: daily digests, claims with a lease, retries, bounces.

Each message is claimed by compare-and-set (``pending`` → ``sending`` with a lease id and
an expiry) and committed before anything is sent, so two notifiers never send the same
message, and one killed in the middle leaves its message ``sending`` until the lease
runs out; a later run then takes it again. A message is marked ``sent`` right after the
receiver accepted it (SMTP 250, HTTP 2xx). A notifier killed after the receiver accepted
and before that mark (a window of one commit) sends the message once more on the next
run, with the same id (``Message-ID``, ``webhook-id``), which receivers use to drop it.

Failures: a temporary one (network, 4xx SMTP, 5xx HTTP) is retried with growing pauses,
at most :data:`MAX_ATTEMPTS` times; a permanent one (5xx SMTP, 410 Gone) bounces the
message and pauses the subscriptions sending to that address.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Engine

from . import store
from .channels import Channel, PermanentFailure, TemporaryFailure
from .compose import compose
from .store import items, messages, policies, subscriptions
from .subscriptions import pause_address

log = logging.getLogger("tongda.functions.engage")
MAX_ATTEMPTS = 8
CHINA = dt.timezone(dt.timedelta(hours=8))
Hook = Callable[[str, str], None]
"""Called at each step of a message (``claimed``, ``accepted``, ``recorded``) with its id."""


@dataclass
class DeliveryReport:
    """What one delivery run did."""

    digests: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    bounced: int = 0
    dropped: int = 0
    waiting: dict[str, int] = field(default_factory=dict)
    """Messages left for channels that have no adapter here, by channel."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return dict(self.__dict__)


def digest_cutoff(now: dt.datetime, hour: int) -> dt.datetime:
    """The latest ``hour`` o'clock, China time, at or before ``now`` (as UTC)."""
    local = now.astimezone(CHINA)
    cut = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if cut > local:
        cut -= dt.timedelta(days=1)
    return cut.astimezone(dt.UTC)


def make_digests(engine: Engine, now: dt.datetime, hour: int) -> int:
    """Gather the items waiting for each active subscription into one message each.

    Daily subscriptions get the items made before the latest digest hour; a subscription
    switched to immediate gets whatever waits. One transaction per subscription: the
    message and the items it takes (only items no message has taken), so a concurrent
    run never puts an item in two messages.
    """
    cutoff = digest_cutoff(now, hour)
    s, i = subscriptions.c, items.c
    with engine.connect() as conn:
        waiting = conn.execute(select(s.id, s.channel, s.mode).distinct().join_from(
            items, subscriptions, i.subscription_id == s.id).where(and_(
                i.message_id.is_(None), s.status == "active",
                or_(s.mode == "immediate", i.created_at < cutoff)))).all()
    made = 0
    for sub, channel, mode in waiting:
        message = store.message_id(now)
        with engine.begin() as conn:
            conn.execute(messages.insert().values(
                id=message, subscription_id=sub, channel=channel, kind="digest",
                state="pending", attempts=0, next_at=now, created_at=now))
            condition = and_(i.subscription_id == sub, i.message_id.is_(None))
            if mode == "daily":
                condition = and_(condition, i.created_at < cutoff)
            taken = conn.execute(update(items).where(condition).values(message_id=message))
            if taken.rowcount == 0:
                conn.rollback()  # another run took them first
                continue
        made += 1
    return made


class Deliverer:
    """Sends due messages through the channels it has.

    Args:
        engine: Storage.
        channels: Adapters by channel name.
        clock: The current time.
        base: The portal's address, ending in ``/``.
        site_name: The portal's name (the sender).
        unsubscribe_url: Makes a subscription's unsubscribe link from its token.
        lease: Seconds a claimed message is held before another run may take it.
        hook: Test hook called at each step (see :data:`Hook`).
    """

    def __init__(self, engine: Engine, channels: Mapping[str, Channel],
                 clock: Callable[[], dt.datetime], *, base: str, site_name: str,
                 unsubscribe_url: Callable[[str], str], lease: float = 120.0,
                 hook: Hook | None = None) -> None:
        self.engine = engine
        self.channels = channels
        self.clock = clock
        self.base = base
        self.site_name = site_name
        self.unsubscribe_url = unsubscribe_url
        self.lease = lease
        self.hook = hook or (lambda step, message: None)

    def run(self, *, limit: int | None = None) -> DeliveryReport:
        """Send every due message (at most ``limit``)."""
        report = DeliveryReport()
        done = 0
        while limit is None or done < limit:
            due = self._due(100)
            if not due:
                break
            progressed = False
            for message_id in due:
                if limit is not None and done >= limit:
                    break
                outcome = self._one(message_id)
                if outcome is None:
                    continue
                progressed = True
                done += 1
                setattr(report, outcome, getattr(report, outcome) + 1)
            if not progressed:
                break
        report.waiting = self._waiting()
        return report

    def _due(self, size: int) -> list[str]:
        now = self.clock()
        m = messages.c
        with self.engine.connect() as conn:
            return list(conn.scalars(select(m.id).where(and_(
                m.channel.in_(list(self.channels)), _claimable(now)))
                .order_by(m.created_at, m.id).limit(size)))

    def _waiting(self) -> dict[str, int]:
        m = messages.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(m.channel, m.id).where(and_(
                m.state == "pending", m.channel.not_in(list(self.channels))))).all()
        out: dict[str, int] = {}
        for channel, _ in rows:
            out[channel] = out.get(channel, 0) + 1
        return out

    def _claim(self, message_id: str) -> str | None:
        now = self.clock()
        lease_id = secrets.token_hex(16)
        with self.engine.begin() as conn:
            claimed = conn.execute(update(messages).where(and_(
                messages.c.id == message_id, _claimable(now))).values(
                state="sending", lease_id=lease_id, attempts=messages.c.attempts + 1,
                lease_until=now + dt.timedelta(seconds=self.lease)))
        return lease_id if claimed.rowcount == 1 else None

    def _one(self, message_id: str) -> str | None:
        """Claim, send and record one message; the report field to count, or ``None``."""
        lease_id = self._claim(message_id)
        if lease_id is None:
            return None  # another run has it
        self.hook("claimed", message_id)
        loaded = self._load(message_id)
        if loaded is None:
            self._finish(message_id, lease_id, state="dropped")
            return "dropped"
        message, subscription, entries = loaded
        outgoing = compose(message, subscription, entries, base=self.base,
                           site_name=self.site_name,
                           unsubscribe_url=self.unsubscribe_url(subscription["unsubscribe_token"]))
        try:
            self.channels[message["channel"]].send(outgoing)
        except PermanentFailure as exc:
            self._bounce(message_id, lease_id, subscription, str(exc))
            return "bounced"
        except TemporaryFailure as exc:
            return self._retry(message, lease_id, str(exc))
        self.hook("accepted", message_id)
        self._finish(message_id, lease_id, state="sent", sent_at=self.clock())
        self.hook("recorded", message_id)
        return "sent"

    def _load(self, message_id: str) -> tuple[dict[str, Any], dict[str, Any],
                                              list[dict[str, Any]]] | None:
        """The message, its subscription and its policies; ``None`` if it must not go."""
        with self.engine.connect() as conn:
            message = conn.execute(select(messages).where(
                messages.c.id == message_id)).mappings().one()
            subscription = conn.execute(select(subscriptions).where(
                subscriptions.c.id == message["subscription_id"])).mappings().one()
            rows = conn.execute(select(items.c.policy, items.c.version, items.c.change,
                                       items.c.reason, policies).join_from(
                items, policies, items.c.policy == policies.c.policy).where(
                items.c.message_id == message_id).order_by(items.c.id)).mappings().all()
        if subscription["status"] != "active" or not rows:
            return None
        entries = [{**dict(r), "reason": json.loads(r["reason"])} for r in rows]
        return dict(message), dict(subscription), entries

    def _finish(self, message_id: str, lease_id: str, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(messages).where(and_(
                messages.c.id == message_id, messages.c.lease_id == lease_id)).values(
                lease_id=None, lease_until=None, **values))

    def _retry(self, message: Mapping[str, Any], lease_id: str, error: str) -> str:
        attempts = int(message["attempts"])
        if attempts >= MAX_ATTEMPTS:
            log.warning("消息 %s 经 %d 次尝试仍未送达，放弃：%s", message["id"], attempts, error)
            self._finish(message["id"], lease_id, state="failed", last_error=error)
            return "failed"
        pause = dt.timedelta(minutes=2 ** attempts)  # 2, 4, 8 … 256 minutes
        self._finish(message["id"], lease_id, state="pending", last_error=error,
                     next_at=self.clock() + pause)
        return "retried"

    def _bounce(self, message_id: str, lease_id: str, subscription: Mapping[str, Any],
                error: str) -> None:
        now = self.clock()
        with self.engine.begin() as conn:
            conn.execute(update(messages).where(and_(
                messages.c.id == message_id, messages.c.lease_id == lease_id)).values(
                state="bounced", lease_id=None, lease_until=None, last_error=error))
            pause_address(conn, subscription["address"], actor="system:notifier",
                          reason=error, now=now)


def _claimable(now: dt.datetime) -> Any:
    m = messages.c
    return or_(and_(m.state == "pending", m.next_at <= now),
               and_(m.state == "sending", m.lease_until < now))
