"""On PostgreSQL the functions' role may only read and append to the audit log.

The roles are set up as ``docs/deploy.md`` tells an operator: an owner runs the
migrations (``tongda db migrate``) and the grants ``tongda db grants`` prints; the
functions connect as the application role.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from functions.match.app import create_app
from functions.runtime import audit, cli, grants
from functions.runtime.db import make_engine
from functions.runtime.settings import Settings

pytestmark = pytest.mark.integration


def _roles(cluster: Any) -> tuple[str, str, str, str]:
    """A new database owned by a new owner role, and an application role; their URLs."""
    suffix = uuid.uuid4().hex[:8]
    owner, app, database = f"owner_{suffix}", f"app_{suffix}", f"t_{suffix}"
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{owner}" LOGIN')
        conn.execute(f'CREATE ROLE "{app}" LOGIN NOINHERIT')
        conn.execute(f'CREATE DATABASE "{database}" OWNER "{owner}"')
    base = f"127.0.0.1:{cluster.port}/{database}"
    return owner, app, f"postgresql://{owner}@{base}", f"postgresql://{app}@{base}"


def test_the_app_role_may_only_insert_and_select_audit_rows(
        pg_cluster: Any, tmp_path: Path, ruleset: dict[str, Any]) -> None:
    owner, app, owner_url, app_url = _roles(pg_cluster)
    env = {"TONGDA_VAR_DIR": str(tmp_path / "var")}
    runner = CliRunner()
    migrated = runner.invoke(cli.main, ["db", "migrate", "--database-url", owner_url], env=env)
    assert migrated.exit_code == 0, migrated.output
    sql = runner.invoke(cli.main, ["db", "grants", app, "--owner", owner])
    assert sql.exit_code == 0 and sql.output == grants.postgres_grants(app, owner)
    with psycopg.connect(owner_url, autocommit=True) as conn:
        conn.execute(sql.output.encode())
    made = runner.invoke(cli.main, ["token", "create", "李工", "--role", "match:publish",
                                    "--database-url", owner_url], env=env)
    assert made.exit_code == 0, made.output
    token = made.stdout.splitlines()[-1]
    as_app = runner.invoke(cli.main, ["token", "create", "王五", "--role", "admin",
                                      "--database-url", app_url], env=env)
    assert as_app.exit_code == 1 and "数据库拒绝了这项操作" in as_app.output
    assert "Traceback" not in as_app.output

    # The function, connected as the application role, works: it reads and appends.
    settings = Settings.from_env(database_url=app_url, var_dir=tmp_path / "var")
    function = create_app(settings)
    with TestClient(function) as client:
        published = client.post("/rulesets", json=ruleset,
                                headers={"Authorization": f"Bearer {token}"})
        assert published.status_code == 201, published.text
    function.state.runtime.dispose()

    engine = make_engine(app_url)
    audit.attach_from_settings(engine, settings)
    with engine.begin() as conn:
        audit.append(conn, actor="token:x:李工", function="demo", action="x", target="1")
    refused = {
        "UPDATE audit_log SET actor = 'x'": "permission denied",
        "DELETE FROM audit_log": "permission denied",
        "TRUNCATE audit_log": "permission denied",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only": "must be owner",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL": "must be owner",
        "DROP TRIGGER audit_log_linear ON audit_log": "must be owner",
        "DROP TABLE audit_log": "must be owner",
        "UPDATE staff_tokens SET revoked_at = NULL": "permission denied",
        "INSERT INTO staff_tokens (token_hash, name, roles, created_at) "
        "VALUES ('x', 'x', 'admin', now())": "permission denied",
        "CREATE TABLE evil (x int)": "permission denied",
    }
    for statement, message in refused.items():
        with pytest.raises(DBAPIError, match=message), engine.begin() as conn:
            conn.execute(text(statement))
    result = audit.verify(engine, settings=settings)
    assert result.findings == [] and result.rows == 3  # token.create, the publish, the append
    engine.dispose()


@pytest.mark.unit
def test_the_grants_refuse_unsafe_role_names() -> None:
    with pytest.raises(ValueError, match="不是合适的 PostgreSQL 名称"):
        grants.postgres_grants('app"; DROP TABLE audit_log; --', "owner")
    with pytest.raises(ValueError, match="不能同时是表的所有者"):
        grants.postgres_grants("tongda", "tongda")
