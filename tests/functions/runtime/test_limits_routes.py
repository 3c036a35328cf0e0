"""Per-route limits as a client meets them: the exact byte limit, the role, which bodies are
parsed as JSON, the answer's headers, and the minimal messages a server may send.

Each test builds a small function app with the shared runtime (``create_function_app``)
and talks to it over raw ASGI, so the test sees exactly which messages the app took.
"""

from __future__ import annotations

import asyncio
import email.message
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI, Request
from hypothesis import example, given, settings
from hypothesis import strategies as st
from starlette.types import Message

from functions.runtime import auth
from functions.runtime.factory import create_function_app
from functions.runtime.limits import JsonRoute, RouteLimit, RouteLimits, route_path
from functions.runtime.settings import Settings

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"
TOO_BIG_8 = "请求体不能超过 8 字节，请精简后重试。"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any
    pulled: int  # how many receive() messages the app took
    reached: list[bytes] = field(default_factory=list)

    def problem(self) -> dict[str, Any]:
        """The problem+json body without its request id (new for every request)."""
        assert self.headers["content-type"] == PROBLEM, self.body
        body = dict(self.body)
        body.pop("request_id", None)
        return body


class Portal:
    """A function with four routes; ``reached`` has every body a route received."""

    def __init__(self, tmp_path: Path, limits: dict[str, RouteLimit] | None = None,
                 **changes: Any) -> None:
        self.reached: list[bytes] = []
        router = APIRouter(route_class=JsonRoute)

        @router.post("/notes")
        async def notes(request: Request) -> dict[str, int]:
            body = await request.body()
            self.reached.append(body)
            return {"bytes": len(body)}

        @router.post("/parsed")
        async def parsed(request: Request) -> dict[str, Any]:
            first = await request.json()
            return {"json": first, "same": first is await request.json()}

        @router.put("/items/{item_id}")
        async def item(item_id: str, request: Request) -> dict[str, Any]:
            body = await request.body()
            self.reached.append(body)
            return {"item": item_id, "bytes": len(body)}

        @router.post("/watch")
        async def watch(request: Request) -> dict[str, Any]:
            body = await request.body()
            return {"bytes": len(body), "gone": await request.is_disconnected()}

        @router.get("/ping")
        def ping() -> dict[str, bool]:
            return {"ok": True}

        settings = Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", **changes)
        self.app: FastAPI = create_function_app(
            name="t", title="t", description="t", version="1", routers=[router],
            settings=settings, limits=limits)

    def token(self, *role_names: str) -> str:
        return auth.create_token(self.app.state.runtime.engine, "李工", list(role_names))

    def call(self, method: str, path: str, *, headers: dict[str, str] | None = None,
             messages: list[Message] | None = None, root_path: str | None = "",
             peer: str = "198.51.100.1") -> Answer:
        """One request; ``messages`` are the body messages (default: one empty one).

        ``root_path`` as the portal mounts a function: the path is the function's own;
        ``None`` leaves it out of the scope (ASGI: optional, default empty).
        """
        pending = list(messages if messages is not None else [{"type": "http.request"}])
        pulled = 0
        sent: list[Message] = []

        async def receive() -> Message:
            nonlocal pulled
            pulled += 1
            return pending.pop(0) if pending else {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            sent.append(message)

        raw_headers = [(k.lower().encode("latin-1"), v.encode("latin-1"))
                       for k, v in (headers or {}).items()]
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": method, "scheme": "http", "path": path,
                 "raw_path": path.encode(), "root_path": root_path,
                 "query_string": b"", "headers": raw_headers, "client": (peer, 40000),
                 "server": ("t", 80)}
        if root_path is None:
            del scope["root_path"]
        before = len(self.reached)
        asyncio.run(self.app(scope, receive, send))
        start = next(m for m in sent if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        answer_headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in start["headers"]}
        return Answer(start["status"], answer_headers, json.loads(body) if body else None,
                      pulled, self.reached[before:])

    def post(self, path: str, chunks: list[bytes], *, length: bool = True,
             content_type: str | None = None, **headers: str) -> Answer:
        """A POST whose body arrives in ``chunks``, with its Content-Length unless told not."""
        head = dict(headers)
        chunks = chunks or [b""]
        if length:
            head["content-length"] = str(sum(map(len, chunks)))
        if content_type is not None:
            head["content-type"] = content_type
        messages: list[Message] = [
            {"type": "http.request", "body": chunk, "more_body": n < len(chunks) - 1}
            for n, chunk in enumerate(chunks)]
        return self.call("POST", path, headers=head, messages=messages)


@pytest.fixture
def small(tmp_path: Path) -> Portal:
    """Every body at most 8 bytes, JSON at most 2 deep."""
    return Portal(tmp_path, max_body_bytes=8, max_json_depth=2)


# --- declaring limits ---------------------------------------------------------------------


@pytest.mark.parametrize("key", ["post /notes", "POST notes", "POST", "/notes", "Post /notes",
                                 "POST  /notes"])
def test_a_limit_key_not_written_method_space_path_is_refused_with_the_key(key: str) -> None:
    with pytest.raises(ValueError) as refused:
        RouteLimits({key: RouteLimit(max_bytes=1)}, max_bytes=10, max_depth=3)
    assert str(refused.value) == (
        f"路由限制的键应写成“方法 路径”，如 'POST /rulesets'，而不是 {key!r}")


def test_a_declared_limit_keeps_the_defaults_it_does_not_name() -> None:
    limits = RouteLimits({"POST /a": RouteLimit(max_bytes=5),
                          "POST /b": RouteLimit(max_depth=3, role="match:publish"),
                          "PUT /items/{item_id}": RouteLimit(max_bytes=7)},
                         max_bytes=100, max_depth=10)
    assert limits.declared == ["POST /a", "POST /b", "PUT /items/{item_id}"]
    assert limits.resolve("POST", "/a") == RouteLimit(5, 10, None)
    assert limits.resolve("POST", "/b") == RouteLimit(100, 3, "match:publish")
    assert limits.resolve("PUT", "/items/42") == RouteLimit(7, 10, None)
    default = RouteLimit(100, 10, None)
    assert limits.resolve("GET", "/a") == default  # another method of the same path
    assert limits.resolve("POST", "/c") == default
    assert limits.resolve("PUT", "/items/42/more") == default  # the whole path must match
    assert limits.resolve("PUT", "/items/") == default


@pytest.mark.parametrize(("scope", "path"), [
    ({"root_path": "/api/match/", "path": "/api/match/rulesets"}, "/rulesets"),  # slash-ended
    ({"root_path": "/api/matchX", "path": "/api/matchX/rulesets"}, "/rulesets"),
    ({"root_path": "/api/match/", "path": "/api/match"}, "/"),
    ({"path": "/rulesets"}, "/rulesets"),  # ASGI: root_path may be left out
])
def test_the_routes_path_under_any_root_path_a_server_gives(scope: dict[str, str],
                                                            path: str) -> None:
    assert route_path(scope) == path


# --- the byte limit, to the byte ----------------------------------------------------------


def test_a_declared_length_of_exactly_the_limit_is_accepted_one_more_is_not(
        small: Portal) -> None:
    accepted = small.post("/notes", [b"12345678"])
    assert (accepted.status, accepted.body, accepted.reached) == (200, {"bytes": 8},
                                                                  [b"12345678"])
    refused = small.post("/notes", [b"123456789"])
    assert refused.status == 413 and refused.pulled == 0 and refused.reached == []
    assert refused.problem() == {"type": "about:blank", "title": "请求内容过大", "status": 413,
                                 "detail": TOO_BIG_8, "max_bytes": 8, "instance": "/notes"}
    assert refused.headers["connection"] == "close"  # the unread body is not waited for


def test_a_streamed_body_of_exactly_the_limit_is_accepted_one_byte_more_is_not(
        small: Portal) -> None:
    accepted = small.post("/notes", [b"1234", b"5678"], length=False)
    assert (accepted.status, accepted.reached) == (200, [b"12345678"])
    refused = small.post("/notes", [b"1234", b"56789", b"more"], length=False)
    assert refused.status == 413 and refused.problem()["detail"] == TOO_BIG_8
    assert refused.pulled == 2 and refused.reached == []  # stopped at the chunk that passed


@pytest.mark.parametrize("length", ["abc", "-1", "+5", "0x5"])
def test_a_content_length_that_is_not_a_number_is_refused_unread(small: Portal,
                                                                 length: str) -> None:
    refused = small.call("POST", "/notes", headers={"content-length": length},
                         messages=[{"type": "http.request", "body": b"12345"}])
    assert refused.status == 413 and refused.pulled == 0 and refused.reached == []
    assert refused.problem()["detail"] == TOO_BIG_8


def test_a_route_that_accepts_no_body_refuses_one_byte(tmp_path: Path) -> None:
    portal = Portal(tmp_path, {"POST /notes": RouteLimit(max_bytes=0)})
    assert portal.post("/notes", []).status == 200
    assert portal.post("/notes", [b""]).status == 200
    for length, pulled in ((True, 0), (False, 1)):
        refused = portal.post("/notes", [b"x"], length=length)
        assert refused.status == 413 and refused.reached == [] and refused.pulled == pulled
        assert refused.problem()["detail"] == "请求体不能超过 0 字节，请精简后重试。"
        assert refused.problem()["max_bytes"] == 0


def test_a_routes_own_limit_applies_to_its_path_with_parameters(tmp_path: Path) -> None:
    portal = Portal(tmp_path, {"PUT /items/{item_id}": RouteLimit(max_bytes=3)},
                    max_body_bytes=100)
    ok = portal.call("PUT", "/items/7", headers={"content-length": "3"},
                     messages=[{"type": "http.request", "body": b"abc"}])
    assert (ok.status, ok.body) == (200, {"item": "7", "bytes": 3})
    refused = portal.call("PUT", "/items/7", headers={"content-length": "4"},
                          messages=[{"type": "http.request", "body": b"abcd"}])
    assert refused.status == 413 and refused.problem()["max_bytes"] == 3
    assert portal.post("/notes", [b"abcd" * 20]).status == 200  # other routes: the default


# --- the role, before the body -----------------------------------------------------------


@pytest.fixture
def guarded(tmp_path: Path) -> Portal:
    return Portal(tmp_path, {"POST /notes": RouteLimit(max_bytes=100, role="match:publish")})


def test_a_token_without_the_role_gets_403_naming_the_role_and_why(guarded: Portal) -> None:
    reader = guarded.token("audit:read")
    refused = guarded.post("/notes", [b"hello"], authorization=f"Bearer {reader}")
    assert refused.status == 403 and refused.pulled == 0 and refused.reached == []
    assert refused.problem() == {
        "type": "about:blank", "title": "没有权限", "status": 403,
        "detail": "此操作需要“match:publish”角色，当前令牌没有。请向管理员申请。",
        "reason": "missing_role", "instance": "/notes"}
    assert refused.headers["connection"] == "close"


def test_the_role_or_admin_is_let_through_with_the_body(guarded: Portal) -> None:
    for role in ("match:publish", "admin"):
        token = guarded.token(role)
        answer = guarded.post("/notes", [b"he", b"llo"], authorization=f"Bearer {token}")
        assert (answer.status, answer.reached) == (200, [b"hello"])


def test_no_token_is_a_401_with_the_challenge(guarded: Portal) -> None:
    refused = guarded.post("/notes", [b"hello"])
    assert refused.status == 401 and refused.pulled == 0
    assert refused.problem()["reason"] == "missing_token"
    assert refused.headers["www-authenticate"] == 'Bearer realm="tongda"'
    assert refused.headers["connection"] == "close"


@pytest.mark.parametrize(("headers", "closes"), [
    ({"content-length": "5"}, True),
    ({"transfer-encoding": "chunked"}, True),
    ({"content-length": "0"}, False),
    ({"content-length": " 0 "}, False),
    ({}, False),
])
def test_an_early_answer_closes_the_connection_only_when_a_body_is_left_unread(
        guarded: Portal, headers: dict[str, str], closes: bool) -> None:
    refused = guarded.call("POST", "/notes", headers=headers,
                           messages=[{"type": "http.request", "body": b"hello"[
                               :int(headers.get("content-length", 5))]}])
    assert refused.status == 401
    assert ("connection" in refused.headers) is closes
    if closes:
        assert refused.headers["connection"] == "close"


def test_the_problem_names_the_full_path_where_the_function_is_mounted(
        guarded: Portal) -> None:
    refused = guarded.call("POST", "/notes", root_path="/api/t",
                           headers={"content-length": "5"},
                           messages=[{"type": "http.request", "body": b"hello"}])
    assert refused.status == 401  # the route's role applies behind the root path too
    assert refused.problem()["instance"] == "/api/t/notes"


def test_a_server_that_sends_no_root_path_gets_the_same_answers(guarded: Portal) -> None:
    refused = guarded.call("POST", "/notes", root_path=None, headers={"content-length": "5"},
                           messages=[{"type": "http.request", "body": b"hello"}])
    assert refused.status == 401 and refused.problem()["instance"] == "/notes"
    assert guarded.call("GET", "/ping", root_path=None).body == {"ok": True}


# --- which bodies are JSON ---------------------------------------------------------------


@pytest.mark.parametrize(("content_type", "json_"), [
    ("application/json", True),
    ("application/json; charset=utf-8", True),
    ("application/json; charset=utf-8; profile=x", True),
    ("Application/JSON", True),
    (" application/json ;charset=utf-8", True),
    ("application/merge-patch+json", True),
    ("application/problem+json", True),
    ("text/json", False),
    ("application/jsonl", False),
    ("application/json-seq", False),
    ("text/plain", False),
    ("text/plain; note=application/json", False),
    ("application/x-www-form-urlencoded", False),
    (None, False),
])
def test_only_json_content_types_are_parsed_and_refused_when_malformed(
        tmp_path: Path, content_type: str | None, json_: bool) -> None:
    """FastAPI's rule (``application/json`` or ``application/*+json``); other bodies reach
    the route untouched, whatever they look like."""
    portal = Portal(tmp_path)
    answer = portal.post("/notes", [b'{"a": 1,}'], content_type=content_type)
    if json_:
        assert answer.status == 422 and answer.reached == []
        assert answer.problem()["detail"] == "请求体不是合法的 JSON：第 1 行第 9 列：此处应为用双引号括起的名称。"
    else:
        assert (answer.status, answer.reached) == (200, [b'{"a": 1,}'])


def _fastapi_reads_json(content_type: str) -> bool:
    """FastAPI's own test (fastapi/routing.py): the standard library's reading of the header."""
    message = email.message.Message()
    message["content-type"] = content_type
    return message.get_content_maintype() == "application" and (
        message.get_content_subtype() == "json"
        or message.get_content_subtype().endswith("+json"))


_PIECES = ["application", "APPLICATION", "text", "/", "json", "+json", "x+json", "jsonx",
           ";", "; charset=utf-8", " ", "vnd.tongda", "*"]


@pytest.fixture(scope="module")
def unlimited(tmp_path_factory: pytest.TempPathFactory) -> Portal:
    return Portal(tmp_path_factory.mktemp("unlimited"), rate_limit=0)


@settings(max_examples=60, deadline=None)
@example(content_type="application/x/y+json")  # two slashes: FastAPI reads text/plain
@example(content_type="application/vnd.tongda+json; charset=utf-8")
@given(content_type=st.lists(st.sampled_from(_PIECES), min_size=1, max_size=6).map("".join))
def test_a_body_is_parsed_exactly_when_fastapi_would_read_it_as_json(
        unlimited: Portal, content_type: str) -> None:
    answer = unlimited.post("/notes", [b"[1,]"], content_type=content_type)
    assert (answer.status == 422) is _fastapi_reads_json(content_type), answer.body


def test_an_empty_json_body_reaches_the_route_unparsed(small: Portal) -> None:
    answer = small.post("/notes", [b""], content_type="application/json")
    assert (answer.status, answer.reached) == (200, [b""])


def test_the_route_gets_the_parsed_json_once_and_the_same_each_time(small: Portal) -> None:
    answer = small.post("/parsed", [b'{"a":', b"[]}"], content_type="application/json")
    assert (answer.status, answer.body) == (200, {"json": {"a": []}, "same": True})


def test_a_body_not_declared_json_is_still_parsed_when_the_route_asks(small: Portal) -> None:
    answer = small.post("/parsed", [b'[1, "x"]'], content_type="text/plain")
    assert (answer.status, answer.body) == (200, {"json": [1, "x"], "same": True})


def test_the_depth_limit_is_the_routes_to_the_level(tmp_path: Path) -> None:
    portal = Portal(tmp_path, {"POST /parsed": RouteLimit(max_depth=0)}, max_json_depth=2)
    assert portal.post("/parsed", [b'"flat"'], content_type="application/json").body == {
        "json": "flat", "same": True}
    refused = portal.post("/parsed", [b"[]"], content_type="application/json")
    assert refused.status == 422 and refused.pulled == 1
    assert "connection" not in refused.headers  # the whole body was read
    assert refused.problem() == {
        "type": "about:blank", "title": "JSON 嵌套过深", "status": 422,
        "detail": "请求体的 JSON 嵌套超过 0 层，请减少嵌套后重试。", "max_depth": 0,
        "instance": "/parsed"}
    # every other route: the default, two levels
    assert portal.post("/notes", [b"[[1]]"], content_type="application/json").status == 200
    deep = portal.post("/notes", [b"[[[1]]]"], content_type="application/json")
    assert deep.status == 422 and deep.problem()["max_depth"] == 2


# --- what a server may send --------------------------------------------------------------


def test_the_specs_minimal_messages_are_a_whole_body(small: Portal) -> None:
    """ASGI: ``body`` defaults to empty and ``more_body`` to false when left out."""
    answer = small.call("POST", "/notes", messages=[{"type": "http.request"}])
    assert (answer.status, answer.reached, answer.pulled) == (200, [b""], 1)
    answer = small.call("POST", "/notes", messages=[
        {"type": "http.request", "body": b"ab", "more_body": True},
        {"type": "http.request", "more_body": True},
        {"type": "http.request", "body": b"cd"}])
    assert (answer.status, answer.reached, answer.pulled) == (200, [b"abcd"], 3)


def test_after_the_body_the_route_hears_what_the_server_says_next(small: Portal) -> None:
    """The body is handed over once; then the route reads the server's own messages, so a
    client that went away is seen as gone."""
    answer = small.call("POST", "/watch", messages=[
        {"type": "http.request", "body": b"ab", "more_body": True},
        {"type": "http.request", "body": b"cd"}])  # then the server says: disconnected
    assert (answer.status, answer.body, answer.pulled) == (200, {"bytes": 4, "gone": True}, 3)


def test_a_get_passes_with_nothing_to_read(small: Portal) -> None:
    answer = small.call("GET", "/ping")
    assert (answer.status, answer.body) == (200, {"ok": True})


# --- the rate limit ----------------------------------------------------------------------


def test_a_rate_limit_of_zero_switches_it_off_and_leaves_the_other_limits_on(
        tmp_path: Path) -> None:
    portal = Portal(tmp_path, rate_limit=0, max_body_bytes=8)
    assert {portal.call("GET", "/ping").status for _ in range(25)} == {200}
    assert portal.post("/notes", [b"123456789"]).status == 413


def test_the_request_over_the_rate_is_told_when_to_come_back(tmp_path: Path) -> None:
    portal = Portal(tmp_path, rate_limit=1, rate_window=3600)
    assert portal.call("GET", "/ping").status == 200
    limited = portal.call("GET", "/ping")
    assert limited.status == 429 and limited.headers["retry-after"] == "3600"
    assert limited.problem() == {"type": "about:blank", "title": "请求过于频繁", "status": 429,
                                 "detail": "请求过于频繁，请在 3600 秒后再试。",
                                 "instance": "/ping"}
    assert "connection" not in limited.headers  # nothing unread: the connection is kept
    upload = portal.post("/notes", [b"hello"])
    assert upload.status == 429 and upload.pulled == 0 and upload.reached == []
    assert upload.headers["connection"] == "close"
    assert portal.call("GET", "/ping", peer="198.51.100.2").status == 200  # another client


def test_a_staff_token_over_its_rate_is_limited_from_a_fresh_address(tmp_path: Path) -> None:
    portal = Portal(tmp_path, rate_limit=2, rate_window=60)
    bearer = {"authorization": f"Bearer {portal.token('audit:read')}"}
    codes = [portal.call("GET", "/ping", headers=bearer, peer=f"198.51.100.{n}").status
             for n in range(3)]
    limited = portal.call("GET", "/ping", headers=bearer, peer="198.51.100.9")
    assert codes == [200, 200, 429] and limited.status == 429
    assert limited.headers["retry-after"] == "30"  # 2 a minute: one back every 30 s


def test_each_staff_token_has_its_own_allowance(tmp_path: Path) -> None:
    portal = Portal(tmp_path, rate_limit=2, rate_window=60)
    first, second = portal.token("audit:read"), portal.token("audit:read")
    codes = [portal.call("GET", "/ping", headers={"authorization": f"Bearer {token}"},
                         peer=f"198.51.100.{n}").status
             for n, token in enumerate([first, first, second, second])]
    assert codes == [200, 200, 200, 200]
