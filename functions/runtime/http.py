"""HTTP hygiene shared by the one-origin server and every function app.

:class:`Hygiene` is one ASGI middleware that gives every response the same security
headers and a cache policy, answers HEAD wherever GET is answered, refuses paths that no
file or route can have (a NUL byte, overlong paths and segments) before anything touches
the file system, turns anything unexpected into a 500 problem with nothing internal in
it, and writes one JSON log line per request. Each request carries a request id, taken
from a sane incoming ``X-Request-ID`` or made here, returned in ``X-Request-ID`` and in
every ``application/problem+json`` body, and written in the log lines about it.

The header values live here and nowhere else: ``docs/publishing.md`` shows them for Nginx
and for static hosts exactly as :func:`nginx_headers` and :func:`headers_file` write them,
and a test holds the guide to that.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import MEDIA_TYPE, SCOPE_REQUEST_ID, UNEXPECTED_DETAIL, Problem, log_unexpected

#: The theme, search, calculator, audio player and graph load everything from the site
#: itself and run no inline script or style (checked in Chromium against the demo portal),
#: so ``'self'`` is enough. Nothing is framed and nothing frames the portal.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

#: Sent on every response, by ``tongda serve``, by each function and (through the
#: publishing guide) by Nginx or the static host.
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Other sites see the portal's origin, never a page path: a search URL carries the
    # question a citizen typed.
    "Referrer-Policy": "strict-origin-when-cross-origin",
    # For browsers that predate CSP frame-ancestors.
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    # Geolocation stays possible for the portal itself (the complaints page asks where a
    # problem is); nothing on the site uses the others.
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(self), payment=(), usb=()",
}

#: Only meaningful over HTTPS; sent when the request came over HTTPS. Subdomains are left
#: out on purpose: a government domain often has HTTP-only hosts under it.
HTTPS_HEADERS: dict[str, str] = {"Strict-Transport-Security": "max-age=31536000"}

#: Files named by the hash of their content are never rewritten with other content.
CACHE_IMMUTABLE = "public, max-age=31536000, immutable"
#: Everything else may be stored but is revalidated (ETag / Last-Modified) before each use.
CACHE_REVALIDATE = "no-cache"
#: Personal or staff-only answers are never stored.
CACHE_PRIVATE = "no-store"

#: The search index's shards and pages (``search_index.store.FileWriter``):
#: ``<family>-<first 12 hex digits of the SHA-256 of the content>.tdz``. The index's
#: ``manifest.tdz``, the theme's CSS/JS and the audio files are named by what they are,
#: not by their content, so they are revalidated.
HASHED_NAME = r"[A-Za-z]+-[0-9a-f]{12}\.tdz"
_HASHED = re.compile(r"/" + HASHED_NAME + r"\Z")

#: Longest path segment a file system names (ext4, XFS, NTFS: 255 bytes).
MAX_SEGMENT_BYTES = 255
#: Longest path the portal has any reason to receive.
MAX_PATH_BYTES = 2048
#: Problem bodies up to this size get their request id added; larger ones pass untouched.
_MAX_HELD_BODY = 64 * 1024

#: Set in the scope when a HEAD was turned into a GET (the static side answers HEAD itself).
SCOPE_HEAD = "tongda.head"
_INCOMING_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}")

access_log = logging.getLogger("tongda.http")


def is_content_hashed(path: str) -> bool:
    """Whether ``path`` names a file whose name is the hash of its content."""
    return _HASHED.search(path) is not None


def static_cache_control(path: str, status: int) -> str:
    """The ``Cache-Control`` of a static file response (a miss is never immutable)."""
    if status in (200, 206, 304) and is_content_hashed(path):
        return CACHE_IMMUTABLE
    return CACHE_REVALIDATE


def api_cache_control(scope: Scope, status: int) -> str:
    """The default ``Cache-Control`` of a function's answer.

    Personal or staff-only: anything the caller sent a body for, anything asked with a
    token, and any refusal of a token. Public reads are revalidated.
    """
    if scope.get("method") not in ("GET", "HEAD") or status in (401, 403):
        return CACHE_PRIVATE
    if any(name == b"authorization" for name, _ in scope.get("headers") or []):
        return CACHE_PRIVATE
    return CACHE_REVALIDATE


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers") or []:
        if name == b"x-request-id":
            text = value.decode("latin-1").strip()
            # Ids a proxy or a client made are kept only when they cannot break a log line.
            return text if _INCOMING_ID.fullmatch(text) else None
    return None


def refusal(scope: Scope) -> Problem | None:
    """A problem for a path no file or route can have, else ``None``."""
    path: str = scope.get("path", "")
    raw: bytes = scope.get("raw_path") or b""
    if "\x00" in path or b"%00" in raw:
        return Problem(400, "网址中不能含有空字符（%00），请检查链接是否完整、正确。")
    encoded = path.encode("utf-8", "surrogatepass")
    if len(encoded) > MAX_PATH_BYTES or any(
            len(part) > MAX_SEGMENT_BYTES for part in encoded.split(b"/")):
        return Problem(404, "网址过长，网站上没有这样的页面，请检查链接是否正确。")
    return None


def configure_logging() -> None:
    """One JSON line per record of ``tongda.http`` on stderr, unless handlers are set.

    The records are already JSON; the handler only adds the line break. Not propagated, so
    a platform that logs the root logger (AWS Lambda) does not print each line twice.
    """
    if access_log.level == logging.NOTSET:
        access_log.setLevel(logging.INFO)
    if access_log.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    access_log.addHandler(handler)
    access_log.propagate = False


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


class _Exchange:
    """One response on its way out: headers added, HEAD bodies dropped, status noted."""

    def __init__(self, scope: Scope, send: Send, rid: str, *, head: bool) -> None:
        self.scope = scope
        self.send_on = send
        self.rid = rid
        self.head = head
        self.status = 0
        self.bytes = 0
        self.held: Message | None = None
        self.parts: list[bytes] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            headers = MutableHeaders(raw=list(message.get("headers") or []))
            self._add_headers(headers)
            message = {**message, "headers": headers.raw}
            if headers.get("content-type", "").startswith(MEDIA_TYPE):
                self.held = message  # its body gets the request id
                return
        elif message["type"] == "http.response.body" and self.held is not None:
            self.parts.append(message.get("body", b""))
            if message.get("more_body", False) and sum(map(len, self.parts)) <= _MAX_HELD_BODY:
                return
            await self._release(message.get("more_body", False))
            return
        await self._pass(message)

    def _add_headers(self, headers: MutableHeaders) -> None:
        for name, value in SECURITY_HEADERS.items():
            headers.setdefault(name, value)
        if self.scope.get("scheme") == "https":
            for name, value in HTTPS_HEADERS.items():
                headers.setdefault(name, value)
        headers.setdefault("Cache-Control", api_cache_control(self.scope, self.status))
        headers["X-Request-ID"] = self.rid

    async def _release(self, more: bool) -> None:
        start, body = self.held, b"".join(self.parts)
        assert start is not None  # only called while a start is held
        self.held, self.parts = None, []
        if not more:
            body = self._with_id(body)
            headers = MutableHeaders(raw=start["headers"])
            if "content-length" in headers:
                headers["Content-Length"] = str(len(body))
        await self._pass(start)
        await self._pass({"type": "http.response.body", "body": body, "more_body": more})

    def _with_id(self, body: bytes) -> bytes:
        try:
            problem = json.loads(body)
        except ValueError:
            return body
        if not isinstance(problem, dict) or "request_id" in problem:
            return body
        problem["request_id"] = self.rid
        return json.dumps(problem, ensure_ascii=False, separators=(",", ":")).encode()

    async def _pass(self, message: Message) -> None:
        if message["type"] == "http.response.body":
            if self.head:
                message = {**message, "body": b""}
            self.bytes += len(message.get("body", b""))
        await self.send_on(message)


class Hygiene:
    """Security headers, request ids, HEAD, path refusals, 500 problems and JSON logs.

    Put it outermost. When one app mounts another that has its own :class:`Hygiene` (the
    portal mounting each function), the inner one sees the request id the outer one gave
    and only turns an unexpected error into a 500 problem, so each request gets its
    headers once and one log line.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        configure_logging()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if SCOPE_REQUEST_ID in scope:
            await self._guarded(scope, receive, send)
            return
        started = time.perf_counter()
        rid = _incoming_id(scope) or uuid.uuid4().hex
        method = scope.get("method", "")
        scope = {**scope, SCOPE_REQUEST_ID: rid}
        if method == "HEAD":
            # Every GET route answers HEAD: ask for GET and drop the body on the way out.
            scope.update({"method": "GET", SCOPE_HEAD: True})
        exchange = _Exchange(scope, send, rid, head=method == "HEAD")
        try:
            problem = refusal(scope)
            if problem is not None:  # no ``instance``: it would echo the path refused
                await problem.response()(scope, receive, exchange.send)
            else:
                await self._guarded(scope, receive, exchange.send)
        finally:
            _log_request(scope, method, exchange, time.perf_counter() - started)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:  # noqa: BLE001 - logged in full, answered without internals
            log_unexpected(scope, exc)
            if not started:
                await Problem(500, UNEXPECTED_DETAIL).response(
                    scope.get("root_path", "") + scope.get("path", ""))(scope, receive, send)


def _log_request(scope: Scope, method: str, exchange: _Exchange, seconds: float) -> None:
    client = scope.get("client")
    access_log.info(json.dumps({
        "time": _now(), "request_id": exchange.rid, "method": method,
        # The path only: a query string can carry what a citizen searched for.
        "path": (scope.get("root_path", "") + scope.get("path", ""))[:512],
        "status": exchange.status, "duration_ms": round(seconds * 1000, 2),
        "bytes": exchange.bytes, "client": client[0] if client else None,
    }, ensure_ascii=False))


def nginx_headers() -> str:
    """The ``add_header`` lines of the publishing guide's Nginx snippet."""
    lines = [f'add_header {name} "{value}" always;'
             for name, value in {**SECURITY_HEADERS, **HTTPS_HEADERS}.items()]
    return "\n".join(lines) + "\n"


def nginx_hashed_location() -> str:
    """The Nginx ``location`` that matches exactly the content-hashed files."""
    return f'location ~ "/{HASHED_NAME}$"'


def headers_file() -> str:
    """A ``_headers`` file (Cloudflare Pages, Netlify, EdgeOne Pages and others)."""
    lines = ["/*"] + [f"  {name}: {value}"
                      for name, value in {**SECURITY_HEADERS, **HTTPS_HEADERS}.items()]
    return "\n".join(lines) + "\n"
