"""Delivery adapters: e-mail over SMTP, a signed webhook, and where SMS or WeChat plug in.

Each adapter sends one :class:`Outgoing` and says how it went by returning (accepted) or
raising :class:`PermanentFailure` (the address is dead: the subscription is paused) or
:class:`TemporaryFailure` (try again later). The message id travels with every delivery
(e-mail ``Message-ID``, webhook ``webhook-id``) so a receiver can recognise a redelivery.

Webhooks follow the Standard Webhooks specification: ``webhook-id``,
``webhook-timestamp`` and ``webhook-signature: v1,<base64 HMAC-SHA256 of
"id.timestamp.body">`` with the subscription's ``whsec_`` secret, so receivers verify
with any of its libraries.

Another channel (an SMS gateway, a WeChat official account's template messages) is a
factory ``make(settings) -> Channel`` named in ``TONGDA_ENGAGE_CHANNELS``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import importlib
import ipaddress
import json
import smtplib
import socket
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Any, Protocol

from .config import EngageSettings, SmtpSettings


class PermanentFailure(Exception):
    """The receiver refused the address for good (SMTP 5xx, HTTP 410 Gone)."""


class TemporaryFailure(Exception):
    """The receiver could not take it now (network, SMTP 4xx, HTTP 5xx or 429)."""


@dataclass(frozen=True)
class Outgoing:
    """One message, ready for a channel.

    Attributes:
        id: The message id (``Message-ID`` local part, ``webhook-id``).
        channel: ``email``, ``webhook``, ``sms``, ``wechat``…
        address: Where it goes.
        subject: A one-line subject.
        text: The plain text (e-mail body; SMS and WeChat adapters shorten it).
        payload: The JSON a webhook receives.
        unsubscribe_url: The one-click unsubscribe link (RFC 8058).
        secret: The webhook's signing secret.
        sender_name: The portal's name, as the sender.
    """

    id: str
    channel: str
    address: str
    subject: str
    text: str
    payload: Mapping[str, Any]
    unsubscribe_url: str
    secret: str | None = None
    sender_name: str = "政策服务门户"
    headers: Mapping[str, str] = field(default_factory=dict)


class Channel(Protocol):
    """What every delivery adapter offers."""

    def send(self, message: Outgoing) -> None:
        """Deliver ``message``; raise :class:`PermanentFailure` or :class:`TemporaryFailure`."""


class EmailChannel:
    """E-mail through an SMTP server, one connection per message.

    Headers: ``List-Unsubscribe`` with the link and ``List-Unsubscribe-Post:
    List-Unsubscribe=One-Click`` (RFC 8058: mail clients unsubscribe with one POST, no
    sign-in), ``Auto-Submitted: auto-generated`` (RFC 3834: no auto-replies). The
    organisation's relay signs with DKIM, covering these headers as RFC 8058 asks.
    """

    def __init__(self, smtp: SmtpSettings) -> None:
        self.smtp = smtp

    def compose(self, message: Outgoing) -> EmailMessage:
        """The e-mail of ``message``."""
        domain = self.smtp.sender.rpartition("@")[2] or "localhost"
        mail = EmailMessage()
        mail["From"] = formataddr((message.sender_name, self.smtp.sender))
        mail["To"] = message.address
        mail["Subject"] = message.subject
        mail["Date"] = format_datetime(dt.datetime.now(dt.UTC))
        mail["Message-ID"] = f"<{message.id}@{domain}>"
        mail["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        mail["Auto-Submitted"] = "auto-generated"
        mail["X-Tongda-Message"] = message.id
        mail.set_content(message.text, charset="utf-8")
        return mail

    def send(self, message: Outgoing) -> None:
        """Send through the configured server."""
        if not self.smtp.host:
            raise TemporaryFailure("未配置邮件服务器（TONGDA_SMTP_HOST）")
        mail = self.compose(message)
        try:
            factory = smtplib.SMTP_SSL if self.smtp.ssl else smtplib.SMTP
            with factory(self.smtp.host, self.smtp.port, timeout=self.smtp.timeout) as client:
                if self.smtp.starttls:
                    client.starttls()
                if self.smtp.user:
                    client.login(self.smtp.user, self.smtp.password or "")
                client.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise (PermanentFailure if all(c >= 500 for c in codes) else TemporaryFailure)(
                f"收件地址被拒：{codes}") from exc
        except smtplib.SMTPResponseException as exc:
            kind = PermanentFailure if exc.smtp_code >= 500 else TemporaryFailure
            raise kind(f"邮件服务器答复 {exc.smtp_code}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"无法连接邮件服务器：{type(exc).__name__}") from exc


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The Standard Webhooks signature ``v1,<base64>`` of a body."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


class WebhookChannel:
    """A signed JSON POST to the subscriber's own system.

    Args:
        private_ok: Allow private, loopback and link-local addresses (tests). Otherwise
            the host's every address must be public, checked when sending, so a webhook
            cannot be aimed at the government's own network.
    """

    def __init__(self, *, private_ok: bool = False, timeout: float = 10.0) -> None:
        self.private_ok = private_ok
        self.timeout = timeout

    def _check_host(self, url: str) -> None:
        host = urllib.parse.urlsplit(url).hostname or ""
        try:
            infos = socket.getaddrinfo(host, None)
        except OSError as exc:
            raise TemporaryFailure(f"无法解析主机 {host}") from exc
        if self.private_ok:
            return
        for info in infos:
            if not ipaddress.ip_address(info[4][0]).is_global:
                raise PermanentFailure(f"主机 {host} 指向内网或保留地址，不推送")

    def send(self, message: Outgoing) -> None:
        """POST the payload, signed; any 2xx is accepted."""
        import httpx

        if not message.secret:
            raise PermanentFailure("订阅没有签名密钥")
        self._check_host(message.address)
        body = json.dumps(message.payload, ensure_ascii=False, separators=(",", ":")).encode()
        timestamp = int(dt.datetime.now(dt.UTC).timestamp())
        headers = {"Content-Type": "application/json", "webhook-id": message.id,
                   "webhook-timestamp": str(timestamp),
                   "webhook-signature": sign(message.secret, message.id, timestamp, body),
                   "User-Agent": "Tongda-Engage/1"}
        try:
            answer = httpx.post(message.address, content=body, headers=headers,
                                timeout=self.timeout, follow_redirects=False)
        except httpx.HTTPError as exc:
            raise TemporaryFailure(f"无法送达：{type(exc).__name__}") from exc
        if answer.status_code == 410:
            raise PermanentFailure("接收方答复 410：不再接收")
        if not 200 <= answer.status_code < 300:
            raise TemporaryFailure(f"接收方答复 {answer.status_code}")


def channels_from(settings: EngageSettings) -> dict[str, Channel]:
    """The adapters the settings give: e-mail, webhook, and any configured others.

    Raises:
        ValueError: A configured channel cannot be imported.
    """
    found: dict[str, Channel] = {"email": EmailChannel(settings.smtp),
                                 "webhook": WebhookChannel(private_ok=settings.webhook_private)}
    for name, target in settings.channels.items():
        module, _, attr = target.partition(":")
        try:
            factory = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:
            raise ValueError(f"推送渠道 {name} 的 {target} 无法导入：{exc}") from exc
        found[name] = factory(settings)
    return found
