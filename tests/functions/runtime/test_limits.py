"""Limits before work: size, token and JSON depth refused before a body is read or parsed."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.testclient import TestClient
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from functions.match.app import create_app
from functions.runtime import auth, limits
from functions.runtime.factory import create_function_app
from functions.runtime.limits import JsonRoute, RouteLimit, decode_json
from functions.runtime.problems import Problem
from functions.runtime.server import build_app
from functions.runtime.settings import Settings
from tests.functions.runtime.server_process import ServerProcess

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"
BIG = 11 * 1024 * 1024


def _settings(tmp_path: Path, **changes: Any) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", **changes)


def _chinese_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["title"] + body["detail"])
    return body


class Upload:
    """A request body the app pulls chunk by chunk; counts what it pulled."""

    def __init__(self, size: int, chunk: int = 64 * 1024) -> None:
        self.size, self.chunk, self.pulled = size, chunk, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        sent = 0
        while sent < self.size:
            piece = b" " * min(self.chunk, self.size - sent)
            sent += len(piece)
            self.pulled += len(piece)
            yield piece


def _post(app: ASGIApp, path: str, upload: Upload, headers: dict[str, str]) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.post(path, content=upload, headers={
                "content-type": "application/json", **headers})
    return asyncio.run(go())


@pytest.fixture
def match_app(site_dir: Path, tmp_path: Path) -> Iterator[FastAPI]:
    app = create_app(_settings(tmp_path), site_dir=site_dir)
    yield app
    app.state.runtime.dispose()


def test_an_anonymous_upload_is_refused_before_one_byte_of_it_is_read(match_app: FastAPI) -> None:
    upload = Upload(BIG)
    response = _post(match_app, "/rulesets", upload, {})
    _chinese_problem(response, 401)
    assert response.headers["connection"] == "close"
    assert upload.pulled == 0


def test_a_token_without_the_role_is_refused_before_the_body_is_read(match_app: FastAPI) -> None:
    reader = auth.create_token(match_app.state.runtime.engine, "王审计", ["audit:read"])
    upload = Upload(BIG)
    response = _post(match_app, "/rulesets", upload, {"Authorization": f"Bearer {reader}"})
    assert "match:publish" in _chinese_problem(response, 403)["detail"]
    assert upload.pulled == 0


def test_a_declared_length_over_the_route_limit_is_413_before_the_token(
        match_app: FastAPI) -> None:
    upload = Upload(17 * 1024 * 1024)
    response = _post(match_app, "/rulesets", upload,
                     {"content-length": str(17 * 1024 * 1024)})
    assert "16777216" in _chinese_problem(response, 413)["detail"]
    assert upload.pulled == 0


def test_a_streamed_body_stops_being_read_at_the_route_limit(match_app: FastAPI) -> None:
    admin = auth.create_token(match_app.state.runtime.engine, "管理员", ["admin"])
    upload = Upload(17 * 1024 * 1024)  # no Content-Length: counted while it streams
    response = _post(match_app, "/rulesets", upload, {"Authorization": f"Bearer {admin}"})
    _chinese_problem(response, 413)
    assert upload.pulled <= 16 * 1024 * 1024 + upload.chunk


def _nested(depth: int) -> dict[str, Any]:
    logic: Any = {"var": "revenue"}
    for _ in range(depth):
        logic = {"!": [logic]}
    return logic  # type: ignore[no-any-return]


def test_logic_nested_150_deep_is_a_clear_422_not_a_500(match_app: FastAPI,
                                                       ruleset: dict[str, Any]) -> None:
    admin = auth.create_token(match_app.state.runtime.engine, "管理员", ["admin"])
    deep = json.loads(json.dumps(ruleset))
    deep["policies"][0]["eligibility"][0]["logic"] = _nested(150)
    with TestClient(match_app, raise_server_exceptions=False) as client:
        response = client.post("/rulesets", json=deep, headers={"Authorization": f"Bearer {admin}"})
        body = _chinese_problem(response, 422)  # type: ignore[arg-type]
        assert body["title"] == "JSON 嵌套过深" and body["max_depth"] == 64
        assert client.get("/rulesets/current").status_code == 200  # the site's rules stay


def test_the_default_depth_holds_on_every_other_route(match_app: FastAPI) -> None:
    with TestClient(match_app) as client:
        deep = {"subject": "person", "profile": {"x": _nested(40)}}
        body = _chinese_problem(client.post("/match", json=deep), 422)  # type: ignore[arg-type]
        assert body["title"] == "JSON 嵌套过深" and body["max_depth"] == 32


@pytest.mark.parametrize(("raw", "depth"), [
    (b'{"a": "[[[[[[[[[[[[", "b": "\\"[[[[{{{{"}', 1),
    (b"[" * 32 + b"]" * 32, 32),
    (b'[{"a": [{"b": []}]}, [], {}]', 5),
])
def test_depth_counts_brackets_outside_strings(raw: bytes, depth: int) -> None:
    decode_json(raw, depth)
    with pytest.raises(Problem) as refused:
        decode_json(raw, depth - 1)
    assert refused.value.status == 422 and refused.value.title == "JSON 嵌套过深"


@pytest.mark.parametrize(("raw", "words"), [
    (b'{"a": 1,}', "第 1 行第 9 列"), (b'{"a": NaN}', "不允许的数值"),
    (b'{"a": "\xff"}', "UTF-8"), (b"[" + b"1" * 5000 + b"]", "不允许的数值"),
])
def test_a_malformed_body_is_a_chinese_422(raw: bytes, words: str) -> None:
    with pytest.raises(Problem) as refused:
        decode_json(raw, 32)
    assert refused.value.status == 422 and words in refused.value.detail


def test_json_is_parsed_in_a_worker_thread_while_the_loop_serves_others(
        match_app: FastAPI, ruleset: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """While a publish's body is being parsed, another request is answered in full.

    The probe wraps the real parser: from inside the parse it asks the event loop to
    answer a GET and waits for the answer. On the event loop that would never return.
    """
    admin = auth.create_token(match_app.state.runtime.engine, "管理员", ["admin"])
    answered: list[int] = []

    async def scenario() -> httpx.Response:
        loop = asyncio.get_running_loop()
        transport = httpx.ASGITransport(app=match_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            def probe(raw: bytes, depth: int) -> Any:
                assert threading.current_thread() is not threading.main_thread()
                if not answered:
                    get = asyncio.run_coroutine_threadsafe(client.get("/rulesets/current"), loop)
                    answered.append(get.result(timeout=60).status_code)
                return decode_json(raw, depth)

            monkeypatch.setattr(limits, "decode_json", probe)
            return await client.post("/rulesets", json=ruleset, headers={
                "Authorization": f"Bearer {admin}"})

    assert asyncio.run(scenario()).status_code == 201
    assert answered == [200]


def test_a_limit_naming_no_route_and_a_router_without_json_route_are_refused(
        tmp_path: Path) -> None:
    router = APIRouter(route_class=JsonRoute)

    @router.post("/things")
    def things() -> None: ...

    with pytest.raises(ValueError, match="POST /thing"):
        create_function_app(name="t", title="t", description="t", version="1",
                            routers=[router], settings=_settings(tmp_path),
                            limits={"POST /thing": RouteLimit(max_bytes=1)})
    plain = APIRouter()

    @plain.post("/things")
    def other() -> None: ...

    with pytest.raises(TypeError, match="JsonRoute"):
        create_function_app(name="t", title="t", description="t", version="1",
                            routers=[plain], settings=_settings(tmp_path))


def test_a_body_cut_off_by_a_disconnect_never_reaches_the_route(tmp_path: Path) -> None:
    router = APIRouter(route_class=JsonRoute)
    reached: list[bytes] = []

    @router.post("/notes")
    async def notes(request: Request) -> None:
        reached.append(await request.body())

    app = create_function_app(name="t", title="t", description="t", version="1",
                              routers=[router], settings=_settings(tmp_path))
    messages: list[Message] = [{"type": "http.request", "body": b"half a ", "more_body": True},
                               {"type": "http.disconnect"}]
    sent: list[Message] = []

    async def receive() -> Message:
        return messages.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": "/notes", "raw_path": b"/notes",
             "root_path": "", "query_string": b"", "headers": [(b"content-type", b"text/plain")],
             "client": ("198.51.100.1", 1), "server": ("t", 80)}
    asyncio.run(app(scope, receive, send))
    assert reached == [] and sent == []


# --- A real server: anonymous 11 MB uploads cost the server nothing ---------------------


class ReceivedBytes:
    """Counts the body bytes the app took from the server; ``GET /__received`` tells."""

    def __init__(self, app: ASGIApp) -> None:
        self.app, self.total = app, 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/__received":
            await JSONResponse({"bytes": self.total})(scope, receive, send)
            return

        async def counted() -> Message:
            message = await receive()
            self.total += len(message.get("body", b""))
            return message

        await self.app(scope, counted, send)


def counting_portal(site_dir: str, database_url: str) -> ASGIApp:
    """The portal as ``tongda serve`` builds it, with the body counter around it."""
    return ReceivedBytes(build_app(Path(site_dir), database_url=database_url))


def _start_upload(port: int) -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", port), timeout=20)
    conn.sendall(f"POST /api/match/rulesets HTTP/1.1\r\nHost: t\r\nContent-Type: "
                 f"application/json\r\nContent-Length: {BIG}\r\n\r\n".encode()
                 + b'{"facts": {}, "policies": [' + b" " * 16_000)
    return conn


def _read_until_closed(conn: socket.socket) -> bytes:
    data = b""
    while chunk := conn.recv(65536):  # the server closes: recv gives b"", no timeout
        data += chunk
    return data


def test_anonymous_uploads_are_answered_before_their_body_arrives_and_the_site_answers(
        site_dir: Path, tmp_path: Path) -> None:
    """Three anonymous 11 MB uploads, stalled after their first 16 kB: each is answered 401
    at once and its connection closed, the site and the API answer meanwhile, and the app
    took no byte of any upload (before, it waited for all 11 MB, then parsed them)."""
    with ServerProcess("tests.functions.runtime.test_limits:counting_portal", str(site_dir),
                       f"sqlite:///{tmp_path / 'db.sqlite3'}", ready="/") as server:
        uploads = [_start_upload(server.port) for _ in range(3)]
        assert httpx.get(server.url + "/", timeout=20).status_code == 200
        assert httpx.get(server.url + "/api/match/rulesets/current",
                         timeout=20).status_code == 200
        for conn in uploads:
            with conn:
                answer = _read_until_closed(conn).decode("utf-8")
                head, _, body = answer.partition("\r\n\r\n")
                assert head.startswith("HTTP/1.1 401")
                assert "connection: close" in head.lower()
                assert "令牌" in json.loads(body)["detail"]
        received = httpx.get(server.url + "/__received", timeout=20).json()
        assert received == {"bytes": 0}


@pytest.mark.parametrize(("root", "path", "expected"), [
    ("", "/rulesets", "/rulesets"),
    ("/api/match", "/rulesets", "/rulesets"),             # mounted: path already stripped
    ("/api/match", "/api/match/rulesets", "/rulesets"),   # uvicorn --root-path: full path
    ("/api/match", "/api/match", "/"),
    ("/api", "/apiary/rulesets", "/apiary/rulesets"),     # a prefix of a word is no root
])
def test_route_limits_match_the_routes_path_whatever_the_server_gives(
        root: str, path: str, expected: str) -> None:
    from functions.runtime.limits import route_path

    assert route_path({"root_path": root, "path": path}) == expected


def test_a_large_publish_behind_uvicorn_root_path_gets_its_routes_limit(
        tmp_path: Path, ruleset: dict[str, Any]) -> None:
    """Behind ``uvicorn --root-path /api/match`` the scope's path is the full path; the
    route's 16 MB limit must still apply (it fell back to the 64 KiB default)."""
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    with TestClient(app, root_path="/api/match") as client:
        token = auth.create_token(app.state.runtime.engine, "李工", ["match:publish"])
        big = {**ruleset, "note": "说明" * 60_000}  # about 360 KB, over the default
        response = client.post("/api/match/rulesets", json=big,
                               headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 201, response.text
        anonymous = client.post("/api/match/rulesets", json=big)
        assert anonymous.status_code == 401  # the role is checked before the body
