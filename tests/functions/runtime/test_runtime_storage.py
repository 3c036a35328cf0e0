"""Storage behaviours on SQLite and on a real PostgreSQL cluster."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, select, text
from sqlalchemy.exc import DBAPIError

from functions.match.app import create_app
from functions.runtime import audit, auth
from functions.runtime.clients import token_id
from functions.runtime.db import Migration, make_engine, migrate
from functions.runtime.idempotency import idempotency_keys
from functions.runtime.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture
def client(database_url: str) -> Any:
    app = create_app(Settings(database_url=database_url))
    with TestClient(app) as c:
        yield c
    app.state.runtime.dispose()


@pytest.fixture
def publisher(client: Any) -> dict[str, str]:
    token = auth.create_token(client.app.state.runtime.engine, "李工", ["match:publish"])
    return {"Authorization": f"Bearer {token}"}


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Any) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'var' / 'x.sqlite3'}")
    with engine.connect() as conn:
        assert conn.scalar(text("PRAGMA journal_mode")) == "wal"
        assert conn.scalar(text("PRAGMA foreign_keys")) == 1
    assert (tmp_path / "var" / "x.sqlite3").exists()


def test_migrations_run_once_and_in_order(database_url: str) -> None:
    engine = make_engine(database_url)
    calls: list[str] = []
    steps = [Migration("0001", lambda c: calls.append("a")),
             Migration("0002", lambda c: calls.append("b"))]
    assert migrate(engine, "demo", steps) == ["0001", "0002"]
    assert migrate(engine, "demo", steps) == []
    assert calls == ["a", "b"]
    engine.dispose()


def test_audit_log_refuses_updates_and_deletes(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine, "runtime", audit.MIGRATIONS)
    with engine.begin() as conn:
        for n in range(3):
            audit.append(conn, actor="staff:a", function="demo", action="thing.create",
                         target=f"thing/{n}", detail={"n": n})
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    result = audit.verify(engine)  # no heads file here: intact, but nothing anchors it
    assert result.ok and result.kinds() == {"unsigned"}
    assert [e["target"] for e in audit.entries(engine, function="demo")] == \
        ["thing/0", "thing/1", "thing/2"]
    engine.dispose()


def test_audit_chain_detects_a_row_changed_behind_its_back(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine, "runtime", audit.MIGRATIONS)
    with engine.begin() as conn:
        for n in range(3):
            audit.append(conn, actor="staff:a", function="demo", action="x", target=str(n))
    with engine.begin() as conn:  # someone with database access removes the guard
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))
        conn.execute(text("UPDATE audit_log SET target = 'forged' WHERE id = 2"))
    result = audit.verify(engine)
    assert [(f.kind, f.seq) for f in result.errors] == [("edited", 2)]
    engine.dispose()


def test_publishing_needs_a_token_with_the_role(client: Any, ruleset: dict[str, Any]) -> None:
    engine = client.app.state.runtime.engine
    assert client.post("/rulesets", json=ruleset).status_code == 401
    reader = auth.create_token(engine, "王审计", ["audit:read"])
    denied = client.post("/rulesets", json=ruleset, headers={"Authorization": f"Bearer {reader}"})
    assert denied.status_code == 403
    assert denied.headers["content-type"] == "application/problem+json"
    assert "match:publish" in denied.json()["detail"]
    admin = auth.create_token(engine, "管理员", ["admin"])
    assert client.post("/rulesets", json=ruleset,
                       headers={"Authorization": f"Bearer {admin}"}).status_code == 201
    auth.revoke_token(engine, admin)
    assert client.post("/rulesets", json=ruleset,
                       headers={"Authorization": f"Bearer {admin}"}).status_code == 401


def test_idempotency_key_replays_conflicts_and_refuses_other_bodies(
        client: Any, publisher: dict[str, str], ruleset: dict[str, Any]) -> None:
    headers = {**publisher, "Idempotency-Key": "publish-2024-06-01"}
    first = client.post("/rulesets", json=ruleset, headers=headers)
    again = client.post("/rulesets", json=ruleset, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert client.get("/rulesets/current").json()["revision"] == first.json()["revision"]

    other = {**ruleset, "policies": ruleset["policies"][:1]}
    refused = client.post("/rulesets", json=other, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["title"] == "幂等键与请求内容不符"

    engine = client.app.state.runtime.engine
    with engine.begin() as conn:  # a request with this key is still being processed
        conn.execute(insert(idempotency_keys).values(
            function="match", caller=f"token:{token_id(publisher['Authorization'])}",
            key="busy", request_hash="0" * 64, state="in_flight", lease_id="0" * 32,
            lease_until=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1),
            created_at=dt.datetime.now(dt.UTC)))
    busy = client.post("/rulesets", json=ruleset, headers={**publisher, "Idempotency-Key": "busy"})
    assert busy.status_code in (409, 422)
    with engine.begin() as conn:
        conn.execute(idempotency_keys.update().where(idempotency_keys.c.key == "busy").values(
            request_hash=_hash_of(client, ruleset)))
    busy = client.post("/rulesets", json=ruleset, headers={**publisher, "Idempotency-Key": "busy"})
    assert busy.status_code == 409


def _hash_of(client: Any, body: dict[str, Any]) -> str:
    import hashlib
    import json

    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(b"POST /rulesets\n" + canonical).hexdigest()


def test_every_publish_is_audited(client: Any, publisher: dict[str, str],
                                  ruleset: dict[str, Any]) -> None:
    client.post("/rulesets", json=ruleset, headers=publisher)
    engine = client.app.state.runtime.engine
    auditor = auth.create_token(engine, "王审计", ["audit:read"])
    entries = client.get("/audit", headers={"Authorization": f"Bearer {auditor}"}).json()
    li = next(t for t in auth.list_tokens(engine) if t.name == "李工")
    assert [(e["action"], e["actor"]) for e in entries] == [
        ("ruleset.publish", f"token:{li.id}:李工")]
    with engine.connect() as conn:
        assert conn.scalar(select(audit.audit_log.c.function).where(
            audit.audit_log.c.action == "ruleset.publish")) == "match"


def test_bad_rules_are_not_published(client: Any, publisher: dict[str, str],
                                     ruleset: dict[str, Any]) -> None:
    bad = json_copy(ruleset)
    bad["policies"][0]["eligibility"][0]["logic"] = {">=": [{"var": "revenu"}, 1]}
    response = client.post("/rulesets", json=bad, headers=publisher)
    assert response.status_code == 422
    assert "revenu" in response.json()["detail"]
    assert client.get("/rulesets/current").status_code == 503


def json_copy(value: Any) -> Any:
    import json

    return json.loads(json.dumps(value))
