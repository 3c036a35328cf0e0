"""``Idempotency-Key`` for POSTs that create something, as payment APIs do it.

Modelled on Stripe and GOV.UK Pay:

- A key belongs to its caller: the staff token that sent it (its id, the SHA-256 under
  which the token is stored), or, for a request without a token, the anonymous scope.
  Anonymous keys must be at least 32 characters (a UUID): the key is then the only thing
  that ties a retry to the first request, a secret as hard to guess as a token, and the
  replay also needs the identical body. Anonymous callers are not told apart by address,
  because the retries idempotency exists for come from phones changing networks.
- The effect and the stored response are committed in one transaction: the route's
  ``create(conn)`` writes through the connection it is given, and the same transaction
  records the response. A crash before the commit leaves neither.
- A request holds its key for a short lease while it runs. A retry during the lease gets
  409 with ``Retry-After``; once a lease is over (its process crashed) a retry takes the
  key and runs the request. Ownership is checked again at commit, so a request that
  outlived its lease can never commit a second effect.
- A request that fails (an error raised, or a 4xx/5xx answer) stores nothing, releases
  its key and may be retried with it. The same key with another body is 422.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from .clients import retry_after, token_id
from .db import Migration, create_tables, utc
from .limits import JSON_KEY
from .problems import Problem

_legacy = MetaData()
_legacy_keys = Table(  # 0001: keys per function only, one shared by every caller
    "idempotency_keys", _legacy,
    Column("function", String(64), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("status", Integer, nullable=True),
    Column("body", Text, nullable=True),
    Column("headers", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
metadata = MetaData()
idempotency_keys = Table(
    "idempotency_keys", metadata,
    Column("function", String(64), primary_key=True),
    Column("caller", String(80), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("lease_id", String(32), nullable=True),
    Column("lease_until", DateTime(timezone=True), nullable=True),
    Column("status", Integer, nullable=True),
    Column("body", Text, nullable=True),
    Column("headers", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_idempotency_keys_created_at", "created_at"),
)


def _per_caller(conn: Connection) -> None:
    # Stored responses of the old table belong to no caller: replaying them to anyone
    # was the flaw, so they go (keys are only kept for a day anyway).
    _legacy_keys.drop(conn, checkfirst=True)
    idempotency_keys.create(conn, checkfirst=True)


MIGRATIONS = [Migration("0001-idempotency-keys", create_tables(_legacy_keys)),
              Migration("0002-idempotency-keys-per-caller", _per_caller)]
ANONYMOUS = "anonymous"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
_ANONYMOUS_KEY_LENGTH = 32
_KEPT_HEADERS = ("location", "content-type")

Create = Callable[[Connection], Response]
"""A route's effect: writes through the connection and returns the response (blocking)."""


class _LeaseLost(Exception):
    """The request outlived its lease and a retry took the key: its effect is undone."""


@dataclass(frozen=True)
class _Claim:
    function: str
    caller: str
    key: str
    lease_id: str

    @property
    def where(self) -> Any:
        return _row(self.function, self.caller, self.key)


def caller_of(request: Request) -> str:
    """The scope of the request's keys: ``token:<token id>`` or ``anonymous``."""
    token = token_id(request.headers.get("authorization"))
    return f"token:{token}" if token else ANONYMOUS


async def idempotent(request: Request, create: Create, *, caller: str | None = None) -> Response:
    """Run ``create(conn)`` at most once per caller and ``Idempotency-Key``.

    ``create`` runs in a worker thread inside a transaction; the response it returns is
    stored in that same transaction when it is a success (2xx), and the transaction is
    rolled back otherwise. Without a key, ``create`` runs in a transaction all the same.

    Args:
        request: The request (its key, caller, method, path and body).
        create: The effect, ``create(conn) -> Response``; it must write only through
            ``conn`` and must not commit.
        caller: Whose keys these are (longer than 80 characters: hashed). By default the bearer
            token's id (:func:`caller_of`); give a stable identity when the token is not
            (an OpenID Connect ID token changes at every sign-in: pass its subject).

    Returns:
        ``create``'s response, or the stored one (``Idempotent-Replayed: true``).

    Raises:
        Problem: 400 for a malformed key, 409 (``Retry-After``) while the key is held by
            a running request, 422 when the key was used with another request.
    """
    runtime = request.app.state.runtime
    key = request.headers.get("idempotency-key")
    if key is None:
        return await anyio.to_thread.run_sync(_run, runtime.engine, create, None)
    caller = caller or caller_of(request)
    if len(caller) > 80:  # the column's width; a digest names a long identity as well
        caller = "sha256:" + hashlib.sha256(caller.encode("utf-8")).hexdigest()
    _check_key(key, caller)
    digest = await anyio.to_thread.run_sync(_request_hash, request.method, request.url.path,
                                            request.scope.get(JSON_KEY), await request.body())
    claimed = await anyio.to_thread.run_sync(
        _claim, runtime, _Claim(runtime.name, caller, key, secrets.token_hex(16)), digest)
    if isinstance(claimed, Response):
        return claimed
    try:
        return await anyio.to_thread.run_sync(_run, runtime.engine, create, claimed)
    except _LeaseLost:
        raise _busy(runtime.settings.idempotency_lease) from None


def _check_key(key: str, caller: str) -> None:
    if not _KEY.match(key):
        raise Problem(400, "Idempotency-Key 必须是 1 到 255 个可见 ASCII 字符。")
    if caller == ANONYMOUS and len(key) < _ANONYMOUS_KEY_LENGTH:
        raise Problem(400, f"未登录时 Idempotency-Key 至少要有 {_ANONYMOUS_KEY_LENGTH} 个字符，"
                      "请每次新请求生成一个随机 UUID。", min_length=_ANONYMOUS_KEY_LENGTH)


def _request_hash(method: str, path: str, parsed: Any, raw: bytes) -> str:
    """Hash of method, path and body (JSON canonicalised, so spacing does not matter)."""
    body = raw
    if parsed is not None:
        body = json.dumps(parsed, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def _run(engine: Engine, create: Create, claim: _Claim | None) -> Response:
    """The effect and, for a success, its stored response, in one transaction."""
    with engine.connect() as conn:
        try:
            with conn.begin():
                response = create(conn)
                if not 200 <= response.status_code < 300:
                    raise _Unsuccessful(response)
                if claim is not None:
                    _finish(conn, claim, response)
            return response
        except _Unsuccessful as failed:
            _release(conn, claim)
            return failed.response
        except BaseException:
            _release(conn, claim)
            raise


class _Unsuccessful(Exception):
    """A 4xx/5xx answer: roll the transaction back, then give this response."""

    def __init__(self, response: Response) -> None:
        self.response = response


def _finish(conn: Connection, claim: _Claim, response: Response) -> None:
    headers = {k: v for k, v in response.headers.items() if k in _KEPT_HEADERS}
    done = conn.execute(update(idempotency_keys).where(
        claim.where & (idempotency_keys.c.lease_id == claim.lease_id)
        & (idempotency_keys.c.state == "in_flight")).values(
        state="done", lease_id=None, lease_until=None, status=response.status_code,
        body=bytes(response.body).decode("utf-8"), headers=json.dumps(headers)))
    if done.rowcount != 1:
        raise _LeaseLost


def _release(conn: Connection, claim: _Claim | None) -> None:
    """Give the key back after a failure (only while this request still holds it).

    Best effort: when the database itself failed, the key is freed by its lease instead,
    and the original error is the one worth reporting.
    """
    if claim is None:
        return
    try:
        if conn.in_transaction():
            conn.rollback()
        with conn.begin():
            conn.execute(delete(idempotency_keys).where(
                claim.where & (idempotency_keys.c.lease_id == claim.lease_id)))
    except Exception:  # noqa: BLE001, S110 - see above: the lease frees the key
        pass


def _row(function: str, caller: str, key: str) -> Any:
    c = idempotency_keys.c
    return (c.function == function) & (c.caller == caller) & (c.key == key)


def _claim(runtime: Any, claim: _Claim, digest: str) -> _Claim | Response:
    """Hold the key for a lease, or answer from the row another request left.

    Returns:
        The claim, or the stored response to replay.
    """
    settings = runtime.settings
    for _ in range(5):
        now = dt.datetime.now(dt.UTC)
        lease_until = now + dt.timedelta(seconds=settings.idempotency_lease)
        try:
            with runtime.engine.begin() as conn:
                conn.execute(insert(idempotency_keys).values(
                    function=claim.function, caller=claim.caller, key=claim.key,
                    request_hash=digest, state="in_flight", lease_id=claim.lease_id,
                    lease_until=lease_until, created_at=now))
                _forget_expired(conn, now, settings.idempotency_ttl)
            return claim
        except IntegrityError:
            pass
        with runtime.engine.begin() as conn:
            row = conn.execute(select(idempotency_keys).where(claim.where)).mappings().first()
            if row is None:
                continue  # released between our insert and this read: try again
            if utc(row["created_at"]) < now - dt.timedelta(seconds=settings.idempotency_ttl):
                conn.execute(delete(idempotency_keys).where(
                    claim.where & (idempotency_keys.c.created_at == row["created_at"])))
                continue
            if row["request_hash"] != digest:
                raise Problem(422, "这个 Idempotency-Key 已用于内容不同的请求；新的请求请换一个新的键。",
                              title="幂等键与请求内容不符")
            if row["state"] == "done":
                return _replay(row)
            held = utc(row["lease_until"]) - now
            if held.total_seconds() > 0:
                raise _busy(held.total_seconds())
            # The request holding it crashed (its lease ran out): take the key over.
            taken = conn.execute(update(idempotency_keys).where(
                claim.where & (idempotency_keys.c.lease_id == row["lease_id"])
                & (idempotency_keys.c.state == "in_flight")).values(
                lease_id=claim.lease_id, lease_until=lease_until))
            if taken.rowcount == 1:
                return claim
    raise _busy(1)


def _forget_expired(conn: Connection, now: dt.datetime, ttl: float) -> None:
    # Keys are kept for a day; each new key sweeps the expired ones (indexed by time).
    conn.execute(delete(idempotency_keys).where(
        idempotency_keys.c.created_at < now - dt.timedelta(seconds=ttl)))


def _busy(seconds: float) -> Problem:
    retry = retry_after(seconds)
    return Problem(409, f"同一个 Idempotency-Key 的请求正在处理，请在 {retry} 秒后用同一个键重试。",
                   headers={"Retry-After": retry})


def _replay(row: Any) -> Response:
    # The stored Content-Type as it was, or none: an answer without a body had none.
    headers = {**json.loads(row["headers"] or "{}"), "Idempotent-Replayed": "true"}
    return Response(row["body"], status_code=row["status"], headers=headers)
