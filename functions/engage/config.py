"""The engage function's own settings, from the environment (twelve-factor style).

| variable | meaning |
|---|---|
| ``TONGDA_SITE_DIR`` | the built site: ``api/engage/policies.json``, ``consultations.json``, ``api/match/rules.json`` |
| ``TONGDA_PUBLIC_URL`` | the portal's address in messages (default: the site's ``site_url``) |
| ``TONGDA_SMTP_HOST`` / ``_PORT`` / ``_USER`` / ``_PASSWORD`` / ``_STARTTLS`` / ``_SSL`` | the mail server |
| ``TONGDA_MAIL_FROM`` | the sender of notifications |
| ``TONGDA_ENGAGE_DIGEST_HOUR`` | the hour (China time) daily digests go out, default 8 |
| ``TONGDA_ENGAGE_WEBHOOK_PRIVATE`` | ``1`` lets webhooks reach private and loopback addresses (tests only) |
| ``TONGDA_ENGAGE_CHANNELS`` | further channels, ``sms=module:factory,wechat=module:factory`` |
| ``TONGDA_SENSITIVE_WORDS`` | the sensitive-word list (see :mod:`functions.runtime.wordfilter`) |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from functions.runtime.settings import env_integer, site_dir_from_env


@dataclass(frozen=True)
class SmtpSettings:
    """Where e-mail goes: an SMTP server (the organisation's relay, which signs with DKIM)."""

    host: str = ""
    port: int = 25
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    ssl: bool = False
    sender: str = "noreply@example.gov.cn"
    timeout: float = 30.0


@dataclass(frozen=True)
class EngageSettings:
    """The engage function's settings.

    Attributes:
        site_dir: The built site (``None``: no policies, no consultations).
        public_url: The portal's address, ending in ``/``, for links in messages.
        smtp: The mail server (no host: e-mail cannot be sent and stays queued).
        digest_hour: Hour of the day, China time, when daily digests are made.
        webhook_private: Let webhooks reach private, loopback and link-local addresses.
        channels: Further channels by name: ``module:factory`` import paths.
    """

    site_dir: Path | None = None
    public_url: str | None = None
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    digest_hour: int = 8
    webhook_private: bool = False
    channels: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *,
                 site_dir: Path | None = None) -> EngageSettings:
        """Read the settings; an explicit ``site_dir`` wins over ``TONGDA_SITE_DIR``."""
        env = os.environ if env is None else env
        site = site_dir or site_dir_from_env(env)
        smtp = SmtpSettings(
            host=env.get("TONGDA_SMTP_HOST", "").strip(),
            port=env_integer(env, "TONGDA_SMTP_PORT", 25),
            user=env.get("TONGDA_SMTP_USER") or None,
            password=env.get("TONGDA_SMTP_PASSWORD") or None,
            starttls=_flag(env, "TONGDA_SMTP_STARTTLS"), ssl=_flag(env, "TONGDA_SMTP_SSL"),
            sender=env.get("TONGDA_MAIL_FROM", "").strip() or SmtpSettings.sender)
        hour = env_integer(env, "TONGDA_ENGAGE_DIGEST_HOUR", 8)
        if not 0 <= hour <= 23:
            raise ValueError(f"TONGDA_ENGAGE_DIGEST_HOUR 应为 0 到 23 的整点，而不是 {hour}")
        return cls(site_dir=site, public_url=_url(env.get("TONGDA_PUBLIC_URL", "")),
                   smtp=smtp, digest_hour=hour,
                   webhook_private=_flag(env, "TONGDA_ENGAGE_WEBHOOK_PRIVATE"),
                   channels=_channels(env.get("TONGDA_ENGAGE_CHANNELS", "")))


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in ("1", "true", "yes")


def _url(text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    if not text.startswith(("https://", "http://")):
        raise ValueError(f"TONGDA_PUBLIC_URL 应以 https:// 开头，而不是 {text!r}")
    return text if text.endswith("/") else text + "/"


def _channels(text: str) -> dict[str, str]:
    out = {}
    for item in text.replace(";", ",").split(","):
        if not item.strip():
            continue
        name, _, target = item.partition("=")
        if not name.strip() or ":" not in target:
            raise ValueError("TONGDA_ENGAGE_CHANNELS 应写成 名称=模块:工厂函数，逗号分隔，"
                             f"如 sms=gateway.sms:make，而不是 {item.strip()!r}")
        out[name.strip()] = target.strip()
    return out
