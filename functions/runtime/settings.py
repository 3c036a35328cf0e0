"""Settings every function reads from the environment (twelve-factor style)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Settings:
    """Runtime settings shared by every function.

    Attributes:
        database_url: SQLAlchemy URL; ``DATABASE_URL`` or a SQLite file under ``var/``.
        max_body_bytes: Largest request body accepted (``TONGDA_MAX_BODY``), else 413.
        rate_limit: Requests a client may make per ``rate_window`` seconds
            (``TONGDA_RATE_LIMIT`` as ``N/SECONDS``, e.g. ``120/60``); 0 turns it off.
        rate_window: Window of the rate limit, in seconds.
        trust_forwarded: Take the client address from ``X-Forwarded-For`` (only behind a
            proxy you run; ``TONGDA_TRUST_FORWARDED=1``).
        idempotency_ttl: Seconds an ``Idempotency-Key`` is remembered.
        audit_heads_file: The append-only file of signed audit-chain heads
            (``TONGDA_AUDIT_HEADS``, default ``var/audit-heads.jsonl``); ``None`` signs nothing.
        audit_key_file: The Ed25519 signing key, created 0600 on first use
            (``TONGDA_AUDIT_KEY_FILE``, default ``var/audit-signing.key``).
        audit_signing_key: The signing key itself, PEM or a base64 32-byte seed
            (``TONGDA_AUDIT_SIGNING_KEY``); wins over the key file, for deployments that
            keep secrets outside the file system.
        audit_publish_dir: Where ``heads.json`` (the newest signed head and the public key)
            is written after each signature (``TONGDA_AUDIT_PUBLISH_DIR``; ``tongda serve``
            points it at the site's ``api/audit/``).
        audit_trusted_keys: Further public keys (base64) whose heads ``tongda audit verify``
            accepts, e.g. keys used before a rotation (``TONGDA_AUDIT_TRUSTED_KEYS``,
            comma-separated).
        token_days: Days a new staff token is valid unless ``--expires`` says otherwise
            (``TONGDA_TOKEN_DAYS``, default 90).
    """

    database_url: str
    max_body_bytes: int = 64 * 1024
    rate_limit: int = 300
    rate_window: float = 60.0
    trust_forwarded: bool = False
    idempotency_ttl: int = 24 * 3600
    audit_heads_file: Path | None = None
    audit_key_file: Path | None = None
    audit_signing_key: str | None = field(default=None, repr=False)
    audit_publish_dir: Path | None = None
    audit_trusted_keys: tuple[str, ...] = ()
    token_days: int = 90

    @classmethod
    def from_env(cls, *, database_url: str | None = None, var_dir: Path | None = None) -> Settings:
        """Read settings from the environment; explicit arguments win."""
        env = os.environ
        url = database_url or env.get("DATABASE_URL") or default_sqlite_url(
            var_dir or Path(env.get("TONGDA_VAR_DIR", "var")))
        limit, window = _parse_rate(env.get("TONGDA_RATE_LIMIT", "300/60"))
        return cls(
            database_url=url,
            max_body_bytes=int(env.get("TONGDA_MAX_BODY", str(64 * 1024))),
            rate_limit=limit,
            rate_window=window,
            trust_forwarded=env.get("TONGDA_TRUST_FORWARDED", "") in ("1", "true", "yes"),
            **_audit_settings(env, var_dir or Path(env.get("TONGDA_VAR_DIR", "var"))),
        )

    def with_(self, **changes: object) -> Settings:
        """Return a copy with some settings changed (tests, benchmarks)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def default_sqlite_url(var_dir: Path) -> str:
    """SQLite file ``tongda.sqlite3`` in ``var_dir`` (the folder is made on first use)."""
    var_dir = var_dir.resolve()
    return f"sqlite:///{var_dir / 'tongda.sqlite3'}"


def _parse_rate(text: str) -> tuple[int, float]:
    try:
        count, _, seconds = text.partition("/")
        return int(count), float(seconds or 60)
    except ValueError as exc:
        raise ValueError(f"TONGDA_RATE_LIMIT 应写成 次数/秒数，如 120/60，而不是 {text!r}") from exc


def _audit_settings(env: Mapping[str, str], var_dir: Path) -> dict[str, Any]:
    """The audit and token settings (see the attributes of :class:`Settings`)."""
    var_dir = var_dir.resolve()
    publish = env.get("TONGDA_AUDIT_PUBLISH_DIR", "").strip()
    return {
        "audit_heads_file": Path(env.get("TONGDA_AUDIT_HEADS") or var_dir / "audit-heads.jsonl"),
        "audit_key_file": Path(env.get("TONGDA_AUDIT_KEY_FILE") or var_dir / "audit-signing.key"),
        "audit_signing_key": env.get("TONGDA_AUDIT_SIGNING_KEY") or None,
        "audit_publish_dir": Path(publish) if publish else None,
        "audit_trusted_keys": tuple(env.get("TONGDA_AUDIT_TRUSTED_KEYS", "").replace(",", " ")
                                    .split()),
        "token_days": int(env.get("TONGDA_TOKEN_DAYS", "90")),
    }
