"""A server killed (SIGKILL) in the middle of a decision leaves the old state or the new one:
never a payment instruction without its approval, never an approval without its instruction.

The server is a real uvicorn process (``crash_server.py``) that stops inside the decision's
transaction at a chosen point; the test kills it there, checks the database, then starts
a fresh server and retries with the same Idempotency-Key.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from apply_testlib import AGED_90, ELDERLY, HITECH, RD, engine_for
from conftest import REGISTRY
from sqlalchemy import select
from sqlalchemy.engine import Engine

from functions.apply.store import applications, payments
from functions.runtime import auth
from tests.portal_server import free_port

pytestmark = pytest.mark.integration
SCRIPT = Path(__file__).with_name("crash_server.py")
ROOT = Path(__file__).resolve().parents[3]


class Server:
    """``crash_server.py`` in a process of its own, pausing at ``point``."""

    def __init__(self, env: dict[str, str], point: str, marker: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, str(SCRIPT), str(self.port), point, str(marker)],
            cwd=ROOT, env={**os.environ, **env, "PYTHONPATH": str(ROOT)})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/openapi.json", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError("the applications server did not start")

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


@pytest.fixture
def env(database_url: str, demo_site: Path, tmp_path: Path) -> Iterator[dict[str, str]]:
    engine_for(database_url, demo_site).dispose()
    yield {"DATABASE_URL": database_url, "TONGDA_SITE_DIR": str(demo_site),
           "TONGDA_REGISTRY_DIR": str(REGISTRY), "TONGDA_VAR_DIR": str(tmp_path / "var"),
           "TONGDA_IDEMPOTENCY_LEASE": "1", "TONGDA_RATE_LIMIT": "0/60"}


def state(engine: Engine) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Applications and payment instructions, checked never to contradict each other."""
    with engine.connect() as conn:
        apps = [dict(r) for r in conn.execute(select(applications)).mappings()]
        paid = [dict(r) for r in conn.execute(select(payments)).mappings()]
    approved = {a["id"] for a in apps if a["status"] == "approved" and a["amount_fen"]}
    instructed = [p["application_id"] for p in paid]
    assert sorted(instructed) == sorted(approved), "an approval and its instruction go together"
    return apps, paid


def post_in_background(url: str, path: str, body: dict[str, Any], headers: dict[str, str]) -> None:
    def send() -> None:
        with contextlib.suppress(httpx.TransportError):  # the server is killed under it
            httpx.post(url + path, json=body, headers=headers, timeout=120)
    threading.Thread(target=send, daemon=True).start()


def wait_for(marker: Path) -> None:
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert time.monotonic() < deadline, "the server never reached the pause"
        time.sleep(0.05)


def retry(url: str, path: str, body: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
    """Retry as a client does: the killed request's key is free once its lease is over."""
    deadline = time.monotonic() + 60
    while True:
        answer = httpx.post(url + path, json=body, headers=headers, timeout=60)
        if answer.status_code != 409 or answer.json().get("reason") or time.monotonic() > deadline:
            return answer
        time.sleep(0.5)


@pytest.mark.parametrize("point", ["before-payment", "after-payment"])
def test_killed_during_instant_approval_leaves_nothing_then_the_retry_pays_once(
        env: dict[str, str], database_url: str, tmp_path: Path, point: str) -> None:
    engine = engine_for(database_url, Path(env["TONGDA_SITE_DIR"]))
    token = auth.create_token(engine, "江秀英", ["applicant"], subject=AGED_90)
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
    body = {"policy": ELDERLY, "materials": ["本人社会保障卡"]}
    marker = tmp_path / "paused"
    server = Server(env, point, marker)
    try:
        post_in_background(server.url, "/applications", body, headers)
        wait_for(marker)
    finally:
        server.kill()
    assert state(engine) == ([], [])  # the old state: nothing
    fresh = Server(env, "none", marker)
    try:
        answer = retry(fresh.url, "/applications", body, headers)
    finally:
        fresh.kill()
    assert answer.status_code == 201, answer.text
    apps, paid = state(engine)
    assert [(a["status"], a["amount_fen"]) for a in apps] == [("approved", 20000)]
    assert [p["application_id"] for p in paid] == [answer.json()["id"]]
    engine.dispose()


def test_killed_during_a_reviewers_approval_leaves_it_pending_then_pays_once(
        env: dict[str, str], database_url: str, tmp_path: Path) -> None:
    engine = engine_for(database_url, Path(env["TONGDA_SITE_DIR"]))
    applicant = auth.create_token(engine, "澜舟", ["applicant"], subject=HITECH)
    reviewer = auth.create_token(engine, "审核员甲", ["reviewer"])
    marker = tmp_path / "paused"
    server = Server(env, "before-payment", marker)
    try:
        pending = httpx.post(f"{server.url}/applications", timeout=60, json={
            "policy": RD, "facts": {"rd_spend": 100000000}}, headers={
            "Authorization": f"Bearer {applicant}", "Idempotency-Key": str(uuid.uuid4())})
        assert pending.status_code == 201 and pending.json()["status"] == "pending"
        path = f"/applications/{pending.json()['id']}/decision"
        decision = {"decision": "approve", "reason": "专项审计报告核实无误"}
        headers = {"Authorization": f"Bearer {reviewer}", "Idempotency-Key": str(uuid.uuid4())}
        post_in_background(server.url, path, decision, headers)
        wait_for(marker)
    finally:
        server.kill()
    apps, paid = state(engine)
    assert [a["status"] for a in apps] == ["pending"] and paid == []
    fresh = Server(env, "none", marker)
    try:
        answer = retry(fresh.url, path, decision, headers)
    finally:
        fresh.kill()
    assert answer.status_code == 200, answer.text
    apps, paid = state(engine)
    assert [a["status"] for a in apps] == ["approved"] and len(paid) == 1
    engine.dispose()
