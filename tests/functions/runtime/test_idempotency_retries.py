"""Retries with the same Idempotency-Key after a failure, and keys after their day.

The second paths of :mod:`functions.runtime.idempotency`: a request that failed is
corrected and sent again with its key; another caller's failure must not lose anyone
else's stored answer; a stored answer is replayed for a day, not forever.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import update

from functions.runtime.idempotency import idempotency_keys
from tests.functions.runtime.test_idempotency import _count, _keys, _send, _token, thing_app

pytestmark = pytest.mark.integration


@pytest.fixture
def app(database_url: str) -> Iterator[FastAPI]:
    app = thing_app(database_url)
    yield app
    app.state.runtime.dispose()


def test_a_refused_request_corrected_and_sent_again_with_its_key_goes_through(
        app: FastAPI) -> None:
    """The citizen fixes the form and presses 提交 again: same key, another body."""
    headers = {"Idempotency-Key": "apply-1", **_token(app, "甲")}
    app.state.after_effect = lambda conn: JSONResponse({"detail": "名称不能为空"}, status_code=422)
    (refused,) = _send(app, {"json": {"name": " "}, "headers": headers})
    assert refused.status_code == 422
    app.state.after_effect = None
    (corrected,) = _send(app, {"json": {"name": "张三"}, "headers": headers})
    assert corrected.status_code == 201, corrected.text
    assert corrected.json()["name"] == "张三" and "idempotent-replayed" not in corrected.headers
    (again,) = _send(app, {"json": {"name": "张三"}, "headers": headers})
    assert again.headers["idempotent-replayed"] == "true" and _count(app) == 1


def test_one_callers_failure_leaves_every_other_stored_answer(app: FastAPI) -> None:
    done = {"Idempotency-Key": "k-1", **_token(app, "甲")}
    (first,) = _send(app, {"json": {"name": "甲"}, "headers": done})
    app.state.after_effect = lambda conn: JSONResponse({"detail": "冲突"}, status_code=409)
    for headers in ({"Idempotency-Key": "k-2", **_token(app, "甲")},
                    {"Idempotency-Key": "k-1", **_token(app, "乙")}):
        (failed,) = _send(app, {"json": {"name": "乙"}, "headers": headers})
        assert failed.status_code == 409
    app.state.after_effect = None
    (again,) = _send(app, {"json": {"name": "甲"}, "headers": done})
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json() and _count(app) == 1


def _age(app: FastAPI, key: str, hours: float) -> None:
    with app.state.runtime.engine.begin() as conn:
        conn.execute(update(idempotency_keys).where(idempotency_keys.c.key == key).values(
            created_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)))


@pytest.mark.parametrize(("hours", "replayed"), [(23.9, True), (24.1, False)])
def test_a_stored_answer_is_replayed_for_a_day_and_not_after(
        app: FastAPI, hours: float, replayed: bool) -> None:
    headers = {"Idempotency-Key": "k-1", **_token(app, "甲")}
    _send(app, {"json": {"name": "甲"}, "headers": headers})
    _age(app, "k-1", hours)
    (again,) = _send(app, {"json": {"name": "甲"}, "headers": headers})
    assert again.status_code == 201
    assert ("idempotent-replayed" in again.headers) is replayed
    assert _count(app) == (1 if replayed else 2)


def test_a_new_key_sweeps_only_the_expired_ones(app: FastAPI) -> None:
    token = _token(app, "甲")
    for key in ("old", "recent"):
        _send(app, {"json": {"name": key}, "headers": {"Idempotency-Key": key, **token}})
    _age(app, "old", 25)
    _age(app, "recent", 23)
    _send(app, {"json": {"name": "new"}, "headers": {"Idempotency-Key": "new", **token}})
    assert sorted(k["key"] for k in _keys(app)) == ["new", "recent"]
