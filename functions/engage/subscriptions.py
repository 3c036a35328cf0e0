"""Subscriptions: make, list, pause, resume, delete, unsubscribe by link (no HTTP here).

A subscription belongs to the signed-in subject (统一社会信用代码 or 公民身份号码) of the
token; nobody else sees or changes it. Deleting it, or unsubscribing by the link in a
message, ends it for good and erases the address, the profile and the webhook secret
(the row stays, empty, so the audit log's references keep their meaning).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
import secrets
import urllib.parse
from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.engine import Connection, Engine
from tongda_rules import Fact, profile_problems

from functions.apply.identity import Principal
from functions.runtime import audit, db
from functions.runtime.problems import (
    Conflict,
    Forbidden,
    NotFound,
    Refused,
    ServiceError,
    Unavailable,
)

from . import store
from .roles import SUBSCRIBERS
from .schemas import SubscriptionIn, SubscriptionPatch
from .site import SiteData, SiteUnavailable
from .store import FUNCTION, subscriptions

Clock = Callable[[], dt.datetime]
CONSENT_TEXT = ("我同意本门户保存我填写的上述信息，仅用于判断新发布或有实质变化的政策是否可能适用于我并通知我；"
                "这些信息不用于其他目的，不提供给他人。我可以随时暂停或删除本订阅，删除后这些信息随即删除。")
STATUS_TEXT = {"active": "推送中", "paused": "已暂停", "ended": "已删除"}
PAUSED_TEXT = {"user": "由您暂停", "bounce": "邮件无法送达，已自动暂停"}
_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,}$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_OPENID = re.compile(r"^[A-Za-z0-9_-]{6,64}$")
MAX_PER_SUBJECT = 20


#: The service's refusals: the runtime's family, which every function's app answers as
#: problem+json.
EngageError = ServiceError


def check_address(channel: str, address: str, *, private_ok: bool) -> str:
    """The address, trimmed, if it fits its channel; else :class:`Refused`."""
    address = address.strip()
    if channel == "email" and not _EMAIL.match(address):
        raise Refused(f"“{address}”不是有效的电子邮箱地址。", reason="bad_address")
    if channel == "sms" and not _MOBILE.match(address):
        raise Refused("短信推送请填写11位手机号码。", reason="bad_address")
    if channel == "wechat" and not _OPENID.match(address):
        raise Refused("微信推送请填写公众号为您分配的 OpenID。", reason="bad_address")
    if channel == "webhook":
        check_webhook_url(address, private_ok=private_ok)
    return address


def check_webhook_url(url: str, *, private_ok: bool) -> None:
    """A webhook must be ``https://`` on a public host (no requests into our own network)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https" and not (private_ok and parts.scheme == "http"):
        raise Refused("接收推送的地址必须以 https:// 开头。", reason="bad_address")
    if not parts.hostname or parts.username or parts.password:
        raise Refused("接收推送的地址应为 https://主机/路径，不含用户名和密码。", reason="bad_address")
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        literal = None
    if literal is not None and not private_ok and not literal.is_global:
        raise Refused("接收推送的地址不能是内网、本机或保留地址。", reason="bad_address")


class Subscriptions:
    """Subscriptions over ``engine``, checked against the site's tags and facts."""

    def __init__(self, engine: Engine, site: SiteData, clock: Clock, *,
                 private_webhooks: bool = False, public_url: str | None = None) -> None:
        self.engine = engine
        self.site = site
        self.clock = clock
        self.private_webhooks = private_webhooks
        self.public_url = public_url

    def base_url(self) -> str:
        """The portal's address for links in messages and answers."""
        return self.public_url or self.site.site_url() or "/"

    def unsubscribe_url(self, token: str) -> str:
        """The one-click unsubscribe link of a subscription (RFC 8058)."""
        return f"{self.base_url()}api/engage/unsubscribe/{token}"

    # --- making -----------------------------------------------------------------------

    def _subject(self, principal: Principal) -> str:
        if not principal.has_any(SUBSCRIBERS) or not principal.subject:
            raise Forbidden("请先登录：订阅需要绑定了主体的登录凭证（tongda token create 名称 "
                            "--role subscriber --subject 统一社会信用代码或身份证号）。")
        return principal.subject

    def _tags(self, body: SubscriptionIn) -> list[dict[str, str]]:
        try:
            facets = self.site.facets()
        except SiteUnavailable as exc:
            raise Unavailable("网站的政策标签暂不可用，请稍后再试。") from exc
        unknown = [f"{t.kind}:{t.value}" for t in body.tags if t.value not in facets[t.kind]]
        if unknown:
            raise Refused(f"没有这些标签：{'、'.join(unknown)}。可订阅的标签见 api/engage/policies.json 的 facets。",
                          reason="unknown_tag", tags=unknown)
        seen: dict[tuple[str, str], dict[str, str]] = {}
        for t in body.tags:
            seen[(t.kind, t.value)] = {"kind": t.kind, "value": t.value}
        return list(seen.values())

    def _profile(self, body: SubscriptionIn) -> tuple[str, dict[str, Any]] | None:
        if body.profile is None:
            return None
        try:
            declared = self.site.rules().get("facts", {}).get(body.profile.subject, [])
        except SiteUnavailable as exc:
            raise Unavailable("政策规则暂不可用，请稍后再试。") from exc
        facts = {f["name"]: Fact.model_validate(f) for f in declared}
        problems = profile_problems(dict(body.profile.facts), facts)
        if problems:
            errors = [{"field": f"profile.facts.{name}", "message": message}
                      for name, message in problems]
            raise Refused("画像中的信息与声明不符：" + "；".join(
                f"{e['field']}：{e['message']}" for e in errors), errors=errors,
                reason="bad_profile")
        return body.profile.subject, {k: v for k, v in body.profile.facts.items() if v is not None}

    def subscribe(self, conn: Connection, principal: Principal,
                  body: SubscriptionIn) -> dict[str, Any]:
        """Make a subscription for the caller's subject; a webhook's secret is shown once."""
        subject = self._subject(principal)
        address = check_address(body.channel, body.address, private_ok=self.private_webhooks)
        tags = self._tags(body) if body.kind == "tags" else []
        profile = self._profile(body)
        count = len(conn.execute(select(subscriptions.c.id).where(and_(
            subscriptions.c.subject == subject, subscriptions.c.status != "ended"))).all())
        if count >= MAX_PER_SUBJECT:
            raise Conflict(f"每个主体最多保留 {MAX_PER_SUBJECT} 个订阅，请先删除不用的订阅。",
                           reason="too_many")
        now = self.clock()
        secret = _whsec() if body.channel == "webhook" else None
        row: dict[str, Any] = {
            "id": db.new_id("DY", now), "subject": subject, "actor": principal.actor,
            "kind": body.kind, "tags": db.dumps(tags),
            "profile_subject": profile[0] if profile else None,
            "profile": db.dumps(profile[1]) if profile else None,
            "consent_at": now if profile else None,
            "consent_text": CONSENT_TEXT if profile else None,
            "channel": body.channel, "address": address,
            "secret": secret,
            "mode": body.mode, "status": "active", "paused_reason": None,
            "unsubscribe_token": secrets.token_urlsafe(32), "created_at": now, "updated_at": now,
        }
        conn.execute(subscriptions.insert().values(**row))
        audit.append(conn, actor=principal.actor, function=FUNCTION, action="subscription.create",
                     target=f"subscription/{row['id']}",
                     detail={"kind": body.kind, "channel": body.channel, "mode": body.mode,
                             "tags": tags, "profile_subject": row["profile_subject"],
                             "consent": profile is not None})
        return self.view(row, secret=secret)

    # --- reading and changing ---------------------------------------------------------

    def mine(self, principal: Principal) -> list[dict[str, Any]]:
        """The caller's subscriptions (not the deleted ones), newest first."""
        subject = self._subject(principal)
        with self.engine.connect() as conn:
            rows = conn.execute(select(subscriptions).where(and_(
                subscriptions.c.subject == subject, subscriptions.c.status != "ended"))
                .order_by(subscriptions.c.created_at.desc())).mappings().all()
        return [self.view(dict(r)) for r in rows]

    def _own(self, conn: Connection, principal: Principal, subscription_id: str) -> dict[str, Any]:
        subject = self._subject(principal)
        row = conn.execute(select(subscriptions).where(
            subscriptions.c.id == subscription_id)).mappings().first()
        if row is None or row["subject"] != subject or row["status"] == "ended":
            raise NotFound(f"没有编号为 {subscription_id} 的订阅，或者它不属于您。")
        return dict(row)

    def change(self, conn: Connection, principal: Principal, subscription_id: str,
               patch: SubscriptionPatch) -> dict[str, Any]:
        """Pause, resume or change the mode of one's subscription."""
        row = self._own(conn, principal, subscription_id)
        values: dict[str, Any] = {"updated_at": self.clock()}
        if patch.status is not None:
            values["status"] = patch.status
            values["paused_reason"] = "user" if patch.status == "paused" else None
        if patch.mode is not None:
            values["mode"] = patch.mode
        conn.execute(update(subscriptions).where(subscriptions.c.id == subscription_id)
                     .values(**values))
        audit.append(conn, actor=principal.actor, function=FUNCTION, action="subscription.change",
                     target=f"subscription/{subscription_id}",
                     detail={k: v for k, v in values.items() if k != "updated_at"})
        return self.view({**row, **values})

    def delete(self, conn: Connection, principal: Principal, subscription_id: str) -> None:
        """End one's subscription and erase what it held."""
        self._own(conn, principal, subscription_id)
        end(conn, subscription_id, actor=principal.actor, how="delete", now=self.clock())

    def unsubscribe(self, conn: Connection, token: str) -> bool:
        """End the subscription whose link this is; ``False`` when there is none (any more)."""
        row = conn.execute(select(subscriptions.c.id, subscriptions.c.status).where(
            subscriptions.c.unsubscribe_token == token)).first()
        if row is None or row[1] == "ended":
            return False
        end(conn, row[0], actor="link:unsubscribe", how="unsubscribe", now=self.clock())
        return True

    def view(self, row: dict[str, Any], *, secret: str | None = None) -> dict[str, Any]:
        """A subscription as its owner sees it."""
        labels = self._labels()
        tags = [{**t, "label": labels.get(t["kind"], {}).get(t["value"], t["value"])}
                for t in json.loads(row["tags"] or "[]")]
        created = db.utc(row["created_at"])
        consent = db.utc(row.get("consent_at"))
        return {
            "id": row["id"], "kind": row["kind"], "tags": tags,
            "profile_subject": row.get("profile_subject"),
            "profile": json.loads(row["profile"]) if row.get("profile") else None,
            "consent_at": consent.isoformat() if consent else None,
            "channel": row["channel"], "address": row.get("address"), "mode": row["mode"],
            "status": row["status"], "status_text": STATUS_TEXT[row["status"]] + (
                f"（{PAUSED_TEXT[row['paused_reason']]}）" if row.get("paused_reason") else ""),
            "paused_reason": row.get("paused_reason"),
            "created_at": created.isoformat() if created else "",
            "unsubscribe_url": self.unsubscribe_url(row["unsubscribe_token"]),
            "secret": secret,
        }

    def _labels(self) -> dict[str, dict[str, str]]:
        try:
            return self.site.facets()
        except SiteUnavailable:
            return {}


def _whsec() -> str:
    """A webhook signing secret as Standard Webhooks writes it: ``whsec_`` and base64."""
    import base64

    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def end(conn: Connection, subscription_id: str, *, actor: str, how: str,
        now: dt.datetime) -> None:
    """End a subscription: erase its address, profile and secret; drop unsent messages."""
    conn.execute(update(subscriptions).where(subscriptions.c.id == subscription_id).values(
        status="ended", address=None, profile=None, secret=None, updated_at=now))
    conn.execute(update(store.messages).where(and_(
        store.messages.c.subscription_id == subscription_id,
        store.messages.c.state.in_(("pending", "sending")))).values(state="dropped"))
    audit.append(conn, actor=actor, function=FUNCTION, action=f"subscription.{how}",
                 target=f"subscription/{subscription_id}", detail={})


def pause_address(conn: Connection, address: str, *, actor: str, reason: str,
                  now: dt.datetime) -> list[str]:
    """Pause every active subscription sending to ``address`` (it bounced); their ids."""
    ids = [r[0] for r in conn.execute(select(subscriptions.c.id).where(and_(
        subscriptions.c.address == address, subscriptions.c.status == "active")))]
    if ids:
        conn.execute(update(subscriptions).where(subscriptions.c.id.in_(ids)).values(
            status="paused", paused_reason="bounce", updated_at=now))
        audit.append(conn, actor=actor, function=FUNCTION, action="subscription.bounce",
                     target="subscriptions/bounce",
                     detail={"subscriptions": ids, "reason": reason[:300]})
    return ids
