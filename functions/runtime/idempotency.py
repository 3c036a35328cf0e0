"""``Idempotency-Key`` for POSTs that create something.

Same key and same request → the stored response again (``Idempotent-Replayed: true``);
same key, other request → 422; same key while the first is still running → 409. The key is
scoped per function; a failed request (4xx/5xx raised) releases its key so it can be retried.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import (
    Column,
    DateTime,
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
from sqlalchemy.exc import IntegrityError

from .db import Migration, create_tables
from .problems import Problem

metadata = MetaData()
idempotency_keys = Table(
    "idempotency_keys", metadata,
    Column("function", String(64), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("status", Integer, nullable=True),
    Column("body", Text, nullable=True),
    Column("headers", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
MIGRATIONS = [Migration("0001-idempotency-keys", create_tables(idempotency_keys))]
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
_KEPT_HEADERS = ("location",)


async def request_hash(request: Request) -> str:
    """Hash of method, path and body (JSON bodies canonicalised, so spacing does not matter)."""
    raw = await request.body()
    try:
        body = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        body = raw
    return hashlib.sha256(request.method.encode() + b" " + request.url.path.encode() + b"\n"
                          + body).hexdigest()


async def idempotent(request: Request, create: Callable[[], Awaitable[JSONResponse]]) -> Response:
    """Run ``create`` at most once per ``Idempotency-Key``; without a key, just run it."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return await create()
    if not _KEY.match(key):
        raise Problem(400, "Idempotency-Key 必须是 1 到 255 个可见 ASCII 字符。")
    runtime = request.app.state.runtime
    scope = runtime.name
    digest = await request_hash(request)
    now = dt.datetime.now(dt.UTC)
    replay = _claim(runtime, scope, key, digest, now)
    if replay is not None:
        return replay
    try:
        response = await create()
    except BaseException:
        with runtime.engine.begin() as conn:
            conn.execute(delete(idempotency_keys).where(_row(scope, key)))
        raise
    headers = {k: v for k, v in response.headers.items() if k in _KEPT_HEADERS}
    with runtime.engine.begin() as conn:
        conn.execute(update(idempotency_keys).where(_row(scope, key)).values(
            state="done", status=response.status_code, body=response.body.decode("utf-8"),
            headers=json.dumps(headers)))
    return response


def _row(scope: str, key: str) -> Any:
    return (idempotency_keys.c.function == scope) & (idempotency_keys.c.key == key)


def _claim(runtime: Any, scope: str, key: str, digest: str, now: dt.datetime) -> Response | None:
    """Insert the key as in flight, or return the stored response / raise 409 / 422."""
    for _ in range(2):
        try:
            with runtime.engine.begin() as conn:
                conn.execute(insert(idempotency_keys).values(
                    function=scope, key=key, request_hash=digest, state="in_flight",
                    created_at=now))
            return None
        except IntegrityError:
            pass
        with runtime.engine.begin() as conn:
            row = conn.execute(select(idempotency_keys).where(_row(scope, key))).mappings().first()
            if row is None:
                continue  # released between our insert and read: try again
            created = row["created_at"]
            created = created if created.tzinfo else created.replace(tzinfo=dt.UTC)
            if (now - created).total_seconds() > runtime.settings.idempotency_ttl:
                conn.execute(delete(idempotency_keys).where(_row(scope, key)))
                continue
        return _existing(row, digest)
    raise Problem(409, "同一个 Idempotency-Key 的请求正在处理，请稍后重试。")


def _existing(row: Any, digest: str) -> Response:
    if row["request_hash"] != digest:
        raise Problem(422, "这个 Idempotency-Key 已用于内容不同的请求；新的请求请换一个新的键。",
                      title="幂等键与请求内容不符")
    if row["state"] != "done":
        raise Problem(409, "同一个 Idempotency-Key 的请求正在处理，请稍后重试。",
                      headers={"Retry-After": "1"})
    headers = {**json.loads(row["headers"] or "{}"), "Idempotent-Replayed": "true"}
    return Response(row["body"], status_code=row["status"], headers=headers,
                    media_type="application/json")
