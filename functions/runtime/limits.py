"""Request size limit and per-client rate limit, as plain ASGI middleware.

The rate limit is a token bucket per client address, kept in the process: behind several
instances, put the same limit at the proxy or gateway as well.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import Problem


async def _send_problem(scope: Scope, receive: Receive, send: Send, problem: Problem) -> None:
    await problem.response(scope.get("root_path", "") + scope.get("path", ""))(scope, receive, send)


class BodyLimit:
    """Refuse bodies over ``max_bytes`` with 413, whether announced or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int,
                 larger: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = larger or {}

    def limit_for(self, path: str) -> int:
        """The limit for ``path``: uploads such as rule sets may be allowed more."""
        for suffix, limit in self.larger.items():
            if path.endswith(suffix):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        too_big = Problem(413, f"请求体不能超过 {limit} 字节，请精简后重试。")
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _send_problem(scope, receive, send, too_big)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _send_problem(scope, receive, send, too_big)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        await self.app(scope, _replay(b"".join(chunks), receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class RateLimit:
    """Token bucket per client: ``limit`` requests per ``window`` seconds, else 429."""

    def __init__(self, app: ASGIApp, limit: int, window: float, trust_forwarded: bool) -> None:
        self.app = app
        self.limit = limit
        self.rate = limit / window if window else 0
        self.trust_forwarded = trust_forwarded
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()

    def client(self, scope: Scope) -> str:
        """The client address the limit is counted for."""
        if self.trust_forwarded:
            for name, value in scope.get("headers") or []:
                if name == b"x-forwarded-for":
                    return value.decode("latin-1").split(",")[0].strip()
        client: Any = scope.get("client")
        return client[0] if client else "unknown"

    def take(self, key: str, now: float) -> float:
        """Take a token; return 0 when allowed, else seconds until one is available."""
        with self.lock:
            tokens, last = self.buckets.get(key, (float(self.limit), now))
            tokens = min(float(self.limit), tokens + (now - last) * self.rate)
            if tokens >= 1:
                self.buckets[key] = (tokens - 1, now)
                return 0.0
            self.buckets[key] = (tokens, now)
            if len(self.buckets) > 100_000:  # forget idle clients rather than grow forever
                self.buckets.clear()
            return (1 - tokens) / self.rate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.limit <= 0:
            await self.app(scope, receive, send)
            return
        wait = self.take(self.client(scope), time.monotonic())
        if wait:
            retry = str(max(1, math.ceil(wait)))
            await _send_problem(scope, receive, send, Problem(
                429, f"请求过于频繁，请在 {retry} 秒后再试。", headers={"Retry-After": retry}))
            return
        await self.app(scope, receive, send)
