"""Twenty submissions at once for one subject and policy, each with its own key, over a
real server on loopback: exactly one application and exactly one payment instruction."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import httpx
import pytest
from apply_testlib import AGED_90, ELDERLY, Clock, china
from conftest import REGISTRY
from sqlalchemy import func, select

from functions.apply.app import create_app
from functions.apply.config import ApplySettings
from functions.apply.store import applications, events, payments
from functions.runtime import audit, auth
from functions.runtime.settings import Settings
from tests.portal_server import Serving

pytestmark = pytest.mark.integration
CLIENTS = 20


def test_concurrent_submissions_make_one_application_and_one_instruction(
        database_url: str, demo_site: Path, tmp_path: Path) -> None:
    settings = Settings(database_url=database_url, rate_limit=0,
                        audit_heads_file=tmp_path / "heads.jsonl",
                        audit_key_file=tmp_path / "audit.key")
    app = create_app(settings, apply_settings=ApplySettings(site_dir=demo_site,
                                                            registry_dir=REGISTRY),
                     clock=Clock(china(2026, 12, 7)))
    engine = app.state.runtime.engine
    token = auth.create_token(engine, "江秀英", ["applicant"], subject=AGED_90)
    barrier = threading.Barrier(CLIENTS)
    answers: list[httpx.Response] = []
    lock = threading.Lock()

    def submit(url: str) -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            barrier.wait()
            answer = client.post("/applications", json={"policy": ELDERLY, "materials": []},
                                 headers={"Authorization": f"Bearer {token}",
                                          "Idempotency-Key": str(uuid.uuid4())})
        with lock:
            answers.append(answer)

    with Serving(app) as server:
        threads = [threading.Thread(target=submit, args=(server.url,)) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [409] * (CLIENTS - 1), [a.text for a in answers if a.status_code >= 500]
    winner = next(a.json() for a in answers if a.status_code == 201)
    assert {a.json()["application"] for a in answers if a.status_code == 409} == {winner["id"]}
    assert {a.json()["reason"] for a in answers if a.status_code == 409} == {"duplicate"}
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(applications)) == 1
        assert conn.scalar(select(func.count()).select_from(payments)) == 1
        assert conn.scalar(select(func.count()).select_from(events)) == 1
    created = [e for e in audit.entries(engine, function="apply")
               if e["action"] == "application.create"]
    assert len(created) == 1
    app.state.runtime.dispose()
