"""Idempotency-Key as payment APIs do it, on SQLite and PostgreSQL.

A test-only function, ``things``, creates one row per request through
:func:`idempotent`; hooks on its app run code just before or just after the effect (in
the effect's transaction, in the worker thread), to fail, to take the key away, or to
kill the whole server process before the commit.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, update
from sqlalchemy.engine import Connection

from functions.runtime import auth
from functions.runtime.db import Migration, create_tables, make_engine
from functions.runtime.factory import create_function_app
from functions.runtime.idempotency import idempotency_keys, idempotent
from functions.runtime.limits import JsonRoute
from functions.runtime.problems import Problem
from functions.runtime.settings import Settings
from tests.functions.runtime.server_process import ServerProcess

pytestmark = pytest.mark.integration
things = Table("test_things", MetaData(),
               Column("id", Integer, primary_key=True, autoincrement=True),
               Column("name", String(200), nullable=False))
router = APIRouter(route_class=JsonRoute)
Hook = Callable[[Connection], Any]


class ThingIn(BaseModel):
    name: str


@router.post("/things", status_code=201)
async def create_thing(body: ThingIn, request: Request) -> Response:
    state = request.app.state

    def create(conn: Connection) -> Response:
        if state.before_effect:
            state.before_effect(conn)
        new_id = conn.scalar(insert(things).values(name=body.name).returning(things.c.id))
        if state.after_effect and (answer := state.after_effect(conn)) is not None:
            return answer  # type: ignore[no-any-return]
        return JSONResponse({"id": new_id, "name": body.name}, status_code=201,
                            headers={"Location": f"things/{new_id}"})

    return await idempotent(request, create, caller=request.headers.get("x-test-caller"))


def _kill_before_commit(conn: Connection) -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # the effect is written, the transaction open


def thing_app(database_url: str, lease: str = "30", crash: str = "",
              extra: tuple[APIRouter, ...] = ()) -> FastAPI:
    """The ``things`` function; with ``crash``, every effect kills the process uncommitted;
    ``extra`` routers beside its own."""
    settings = Settings(database_url=database_url, rate_limit=0,
                        idempotency_lease=float(lease))
    app = create_function_app(name="things", title="测试", description="测试", version="1",
                              routers=[router, *extra], settings=settings,
                              migrations=[Migration("0001-things", create_tables(things))])
    app.state.before_effect = None
    app.state.after_effect = _kill_before_commit if crash else None
    return app


@pytest.fixture
def app(database_url: str) -> Iterator[FastAPI]:
    app = thing_app(database_url)
    yield app
    app.state.runtime.dispose()


def _send(app: FastAPI, *requests: dict[str, Any]) -> list[httpx.Response]:
    """Send the requests concurrently (``json`` and ``headers`` of each)."""
    async def go() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return list(await asyncio.gather(*(client.post("/things", **r) for r in requests)))
    return asyncio.run(go())


def _count(app: FastAPI) -> int:
    with app.state.runtime.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(things)) or 0)


def _keys(app: FastAPI) -> list[dict[str, Any]]:
    with app.state.runtime.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(idempotency_keys)).mappings()]


def _token(app: FastAPI, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {auth.create_token(app.state.runtime.engine, name, ['admin'])}"}


def test_keys_belong_to_their_caller(app: FastAPI) -> None:
    """Two staff members who happen to pick the same key get their own results."""
    key = {"Idempotency-Key": "publish-2024-06-01"}
    (first,) = _send(app, {"json": {"name": "甲"}, "headers": {**key, **_token(app, "甲")}})
    (second,) = _send(app, {"json": {"name": "甲"}, "headers": {**key, **_token(app, "乙")}})
    assert first.status_code == second.status_code == 201
    assert "idempotent-replayed" not in second.headers
    assert first.json()["id"] != second.json()["id"] and _count(app) == 2


def test_a_route_may_name_the_caller_itself(app: FastAPI) -> None:
    """One citizen signing in twice (two ID tokens) is one caller when the route says so."""
    first, again = (_send(app, {"json": {"name": "甲"}, "headers": {
        "Idempotency-Key": "k-1", "X-Test-Caller": "subject:citizen-1", **_token(app, name)}})[0]
        for name in ("第一次登录", "第二次登录"))
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true" and _count(app) == 1


def test_the_same_key_replays_and_another_body_is_refused(app: FastAPI) -> None:
    headers = {"Idempotency-Key": "k-1", **_token(app, "甲")}
    first, again = (_send(app, {"json": {"name": "甲"}, "headers": headers})[0] for _ in range(2))
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["location"] == first.headers["location"]
    (other,) = _send(app, {"json": {"name": "乙"}, "headers": headers})
    assert other.status_code == 422 and other.json()["title"] == "幂等键与请求内容不符"
    assert _count(app) == 1


def test_anonymous_keys_must_be_long_and_are_apart_from_every_token(app: FastAPI) -> None:
    (short,) = _send(app, {"json": {"name": "甲"}, "headers": {"Idempotency-Key": "k-1"}})
    assert short.status_code == 400 and "32" in short.json()["detail"]
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first, again = (_send(app, {"json": {"name": "甲"}, "headers": key})[0] for _ in range(2))
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    (staff,) = _send(app, {"json": {"name": "甲"}, "headers": {**key, **_token(app, "甲")}})
    assert staff.status_code == 201 and "idempotent-replayed" not in staff.headers
    assert _count(app) == 2


def test_concurrent_requests_with_one_key_have_one_effect(app: FastAPI) -> None:
    app.state.before_effect = lambda conn: time.sleep(0.3)  # keep the first one in flight
    headers = {"Idempotency-Key": "k-1", **_token(app, "甲")}
    answers = _send(app, *[{"json": {"name": "甲"}, "headers": headers}] * 6)
    assert _count(app) == 1
    assert sorted({a.status_code for a in answers}) in ([201], [201, 409])
    created = [a for a in answers if a.status_code == 201]
    assert len({a.json()["id"] for a in created}) == 1
    assert sum("idempotent-replayed" not in a.headers for a in created) == 1
    for busy in (a for a in answers if a.status_code == 409):
        assert int(busy.headers["retry-after"]) >= 1


def _fail_with_503(conn: Connection) -> None:
    raise Problem(503, "暂时无法处理，请稍后重试。")


@pytest.mark.parametrize("failure", [
    _fail_with_503, lambda conn: JSONResponse({"detail": "冲突"}, status_code=409),
])
def test_a_failed_request_stores_nothing_and_its_key_can_be_retried(
        app: FastAPI, failure: Hook) -> None:
    headers = {"Idempotency-Key": "k-1", **_token(app, "甲")}
    app.state.after_effect = failure
    (failed,) = _send(app, {"json": {"name": "甲"}, "headers": headers})
    assert failed.status_code in (503, 409)
    assert _count(app) == 0 and _keys(app) == []
    app.state.after_effect = None
    (retried,) = _send(app, {"json": {"name": "甲"}, "headers": headers})
    assert retried.status_code == 201 and "idempotent-replayed" not in retried.headers
    assert _count(app) == 1


def _hold_key(app: FastAPI, headers: dict[str, str], seconds: float) -> None:
    """Send once so the key row exists, then put it back in flight for ``seconds``."""
    with app.state.runtime.engine.begin() as conn:
        conn.execute(update(idempotency_keys).values(
            state="in_flight", lease_id="0" * 32, status=None, body=None,
            lease_until=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)))
        conn.execute(things.delete())


def test_a_key_left_in_flight_is_409_during_its_lease_then_reclaimed(app: FastAPI) -> None:
    headers = {"Idempotency-Key": "k-1", **_token(app, "甲")}
    _send(app, {"json": {"name": "甲"}, "headers": headers})
    _hold_key(app, headers, 9.5)  # as a crashed process leaves it
    (busy,) = _send(app, {"json": {"name": "甲"}, "headers": headers})
    assert busy.status_code == 409 and busy.headers["retry-after"] == "10"
    _hold_key(app, headers, -1)  # the lease is over
    (taken,) = _send(app, {"json": {"name": "甲"}, "headers": headers})
    assert taken.status_code == 201 and "idempotent-replayed" not in taken.headers
    assert _count(app) == 1 and _keys(app)[0]["state"] == "done"


def test_a_request_that_outlived_its_lease_commits_nothing(app: FastAPI) -> None:
    """A retry took the key while this request was still running: its effect is undone."""
    def taken_over(conn: Connection) -> None:
        with app.state.runtime.engine.begin() as other:
            other.execute(update(idempotency_keys).values(lease_id="f" * 32))

    app.state.before_effect = taken_over
    headers = {"Idempotency-Key": "k-1", **_token(app, "甲")}
    (late,) = _send(app, {"json": {"name": "甲"}, "headers": headers})
    assert late.status_code == 409 and int(late.headers["retry-after"]) >= 1
    assert _count(app) == 0 and _keys(app)[0]["lease_id"] == "f" * 32


def test_a_crash_between_the_effect_and_the_commit(database_url: str) -> None:
    """The server is killed (SIGKILL) with the effect written and the transaction open;
    restarted, a retry with the same key waits out the lease, then creates exactly one
    thing, and the stored response replays afterwards."""
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    body = {"name": "补贴申请"}
    target = "tests.functions.runtime.test_idempotency:thing_app"
    crashing = ServerProcess(target, database_url, "3", "crash").start()
    with pytest.raises(httpx.TransportError):  # the connection dies with the process
        httpx.post(crashing.url + "/things", json=body, headers=headers, timeout=30)
    assert crashing.wait_killed() == -signal.SIGKILL
    engine = make_engine(database_url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(things)) == 0
        assert conn.scalar(select(idempotency_keys.c.state)) == "in_flight"

    with ServerProcess(target, database_url, "3") as server:
        answers = []
        for _ in range(10):
            answer = httpx.post(server.url + "/things", json=body, headers=headers, timeout=30)
            answers.append(answer.status_code)
            if answer.status_code != 409:
                break
            time.sleep(int(answer.headers["retry-after"]))  # never 0: no busy loop
        assert answers[-1] == 201 and set(answers[:-1]) <= {409}
        replay = httpx.post(server.url + "/things", json=body, headers=headers, timeout=30)
        assert replay.status_code == 201 and replay.json() == answer.json()
        assert replay.headers["idempotent-replayed"] == "true"
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(things)) == 1
    engine.dispose()
