"""Limits checked before any work is done for a request, as plain ASGI middleware.

:class:`RateLimit` counts requests per client and per staff token. :class:`RequestLimits`
then applies the route's :class:`RouteLimit`, cheapest check first, so a request that
will be refused costs next to nothing:

1. a declared ``Content-Length`` over the route's byte limit: 413;
2. a route that needs a role: the ``Authorization`` token is checked (valid, holding the
   role) before one byte of the body is read: 401 / 403;
3. the body is read, counting: 413 as soon as it passes the limit;
4. a JSON body: nesting depth checked, then parsed, both in a worker thread: 422.

An answer given before the whole body was read carries ``Connection: close``, so the
server drops the connection instead of reading and discarding the rest. The parsed JSON
travels in the ASGI scope to :class:`JsonRoute`, the route class every function's
routers use, so FastAPI never parses a body again on the event loop.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import auth
from .clients import ClientResolver, RateTable, retry_after, token_id
from .problems import Problem

JSON_KEY = "tongda.json"
"""Scope key of a request's parsed JSON body."""
PRINCIPAL_KEY = "tongda.principal"
"""Scope key of the authenticated principal (or the 401 problem) once a token is checked."""
_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_STRING = re.compile(rb'"[^"]*"')
_PAIR = re.compile(rb"\[\]|\{\}")
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


@dataclass(frozen=True)
class RouteLimit:
    """What one route accepts; ``None`` keeps the function's default from settings.

    Attributes:
        max_bytes: Largest body, in bytes (default ``Settings.max_body_bytes``).
        max_depth: Deepest nesting of JSON arrays and objects (``Settings.max_json_depth``).
        role: Role the caller's token must hold, checked before the body is read. Give
            it for every route that needs a role and accepts a large body, so anonymous
            uploads are refused without being received.
    """

    max_bytes: int | None = None
    max_depth: int | None = None
    role: str | None = None


class RouteLimits:
    """Declared limits by ``"METHOD /path"`` (paths as the route declares them).

    Args:
        declared: For example ``{"POST /rulesets": RouteLimit(max_bytes=16 * 2**20,
            role="match:publish")}``.
        max_bytes: Default byte limit.
        max_depth: Default JSON depth limit.
    """

    def __init__(self, declared: Mapping[str, RouteLimit], *, max_bytes: int,
                 max_depth: int) -> None:
        self.default = RouteLimit(max_bytes, max_depth, None)
        self.declared = list(declared)
        self.routes: list[tuple[str, re.Pattern[str], RouteLimit]] = []
        for key, limit in declared.items():
            method, _, path = key.partition(" ")
            if not method.isupper() or not path.startswith("/"):
                raise ValueError(f"路由限制的键应写成“方法 路径”，如 'POST /rulesets'，而不是 {key!r}")
            regex = compile_path(path)[0]
            self.routes.append((method, regex, RouteLimit(
                max_bytes if limit.max_bytes is None else limit.max_bytes,
                max_depth if limit.max_depth is None else limit.max_depth, limit.role)))

    def resolve(self, method: str, path: str) -> RouteLimit:
        """The limit of the route ``method path`` (the defaults when none is declared)."""
        for route_method, regex, limit in self.routes:
            if route_method == method and regex.match(path):
                return limit
        return self.default


def route_path(scope: Scope) -> str:
    """The path a route matches: ``path`` without ``root_path`` when it carries it.

    Mounted in the portal, a function sees ``/rulesets`` with ``root_path`` ``/api/match``;
    behind ``uvicorn --root-path /api/match`` it sees the full ``/api/match/rulesets``.
    """
    path, root = scope.get("path", ""), scope.get("root_path", "").rstrip("/")
    if root and (path == root or path.startswith(root + "/")):
        return path[len(root):] or "/"
    return str(path)


def decode_json(raw: bytes, max_depth: int) -> Any:
    """Parse a JSON request body after checking its nesting; problems are 422.

    Blocking and CPU-bound: call it in a worker thread.
    """
    if _deeper_than(raw, max_depth):
        raise Problem(422, f"请求体的 JSON 嵌套超过 {max_depth} 层，请减少嵌套后重试。",
                      title="JSON 嵌套过深", max_depth=max_depth)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _invalid(f"不是 UTF-8 编码（第 {exc.start + 1} 个字节）") from exc
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise _invalid(f"第 {exc.lineno} 行第 {exc.colno} 列{_reason(exc.msg)}") from exc
    except ValueError as exc:  # NaN/Infinity, integers beyond Python's digit limit
        raise _invalid(f"含有不允许的数值（{str(exc)[:80]}）") from exc


def _deeper_than(raw: bytes, max_depth: int) -> bool:
    """Whether arrays/objects nest deeper than ``max_depth``, without parsing.

    Escapes and strings are cut out, then everything but brackets; each pass then removes
    the empty pairs, which lowers the nesting by exactly one. All steps run in C.
    """
    brackets = _STRING.sub(b"", _ESCAPE.sub(b"", raw)).translate(None, _NOT_BRACKET)
    for _ in range(max_depth):
        reduced = _PAIR.sub(b"", brackets)
        if reduced == brackets:
            return False  # empty, or unbalanced: the parser says where
        brackets = reduced
    return _PAIR.search(brackets) is not None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} 不是 JSON 数值")


_REASONS = {
    "Expecting value": "此处应为一个值", "Expecting ',' delimiter": "此处缺少逗号",
    "Expecting ':' delimiter": "此处缺少冒号", "Extra data": "之后还有多余内容",
    "Expecting property name enclosed in double quotes": "此处应为用双引号括起的名称",
    "Unterminated string starting at": "开始的字符串没有结束",
    "Invalid control character at": "有未转义的控制字符", "Invalid \\escape": "有无效的转义",
}


def _reason(message: str) -> str:
    return "：" + _REASONS.get(message, "格式有误")


def _invalid(where: str) -> Problem:
    detail = f"请求体不是合法的 JSON：{where}。"
    return Problem(422, detail, title="请求体不是合法的 JSON",
                   errors=[{"field": "请求体", "message": detail, "type": "json_invalid"}])


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _body_pending(scope: Scope) -> bool:
    """Whether the request announced a body (which an early answer leaves unread)."""
    length = _header(scope, b"content-length")
    return bool(length and length.strip() not in ("", "0")) or \
        _header(scope, b"transfer-encoding") is not None


async def _answer(scope: Scope, receive: Receive, send: Send, problem: Problem,
                  *, unread: bool) -> None:
    if unread:  # drop the connection rather than read the rest of an unwanted body
        problem.headers = {**problem.headers, "Connection": "close"}
    instance = scope.get("root_path", "") + scope.get("path", "")
    await problem.response(instance)(scope, receive, send)


async def principal_of(scope: Scope, runtime: Any) -> Any:
    """The staff principal of the request's token, checked once per request.

    The database lookup runs in a worker thread. Raises the 401 problem of
    :func:`auth.authenticate` for a missing, unknown, expired or revoked token.
    """
    if PRINCIPAL_KEY not in scope:
        header = _header(scope, b"authorization")
        try:
            scope[PRINCIPAL_KEY] = await anyio.to_thread.run_sync(
                lambda: auth.authenticate(runtime.engine, header))
        except Problem as problem:
            scope[PRINCIPAL_KEY] = problem
    found = scope[PRINCIPAL_KEY]
    if isinstance(found, Problem):
        raise found
    return found


class RateLimit:
    """Token buckets per client and per staff token: ``limit`` per ``window`` s, else 429.

    A request with a valid token takes from its client's bucket and from its token's, so
    a token spread over many addresses is still one caller. An invalid token takes from
    its client's bucket only: inventing token values buys no fresh allowance.
    """

    def __init__(self, app: ASGIApp, *, runtime: Any, limit: int, window: float,
                 resolver: ClientResolver, table_size: int = 100_000) -> None:
        self.app = app
        self.runtime = runtime
        self.table = RateTable(limit, window, table_size)
        self.resolver = resolver

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.table.limit <= 0:
            await self.app(scope, receive, send)
            return
        now = time.monotonic()
        wait = self.table.take("client:" + self.resolver.client(scope), now)
        token = token_id(_header(scope, b"authorization"))
        if not wait and token is not None:
            try:
                await principal_of(scope, self.runtime)
            except Problem:
                pass  # refused by the route if it needs a token; counted per client only
            else:
                wait = self.table.take("token:" + token, now)
        if wait:
            retry = retry_after(wait)
            await _answer(scope, receive, send, Problem(
                429, f"请求过于频繁，请在 {retry} 秒后再试。", headers={"Retry-After": retry}),
                unread=_body_pending(scope))
            return
        await self.app(scope, receive, send)


class RequestLimits:
    """Per-route body size, role and JSON depth, checked before the route runs."""

    def __init__(self, app: ASGIApp, *, runtime: Any, limits: RouteLimits) -> None:
        self.app = app
        self.runtime = runtime
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # The route's own path, as the router matches it: without ``root_path`` when the
        # server gives the full path (``uvicorn --root-path``, the ASGI spec's form).
        limit = self.limits.resolve(scope.get("method", "GET"), route_path(scope))
        try:
            await self._before_body(scope, limit)
            body = await _read(receive, limit.max_bytes or 0)
        except Problem as problem:
            await _answer(scope, receive, send, problem, unread=_body_pending(scope))
            return
        except _Disconnected:
            return  # nobody to answer, and a cut-off body must not reach the route
        if body and _is_json(scope):
            try:
                scope[JSON_KEY] = await anyio.to_thread.run_sync(
                    decode_json, body, limit.max_depth or 0)
            except Problem as problem:
                await _answer(scope, receive, send, problem, unread=False)
                return
        await self.app(scope, _replay(body, receive), send)

    async def _before_body(self, scope: Scope, limit: RouteLimit) -> None:
        length = _header(scope, b"content-length")
        if length is not None and (not length.strip().isdigit()
                                   or int(length) > (limit.max_bytes or 0)):
            raise _too_big(limit.max_bytes or 0)
        if limit.role is not None:
            principal = await principal_of(scope, self.runtime)
            if not principal.has(limit.role):
                raise Problem(403, f"此操作需要“{limit.role}”角色，当前令牌没有。请向管理员申请。",
                              reason="missing_role")


class _Disconnected(Exception):
    """The client went away before its body was complete."""


def _too_big(limit: int) -> Problem:
    return Problem(413, f"请求体不能超过 {limit} 字节，请精简后重试。", max_bytes=limit)


async def _read(receive: Receive, limit: int) -> bytes:
    """The whole body, or a 413 problem as soon as it passes ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _too_big(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _is_json(scope: Scope) -> bool:
    """FastAPI's rule: ``application/json`` or ``application/*+json``.

    A type with more than one ``/`` is no media type; FastAPI (the standard library's
    ``email.message``) reads it as ``text/plain``, so it is not parsed here either.
    """
    kind = (_header(scope, b"content-type") or "").split(";", 1)[0].strip().lower()
    main, _, sub = kind.partition("/")
    return main == "application" and "/" not in sub and (sub == "json" or sub.endswith("+json"))


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class JsonRequest(Request):
    """A request whose JSON body :class:`RequestLimits` already parsed off the event loop."""

    async def json(self) -> Any:
        """The parsed body (parsed in a worker thread when no middleware did it)."""
        if not hasattr(self, "_json"):
            if JSON_KEY in self.scope:
                self._json = self.scope[JSON_KEY]
            else:
                body = await self.body()
                self._json = await anyio.to_thread.run_sync(json.loads, body)
        return self._json


class JsonRoute(APIRoute):
    """The route class of every function's routers: ``APIRouter(route_class=JsonRoute)``.

    FastAPI's documented way to use a custom request class; here it hands the handler the
    body :class:`RequestLimits` parsed in a worker thread.
    """

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:  # type: ignore[override]
        """FastAPI's handler, given a :class:`JsonRequest`."""
        handler = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            return await handler(JsonRequest(request.scope, request.receive))

        return route_handler
