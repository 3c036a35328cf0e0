"""Settings every function reads from the environment (twelve-factor style)."""

from __future__ import annotations

import ipaddress
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
        max_body_bytes: Largest request body a route accepts unless the function declares
            more for it (``TONGDA_MAX_BODY``); larger ones get 413 before anything else runs.
        max_json_depth: Deepest nesting of arrays and objects in a JSON body
            (``TONGDA_MAX_JSON_DEPTH``, default 32), checked before the body is parsed.
        rate_limit: Requests a client may make per ``rate_window`` seconds
            (``TONGDA_RATE_LIMIT`` as ``N/SECONDS``, e.g. ``120/60``); 0 turns it off. The
            same limit holds for each staff token, whatever address its requests come from.
        rate_window: Window of the rate limit, in seconds.
        rate_table_size: Clients and tokens the rate limit remembers
            (``TONGDA_RATE_TABLE_SIZE``); beyond it the least recently seen is forgotten.
        trusted_proxies: Addresses or networks of the reverse proxies in front of the
            functions (``TONGDA_TRUSTED_PROXIES``, comma-separated, e.g.
            ``10.0.0.0/8,192.168.1.5``; empty by default). Only a request arriving from one
            of them has its forwarding header read, and the client is the nearest address
            in it that is not itself a trusted proxy.
        forwarded_header: Which header those proxies write (``TONGDA_FORWARDED_HEADER``):
            ``x-forwarded-for`` (default) or ``forwarded`` (RFC 7239). Only one is read, so
            a client cannot add the other one to pick its own address.
        idempotency_ttl: Seconds a finished request's response is kept for its
            ``Idempotency-Key`` (``TONGDA_IDEMPOTENCY_TTL``, default one day).
        idempotency_lease: Seconds a request holds its ``Idempotency-Key`` while it runs
            (``TONGDA_IDEMPOTENCY_LEASE``, default 30); a key a crashed process left behind
            can be taken by a retry once the lease is over.
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
    max_json_depth: int = 32
    rate_limit: int = 300
    rate_window: float = 60.0
    rate_table_size: int = 100_000
    trusted_proxies: tuple[str, ...] = ()
    forwarded_header: str = "x-forwarded-for"
    idempotency_ttl: int = 24 * 3600
    idempotency_lease: float = 30.0
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
        if env.get("TONGDA_TRUST_FORWARDED", "").lower() in ("1", "true", "yes"):
            raise ValueError("TONGDA_TRUST_FORWARDED 已不再使用：请在 TONGDA_TRUSTED_PROXIES 中"
                             "列出反向代理的地址或网段（见 docs/deploy.md）")
        return cls(
            database_url=url,
            max_body_bytes=env_integer(env, "TONGDA_MAX_BODY", 64 * 1024),
            max_json_depth=env_integer(env, "TONGDA_MAX_JSON_DEPTH", 32),
            rate_limit=limit,
            rate_window=window,
            rate_table_size=env_integer(env, "TONGDA_RATE_TABLE_SIZE", 100_000),
            trusted_proxies=parse_proxies(env.get("TONGDA_TRUSTED_PROXIES", "")),
            forwarded_header=_forwarded_header(env.get("TONGDA_FORWARDED_HEADER", "")),
            idempotency_ttl=env_integer(env, "TONGDA_IDEMPOTENCY_TTL", 24 * 3600),
            idempotency_lease=float(env_integer(env, "TONGDA_IDEMPOTENCY_LEASE", 30)),
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


def parse_proxies(text: str) -> tuple[str, ...]:
    """Trusted proxies from a comma- or space-separated list of addresses and networks."""
    proxies = []
    for item in text.replace(",", " ").split():
        try:
            proxies.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError as exc:
            raise ValueError(f"TONGDA_TRUSTED_PROXIES 中的 {item!r} 不是 IP 地址或网段"
                             "（如 10.0.0.0/8 或 192.168.1.5）") from exc
    return tuple(proxies)


def _forwarded_header(text: str) -> str:
    name = text.strip().lower() or "x-forwarded-for"
    if name not in ("x-forwarded-for", "forwarded"):
        raise ValueError(f"TONGDA_FORWARDED_HEADER 应为 X-Forwarded-For 或 Forwarded，而不是 {text!r}")
    return name


def env_integer(env: Mapping[str, str], name: str, default: int) -> int:
    """The non-negative integer in ``env[name]``; ``default`` when unset or blank."""
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit():
        raise ValueError(f"{name} 应为非负整数，而不是 {text!r}")
    return int(text)


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
        "token_days": env_integer(env, "TONGDA_TOKEN_DAYS", 90),
    }


def site_dir_from_env(env: Mapping[str, str] | None = None) -> Path | None:
    """The built site named by ``TONGDA_SITE_DIR`` (``None`` when unset or empty).

    A function deployed alone finds the site's files where the deployment put a copy of
    the built site (or of its ``api/`` folder).
    """
    value = (os.environ if env is None else env).get("TONGDA_SITE_DIR")
    return Path(value) if value else None
