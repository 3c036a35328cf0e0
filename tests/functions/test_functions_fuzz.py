"""Fuzz every function from its own OpenAPI description (schemathesis, bounded examples).

Each function's app is loaded with a published rule set and a staff token, and every
operation is called with generated requests: no server error, and every response must
match the schema, status codes and content types the function documents.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from functions.runtime import auth
from functions.runtime.server import function_names
from functions.runtime.settings import Settings

pytestmark = pytest.mark.integration
MAX_EXAMPLES = 25


def _app(name: str, site_dir: Path, db: Path) -> tuple[Any, str]:
    module = importlib.import_module(f"functions.{name}.app")
    app = module.create_app(Settings(database_url=f"sqlite:///{db}", rate_limit=0),
                            site_dir=site_dir)
    token = auth.create_token(app.state.runtime.engine, "模糊测试", ["admin"])
    return app, token


@pytest.mark.parametrize("name", function_names())
def test_function_survives_fuzzing_from_its_openapi(name: str, site_dir: Path,
                                                     tmp_path: Path) -> None:
    app, token = _app(name, site_dir, tmp_path / "fuzz.sqlite3")
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    checked = 0
    for operation in schema.get_all_operations():
        op = operation.ok()

        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=op.as_strategy())
        def run(case: Any) -> None:
            nonlocal checked
            checked += 1
            headers = {"Authorization": f"Bearer {token}"}
            try:
                # Schema-valid is not always acceptable: profiles must use declared facts and
                # rule sets must type-check, which no static schema can say. Every other
                # check runs: no 5xx, documented statuses, content types and schemas.
                case.call_and_validate(headers=headers,
                                       excluded_checks=[positive_data_acceptance])
            except Exception as exc:  # noqa: BLE001 - collected to report all at once
                failures.append(f"{op.method.upper()} {op.path}: {str(exc)[:800]}")
                raise

        try:
            run()
        except Exception:  # noqa: BLE001 - hypothesis re-raises the shrunk failure
            pass
    assert checked > 0
    assert not failures, "\n\n".join(dict.fromkeys(failures))


def test_openapi_documents_problem_responses(site_dir: Path, tmp_path: Path) -> None:
    for name in function_names():
        app, _ = _app(name, site_dir, tmp_path / f"{name}.sqlite3")
        spec = app.openapi()
        assert "ProblemDetail" in spec["components"]["schemas"]
        for path in spec["paths"].values():
            for operation in path.values():
                assert "application/problem+json" in json.dumps(operation["responses"]["422"])
