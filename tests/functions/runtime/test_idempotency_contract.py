"""What a client of ``Idempotency-Key`` relies on, on SQLite and PostgreSQL.

The rules a client is told (which keys are accepted, the exact problem it gets back and
when to retry), what is hashed as "the same request" (method, path, body: JSON
canonicalised, any other body byte for byte), which answers are stored (2xx only) and
that a replay is the first answer again, long caller identities, and the races the
module's docstring promises to survive (a retry while the first request runs, a key
taken over when its lease ran out, released between a retry's insert and its read).

The ``things`` function of :mod:`test_idempotency` is used, with two more routes: one
without a body (``/things/{n}/approve``, as the voucher's ``refuse`` and ``revoke``) and
one with a plain-text body (``/notes``, as Open311's form-encoded reports).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import secrets
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, insert, update
from sqlalchemy.engine import Connection, Engine

from functions.runtime.idempotency import idempotency_keys, idempotent
from functions.runtime.limits import JsonRoute
from functions.runtime.problems import Problem
from tests.functions.runtime import test_idempotency as base
from tests.functions.runtime.test_idempotency import _count, _keys, _send, _token, things

pytestmark = pytest.mark.integration
extra = APIRouter(route_class=JsonRoute)
BAD_KEY = "Idempotency-Key 必须是 1 到 255 个可见 ASCII 字符。"
SHORT_ANONYMOUS_KEY = "未登录时 Idempotency-Key 至少要有 32 个字符，请每次新请求生成一个随机 UUID。"
OTHER_BODY = "这个 Idempotency-Key 已用于内容不同的请求；新的请求请换一个新的键。"


def busy(seconds: int) -> str:
    return f"同一个 Idempotency-Key 的请求正在处理，请在 {seconds} 秒后用同一个键重试。"


@extra.post("/things/{n}/approve", status_code=201)
async def approve(n: int, request: Request) -> Response:
    def create(conn: Connection) -> Response:
        new_id = conn.scalar(insert(things).values(name=f"approve {n}").returning(things.c.id))
        return JSONResponse({"id": new_id, "approved": n}, status_code=201)

    return await idempotent(request, create)


@extra.post("/notes", status_code=201)
async def note(request: Request) -> Response:
    text = (await request.body()).decode("utf-8")

    def create(conn: Connection) -> Response:
        new_id = conn.scalar(insert(things).values(name=text).returning(things.c.id))
        return JSONResponse({"id": new_id, "text": text}, status_code=201)

    return await idempotent(request, create)


def make_app(database_url: str, lease: float = 30.0) -> FastAPI:
    return base.thing_app(database_url, str(lease), extra=(extra,))


@pytest.fixture
def app(database_url: str) -> Iterator[FastAPI]:
    app = make_app(database_url)
    yield app
    app.state.runtime.dispose()


def post(app: FastAPI, path: str = "/things", **request: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.post(path, **request)

    return asyncio.run(go())


def thing(app: FastAPI, headers: dict[str, str], name: str = "甲") -> httpx.Response:
    return _send(app, {"json": {"name": name}, "headers": headers})[0]


def once(app: FastAPI, hook: Callable[[Connection], Any]) -> None:
    """Run ``hook`` in the next effect only (a retry sent from it runs no hook)."""
    def run(conn: Connection) -> Any:
        app.state.before_effect = None
        return hook(conn)
    app.state.before_effect = run


def problem(answer: httpx.Response, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = answer.json()
    assert body["status"] == status
    return body


# --- which keys a client may send ---------------------------------------------------------


@pytest.mark.parametrize("key", [b"", b"has space", b"tab\tkey", "中文键".encode(), b"a" * 256,
                                 b"del\x7f"])
def test_a_malformed_key_is_400_and_says_what_a_key_may_be(app: FastAPI, key: bytes) -> None:
    answer = thing(app, {"Idempotency-Key": key, **_token(app, "甲")})  # type: ignore[dict-item]
    body = problem(answer, 400)
    assert (body["title"], body["detail"]) == ("请求有误", BAD_KEY)
    assert _count(app) == 0 and _keys(app) == []


def test_keys_of_255_visible_characters_are_accepted(app: FastAPI) -> None:
    headers = {"Idempotency-Key": "~" + "a" * 253 + "!", **_token(app, "甲")}
    first, again = thing(app, headers), thing(app, headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true" and _count(app) == 1


@pytest.mark.parametrize(("length", "accepted"), [(31, False), (32, True)])
def test_an_anonymous_key_needs_32_characters(app: FastAPI, length: int, accepted: bool) -> None:
    answer = thing(app, {"Idempotency-Key": uuid.uuid4().hex[:length]})
    if accepted:
        assert answer.status_code == 201
        return
    body = problem(answer, 400)
    assert body["detail"] == SHORT_ANONYMOUS_KEY and body["min_length"] == 32
    assert _count(app) == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1,
                   max_size=255))
def test_every_key_of_visible_ascii_is_accepted_for_staff(app: FastAPI, key: str) -> None:
    headers = {"Idempotency-Key": key, **_token(app, "甲")}
    first = thing(app, headers, name=key)
    assert first.status_code == 201, first.text
    again = thing(app, headers, name=key)
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"


# --- what "the same request" is ----------------------------------------------------------


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.dictionaries(st.text(min_size=1, max_size=8).filter(lambda k: k != "name"),
                              st.integers() | st.text(max_size=8) | st.booleans(), max_size=4))
def test_a_retry_whose_json_differs_only_in_order_and_spacing_is_replayed(
        app: FastAPI, fields: dict[str, Any]) -> None:
    body = {"name": "甲", **fields}
    headers = {"Idempotency-Key": secrets.token_hex(8), **_token(app, "甲"),
               "Content-Type": "application/json"}
    compact = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    spaced = json.dumps(dict(reversed(list(body.items()))), indent=2)
    first = post(app, content=compact.encode(), headers=headers)
    again = post(app, content=spaced.encode(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true" and again.json() == first.json()


def test_the_same_key_on_another_path_is_another_request(app: FastAPI) -> None:
    """A citizen who refuses request 1 and then request 2 with one key is told, not ignored."""
    headers = {"Idempotency-Key": "approve", **_token(app, "甲")}
    first = post(app, "/things/1/approve", headers=headers)
    again = post(app, "/things/1/approve", headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true" and again.json() == first.json()
    other = post(app, "/things/2/approve", headers=headers)
    body = problem(other, 422)
    assert (body["title"], body["detail"]) == ("幂等键与请求内容不符", OTHER_BODY)
    assert _count(app) == 1


def test_a_body_that_is_not_json_is_compared_byte_for_byte(app: FastAPI) -> None:
    headers = {"Idempotency-Key": "note-1", **_token(app, "甲"), "Content-Type": "text/plain"}
    first = post(app, "/notes", content="路灯不亮".encode(), headers=headers)
    again = post(app, "/notes", content="路灯不亮".encode(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true" and again.json() == first.json()
    for other in ("路灯不亮 ", "路灯不亮了"):
        body = problem(post(app, "/notes", content=other.encode(), headers=headers), 422)
        assert body["detail"] == OTHER_BODY
    assert _count(app) == 1


# --- which answers are stored, and what a replay gives back ----------------------------


@pytest.mark.parametrize(("status", "stored"), [(200, True), (299, True), (300, False)])
def test_only_a_2xx_answer_is_stored(app: FastAPI, status: int, stored: bool) -> None:
    headers = {"Idempotency-Key": "k-1", **_token(app, "甲")}
    app.state.after_effect = lambda conn: JSONResponse({"status": status}, status_code=status)
    first = thing(app, headers)
    assert first.status_code == status
    app.state.after_effect = None
    again = thing(app, headers)
    if stored:
        assert again.status_code == status and again.json() == {"status": status}
        assert again.headers["idempotent-replayed"] == "true" and _count(app) == 1
    else:  # the first effect was rolled back, the key released: the retry runs
        assert again.status_code == 201 and "idempotent-replayed" not in again.headers
        assert _count(app) == 1


def test_a_replay_has_the_first_answers_content_type(app: FastAPI) -> None:
    """Open311 answers XML: a retried report must not come back labelled JSON."""
    headers = {"Idempotency-Key": "k-1", **_token(app, "甲")}
    app.state.after_effect = lambda conn: Response(
        "<ok/>", status_code=201, media_type="application/xml", headers={"Location": "r/1"})
    first = thing(app, headers)
    app.state.after_effect = None
    again = thing(app, headers)
    assert again.headers["content-type"] == first.headers["content-type"] == "application/xml"
    assert again.text == "<ok/>" and again.headers["location"] == "r/1"


@pytest.mark.parametrize("status", [201, 204])
def test_a_replay_of_an_answer_without_a_body_has_no_content_type_either(
        app: FastAPI, status: int) -> None:
    """A client that parses JSON when told so must not fail on the retry only."""
    headers = {"Idempotency-Key": "k-1", **_token(app, "甲")}
    app.state.after_effect = lambda conn: Response(status_code=status,
                                                   headers={"Location": "things/1"})
    first = thing(app, headers)
    app.state.after_effect = None
    again = thing(app, headers)
    assert again.headers["idempotent-replayed"] == "true"
    assert (again.status_code, again.content, again.headers["location"]) == (
        first.status_code, b"", "things/1")
    assert "content-type" not in first.headers and "content-type" not in again.headers


# --- whose key it is ---------------------------------------------------------------------


def test_a_caller_of_80_characters_is_kept_and_a_longer_one_is_hashed(app: FastAPI) -> None:
    """The column holds 80 characters; a longer identity (an OIDC subject and issuer) is
    stored as its digest, so it still replays and is still told apart from its prefix."""
    exact, longer = "subject:" + "a" * 72, "subject:" + "a" * 72 + "b"
    token = _token(app, "甲")
    for caller in (exact, longer):
        headers = {"Idempotency-Key": "k-1", "X-Test-Caller": caller, **token}
        first, again = thing(app, headers), thing(app, headers)
        assert first.status_code == again.status_code == 201
        assert "idempotent-replayed" not in first.headers
        assert again.headers["idempotent-replayed"] == "true"
    digest = "sha256:" + hashlib.sha256(longer.encode("utf-8")).hexdigest()
    assert sorted(k["caller"] for k in _keys(app)) == sorted([exact, digest])
    assert _count(app) == 2


# --- races ---------------------------------------------------------------------------


def test_a_retry_while_the_first_request_runs_is_told_to_wait_the_lease(app: FastAPI) -> None:
    headers = {"Idempotency-Key": "k-1", **_token(app, "甲")}
    retries: list[Any] = []
    once(app, lambda conn: retries.append(thing(app, headers)))
    first = thing(app, headers)
    assert first.status_code == 201 and "idempotent-replayed" not in first.headers
    body = problem(retries[0], 409)
    assert retries[0].headers["retry-after"] == "30"
    assert (body["title"], body["detail"]) == ("请求冲突", busy(30))
    assert _count(app) == 1


def test_a_lease_shorter_than_a_second_still_holds_the_key(database_url: str) -> None:
    app = make_app(database_url, lease=0.5)
    try:
        headers = {"Idempotency-Key": "k-1", **_token(app, "甲")}
        retries: list[Any] = []
        once(app, lambda conn: retries.append(thing(app, headers)))
        first = thing(app, headers)
        assert first.status_code == 201
        problem(retries[0], 409)
        assert retries[0].headers["retry-after"] == "1" and _count(app) == 1
    finally:
        app.state.runtime.dispose()


def _set_key(app: FastAPI, **values: Any) -> None:
    with app.state.runtime.engine.begin() as conn:
        conn.execute(update(idempotency_keys).values(**values))


def _crashed(app: FastAPI, lease_left: float) -> None:
    """The key as a process that died mid-request leaves it; its effect never committed."""
    with app.state.runtime.engine.begin() as conn:
        conn.execute(things.delete())
    _set_key(app, state="in_flight", status=None, body=None, lease_id="0" * 32,
             lease_until=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=lease_left))


def _expire_lease(app: FastAPI) -> None:
    with app.state.runtime.engine.begin() as conn:
        conn.execute(update(idempotency_keys).values(
            lease_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))


def test_a_key_taken_over_is_held_for_a_new_lease(app: FastAPI) -> None:
    """The retry that took over a crashed request's key is not itself taken over."""
    headers = {"Idempotency-Key": "k-1", **_token(app, "甲")}
    thing(app, headers)
    _crashed(app, lease_left=-1)
    retries: list[Any] = []
    once(app, lambda conn: retries.append(thing(app, headers)))
    taken = thing(app, headers)
    assert taken.status_code == 201 and "idempotent-replayed" not in taken.headers
    assert problem(retries[0], 409)["detail"] == busy(30)
    assert _count(app) == 1


def test_a_request_that_outlived_its_lease_and_failed_leaves_its_retrys_answer(
        app: FastAPI) -> None:
    """A slow first attempt loses its key to a retry, which succeeds; when the slow one
    then fails, it must not release the key the retry completed: a third send replays."""
    headers = {"Idempotency-Key": "k-1", **_token(app, "甲")}
    retries: list[Any] = []

    def slow_then_failing(conn: Connection) -> None:
        _expire_lease(app)
        retries.append(thing(app, headers))
        raise Problem(503, "暂时无法处理，请稍后重试。")

    once(app, slow_then_failing)
    assert thing(app, headers).status_code == 503
    assert retries[0].status_code == 201
    third = thing(app, headers)
    assert third.headers["idempotent-replayed"] == "true"
    assert third.json() == retries[0].json() and _count(app) == 1


def _on_statement(engine: Engine, starts: str, action: Callable[[], None]) -> Callable[[], None]:
    """Run ``action`` (on another connection) just before a statement starting ``starts``."""
    running: list[bool] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith(starts) and not running:  # not the action's own statement
            running.append(True)
            try:
                action()
            finally:
                running.clear()
    event.listen(engine, "before_cursor_execute", before)
    return lambda: event.remove(engine, "before_cursor_execute", before)


def test_a_retry_that_loses_the_takeover_to_another_is_told_to_wait(app: FastAPI) -> None:
    """Two retries find a crashed request's key; the other one takes it first."""
    headers = {"Idempotency-Key": "k-1", **_token(app, "甲")}
    thing(app, headers)
    _crashed(app, lease_left=-1)
    fired: list[bool] = []

    def other_retry_takes_it() -> None:
        if not fired:
            fired.append(True)
            _set_key(app, lease_id="b" * 32,
                     lease_until=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=20))

    remove = _on_statement(app.state.runtime.engine, "UPDATE idempotency_keys SET lease_id=",
                           other_retry_takes_it)
    try:
        lost = thing(app, headers)
    finally:
        remove()
    assert problem(lost, 409)["detail"] == busy(20) and lost.headers["retry-after"] == "20"
    assert _count(app) == 0 and _keys(app)[0]["lease_id"] == "b" * 32


def test_a_key_every_retry_keeps_taking_over_is_409_retry_after_1(app: FastAPI) -> None:
    headers = {"Idempotency-Key": "k-1", **_token(app, "甲")}
    thing(app, headers)
    _crashed(app, lease_left=-1)
    remove = _on_statement(app.state.runtime.engine, "UPDATE idempotency_keys SET lease_id=",
                           lambda: _set_key(app, lease_id=secrets.token_hex(16)))
    try:
        lost = thing(app, headers)
    finally:
        remove()
    assert problem(lost, 409)["detail"] == busy(1) and lost.headers["retry-after"] == "1"
    assert _count(app) == 0


def test_a_key_released_between_the_retrys_insert_and_read_is_taken(app: FastAPI) -> None:
    """The request holding the key fails just as the retry arrives: the retry runs."""
    headers = {"Idempotency-Key": "k-1", **_token(app, "甲")}
    thing(app, headers)
    _crashed(app, lease_left=20)
    fired: list[bool] = []

    def holder_fails() -> None:
        if not fired:
            fired.append(True)
            with app.state.runtime.engine.begin() as conn:
                conn.execute(idempotency_keys.delete())

    remove = _on_statement(app.state.runtime.engine, "SELECT idempotency_keys.", holder_fails)
    try:
        retried = thing(app, headers)
    finally:
        remove()
    assert fired and retried.status_code == 201, retried.text
    assert "idempotent-replayed" not in retried.headers and _count(app) == 1
