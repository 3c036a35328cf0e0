"""Staff tokens: made, listed and revoked from the command line; expiry; declared roles."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine

from functions.match.app import create_app
from functions.runtime import audit, auth, cli, roles
from functions.runtime.db import make_engine, migrate
from functions.runtime.problems import Problem
from functions.runtime.settings import Settings

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]
PROBLEM = "application/problem+json"


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=database_url,
                              audit_heads_file=tmp_path / "var" / "audit-heads.jsonl",
                              audit_key_file=tmp_path / "var" / "audit-signing.key"))
    with TestClient(app) as c:
        yield c
    app.state.runtime.dispose()


def tongda(url: str, *args: str) -> Result:
    return CliRunner().invoke(cli.main, [*args, "--database-url", url])


def created(result: Result) -> tuple[str, str]:
    """The id and the token ``token create`` printed."""
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    token_id = lines[0].split("已创建令牌 ")[1].split("（")[0]
    return token_id, lines[-1]


def bearer(token: str, scheme: str = "Bearer") -> dict[str, str]:
    return {"Authorization": f"{scheme} {token}"}


def test_token_create_prints_it_once_and_list_never_shows_it(database_url: str) -> None:
    token_id, token = created(tongda(database_url, "token", "create", "李工", "--role",
                                     "match:publish", "--role", "audit:read", "--subject",
                                     "E1024", "--expires", "30"))
    assert token.startswith("tdk_") and len(token) > 40
    engine = make_engine(database_url)
    staff = auth.authenticate(engine, f"Bearer {token}")
    assert (staff.token_id, staff.name, staff.subject) == (token_id, "李工", "E1024")
    assert staff.roles == {"match:publish", "audit:read"}
    assert staff.expires_at is not None
    engine.dispose()

    listed = tongda(database_url, "token", "list")
    assert listed.exit_code == 0
    assert token_id in listed.output and "李工" in listed.output and "E1024" in listed.output
    assert "audit:read match:publish" in listed.output and token not in listed.output
    rows = json.loads(tongda(database_url, "token", "list", "--json").output)
    assert token not in json.dumps(rows)
    (row,) = rows
    assert (row["id"], row["roles"], row["revoked_at"], row["state"]) == (
        token_id, ["audit:read", "match:publish"], None, "有效")
    days = dt.datetime.fromisoformat(row["expires_at"]) - dt.datetime.fromisoformat(
        row["created_at"])
    assert days == dt.timedelta(days=30)


def test_a_token_expires_after_the_default_days(database_url: str) -> None:
    token_id, _ = created(tongda(database_url, "token", "create", "王审计", "-r", "audit:read"))
    (row,) = json.loads(tongda(database_url, "token", "list", "--json").output)
    days = dt.datetime.fromisoformat(row["expires_at"]) - dt.datetime.fromisoformat(
        row["created_at"])
    assert row["id"] == token_id and days == dt.timedelta(days=90)


def test_a_revoked_token_gets_401_with_the_reason(client: TestClient, database_url: str) -> None:
    token_id, token = created(tongda(database_url, "token", "create", "王审计", "-r",
                                     "audit:read"))
    assert client.get("/audit", headers=bearer(token)).status_code == 200
    revoked = tongda(database_url, "token", "revoke", token_id)
    assert revoked.exit_code == 0 and f"已吊销令牌 {token_id}" in revoked.output
    refused = client.get("/audit", headers=bearer(token))
    assert refused.status_code == 401 and refused.headers["content-type"] == PROBLEM
    assert "已于" in refused.json()["detail"] and "吊销" in refused.json()["detail"]
    assert refused.json()["reason"] == "revoked_token"
    assert "已吊销" in tongda(database_url, "token", "list").output
    unknown = tongda(database_url, "token", "revoke", "000000000000")
    assert unknown.exit_code == 1 and "没有编号为 000000000000 的令牌" in unknown.output


def test_an_expired_token_gets_401_with_the_reason(client: TestClient) -> None:
    engine = client.app.state.runtime.engine  # type: ignore[attr-defined]
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=10)
    token = auth.create_token(engine, "王审计", ["audit:read"], days=7, now=long_ago)
    refused = client.get("/audit", headers=bearer(token))
    assert refused.status_code == 401 and refused.headers["content-type"] == PROBLEM
    assert "过期" in refused.json()["detail"] and refused.json()["reason"] == "expired_token"
    assert "已过期" in [t.state() for t in auth.list_tokens(engine)]


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "bEaReR"])
def test_the_bearer_scheme_is_case_insensitive(client: TestClient, scheme: str) -> None:
    engine = client.app.state.runtime.engine  # type: ignore[attr-defined]
    token = auth.create_token(engine, "王审计", ["audit:read"])
    assert client.get("/audit", headers=bearer(token, scheme)).status_code == 200
    assert client.get("/audit", headers=bearer(token, "Basic")).status_code == 401


@pytest.mark.parametrize(("role", "message"), [
    ("match:publsh", "未声明的角色：match:publsh"),
    ("match:publish audit:read", "不能有空格"),
    ("Admin", "不合规"),
])
def test_undeclared_and_malformed_roles_are_refused(database_url: str, role: str,
                                                    message: str) -> None:
    refused = tongda(database_url, "token", "create", "李工", "--role", role)
    assert refused.exit_code == 1 and message in refused.output
    assert "错误：" in refused.output
    engine = make_engine(database_url)
    with pytest.raises(roles.RoleError, match=message):
        auth.issue_token(engine, "李工", [role])
    assert auth.list_tokens(engine) == []
    engine.dispose()


def test_a_function_declares_a_role_in_one_line_and_the_cli_sees_it(tmp_path: Path) -> None:
    package = tmp_path / "demo_fn"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "roles.py").write_text(
        'from functions.runtime import roles\nREVIEW = roles.declare("demo:review", "审核示例")\n')
    code = ("import functions, sys; functions.__path__.append(sys.argv[1]); "
            "from functions.runtime.cli import main; main(['token', 'roles'])")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                         text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "demo:review\t审核示例" in out.stdout, out.stderr
    assert "match:publish\t" in out.stdout and "admin\t" in out.stdout
    with pytest.raises(roles.RoleError, match="不合规"):
        roles.declare("demo review", "有空格")


def test_the_sqlite_file_is_created_private(tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "var" / "tongda.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine, "runtime", audit.MIGRATIONS + auth.MIGRATIONS)
    auth.create_token(engine, "李工", ["admin"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    wal = path.with_name(path.name + "-wal")
    assert wal.exists() and stat.S_IMODE(wal.stat().st_mode) == 0o600
    engine.dispose()


def test_the_audit_actor_is_the_token_id_and_name(client: TestClient,
                                                  ruleset: dict[str, Any]) -> None:
    engine = client.app.state.runtime.engine  # type: ignore[attr-defined]
    issued = auth.issue_token(engine, "李工", ["match:publish", "audit:read"], subject="E7")
    assert client.post("/rulesets", json=ruleset, headers=bearer(issued.token)).status_code == 201
    entries = client.get("/audit", headers=bearer(issued.token)).json()
    assert [e["actor"] for e in entries] == [f"token:{issued.info.id}:李工"]
    # Making the token was audited too, and the publish was signed outside the database.
    actions = [(e["action"], e["target"]) for e in audit.entries(engine)]
    assert ("token.create", f"token/{issued.info.id}") in actions
    assert audit.verify(engine, settings=client.app.state.runtime.settings).findings == []  # type: ignore[attr-defined]


def first_release_token(database_url: str, token: str, created_at: dt.datetime) -> Engine:
    """A database as the first release left it: its staff_tokens table (no ids, no expiry)
    with 老李's ``token``, and its migration recorded; the later migrations not run yet."""
    engine = make_engine(database_url)
    migrate(engine, "runtime", audit.MIGRATIONS)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE staff_tokens (token_hash VARCHAR(64) PRIMARY KEY, "
                          "name VARCHAR(200) NOT NULL, roles VARCHAR(1000) NOT NULL, "
                          "created_at TIMESTAMP WITH TIME ZONE NOT NULL, "
                          "revoked_at TIMESTAMP WITH TIME ZONE)"))
        conn.execute(text("INSERT INTO staff_tokens VALUES (:h, '老李', 'match:publish', "
                          ":at, NULL)"), {"h": auth._hash(token), "at": created_at})
        conn.execute(text("INSERT INTO schema_migrations VALUES ('runtime', "
                          "'0001-staff-tokens', :at)"), {"at": created_at})
    return engine


def test_tokens_made_before_ids_keep_working(database_url: str) -> None:
    token = "tdk_made-before-ids"
    engine = first_release_token(database_url, token, dt.datetime.now(dt.UTC))
    assert migrate(engine, "runtime", auth.MIGRATIONS) == ["0002-staff-token-ids-expiry"]
    staff = auth.authenticate(engine, f"bearer {token}")
    assert staff.name == "老李" and staff.token_id == auth._hash(token)[:12]
    assert staff.expires_at is not None and staff.expires_at > dt.datetime.now(dt.UTC)
    (info,) = auth.list_tokens(engine)
    auth.revoke(engine, info.id)
    with pytest.raises(Problem, match="吊销"):
        auth.authenticate(engine, f"Bearer {token}")
    engine.dispose()
