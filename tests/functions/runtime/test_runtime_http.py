"""What every function answers over HTTP: problem+json, strict input, limits, one origin."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from functions.match.app import create_app
from functions.runtime import auth
from functions.runtime.http import CACHE_PRIVATE, CACHE_REVALIDATE, SECURITY_HEADERS
from functions.runtime.server import build_app, function_names
from functions.runtime.settings import Settings

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"


@pytest.fixture
def portal(site_dir: Path, tmp_path: Path) -> Any:
    app = build_app(site_dir, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with TestClient(app) as client:
        yield client


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["title"] + body["detail"])
    return body


def test_portal_serves_the_site_and_mounts_every_function(portal: Any) -> None:
    assert "match" in function_names()
    assert "首页" in portal.get("/").text
    assert portal.get("/api/match/rules.json").json()["version"] == 1
    spec = portal.get("/api/match/openapi.json").json()
    assert "/match" in spec["paths"] and spec["info"]["title"] == "政策匹配"


def test_matching_a_profile_over_http(portal: Any) -> None:
    profile = {"revenue": 3_000_000_000, "rd_spend": 100_000_000, "tags": ["高新技术企业"],
               "years": 5, "new_hires": 0}
    body = portal.post("/api/match/match", json={"subject": "enterprise", "profile": profile}).json()
    first = body["results"][0]
    assert first["policy"]["id"] == "rd-subsidy" and first["eligible"] is True
    assert first["amount"] == 10_000_000
    assert first["next_steps"] == [{"id": "rd-apply", "title": "企业研发投入补助申领",
                                    "url": "services/rd-apply/"}]
    assert [r["eligible"] for r in body["results"]] == [True, False]
    assert "old-subsidy" not in {r["policy"]["id"] for r in body["results"]}  # expired


def test_a_missing_fact_is_unknown_not_unmet(portal: Any) -> None:
    body = portal.post("/api/match/match", json={"subject": "enterprise",
                                                 "profile": {"revenue": 3_000_000_000}}).json()
    rd = next(r for r in body["results"] if r["policy"]["id"] == "rd-subsidy")
    assert rd["eligible"] is None
    assert {c["id"]: c["result"] for c in rd["conditions"]} == \
        {"revenue": "met", "hitech": "unknown", "years": "unknown"}
    assert rd["conditions"][1]["missing"] == ["tags"]


@pytest.mark.parametrize("value", [False, True, "3000000000", 1.5])
def test_a_wrong_type_is_refused_not_coerced(portal: Any, value: Any) -> None:
    response = portal.post("/api/match/match",
                           json={"subject": "enterprise", "profile": {"revenue": value}})
    body = _problem(response, 422)
    assert body["errors"][0]["field"] == "profile.revenue"


def test_malformed_and_unknown_requests_are_problems(portal: Any) -> None:
    _problem(portal.post("/api/match/match", content=b"{not json",
                         headers={"content-type": "application/json"}), 422)
    _problem(portal.post("/api/match/match", json={"subject": "company", "profile": {}}), 422)
    _problem(portal.post("/api/match/match", json={"subject": "person", "profile": {},
                                                  "extra": 1}), 422)
    _problem(portal.get("/api/match/nothing-here"), 404)
    _problem(portal.delete("/api/match/match"), 405)


def test_bodies_over_the_limit_are_refused(site_dir: Path, tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", max_body_bytes=200)
    with TestClient(create_app(settings, site_dir=site_dir)) as client:
        big = {"subject": "person", "profile": {"district": "江" * 300}}
        _problem(client.post("/match", json=big), 413)

        def chunks() -> Any:  # no Content-Length: the limit still holds while streaming
            yield b'{"subject": "person", "profile": {"district": "'
            yield b"x" * 500
            yield b'"}}'

        _problem(client.post("/match", content=chunks(),
                             headers={"content-type": "application/json"}), 413)


def test_each_client_is_rate_limited(site_dir: Path, tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", rate_limit=3,
                        rate_window=60)
    with TestClient(create_app(settings, site_dir=site_dir)) as client:
        codes = [client.get("/rulesets/current").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = client.get("/rulesets/current")
        _problem(limited, 429)
        assert int(limited.headers["retry-after"]) >= 1




@pytest.fixture
def log_lines() -> Iterator[list[dict[str, Any]]]:
    """Every line the runtime logs, parsed (each must be one JSON object)."""
    lines: list[dict[str, Any]] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(json.loads(record.getMessage()))

    logger = logging.getLogger("tongda.http")
    handler = Collect()
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)


def _alone(site_dir: Path, tmp_path: Path) -> Any:
    """The match function as deployed alone (uvicorn or Mangum), without the portal."""
    return create_app(Settings(database_url=f"sqlite:///{tmp_path / 'alone.sqlite3'}"),
                      site_dir=site_dir)


def test_a_function_deployed_alone_sends_the_security_headers(site_dir: Path,
                                                              tmp_path: Path) -> None:
    with TestClient(_alone(site_dir, tmp_path)) as client:
        for response in (client.get("/rulesets/current"), client.get("/openapi.json"),
                         client.post("/match", json={}), client.get("/nothing")):
            for name, value in SECURITY_HEADERS.items():
                assert response.headers[name] == value
            assert len(response.headers["x-request-id"]) == 32


def _get_routes(app: Any) -> list[str]:
    """Every GET route without path parameters, as the function's OpenAPI lists them."""
    paths = app.openapi()["paths"]
    return ["/openapi.json"] + [p for p, ops in paths.items() if "get" in ops and "{" not in p]


@pytest.mark.parametrize("where", ["alone", "portal"])
def test_head_answers_every_get_route(site_dir: Path, tmp_path: Path, where: str) -> None:
    app = _alone(site_dir, tmp_path)
    token = auth.create_token(app.state.runtime.engine, "测试", ["admin"])
    paths = _get_routes(app)
    assert {"/rulesets/current", "/facts", "/audit", "/openapi.json"} <= set(paths)
    if where == "portal":
        app = build_app(site_dir, database_url=f"sqlite:///{tmp_path / 'alone.sqlite3'}")
        paths = ["/api/match" + p for p in paths]
    with TestClient(app) as client:
        for path in paths:
            headers = {"Authorization": f"Bearer {token}"}
            get, head = client.get(path, headers=headers), client.head(path, headers=headers)
            assert head.status_code == get.status_code == 200, (path, head.text)
            assert head.content == b""
            assert head.headers["content-length"] == get.headers["content-length"]
            assert head.headers["content-type"] == get.headers["content-type"]


def test_personal_and_staff_answers_are_never_stored(portal: Any, site_dir: Path,
                                                     tmp_path: Path) -> None:
    profile = {"subject": "enterprise", "profile": {"revenue": 3_000_000_000}}
    assert portal.post("/api/match/match", json=profile).headers["cache-control"] == CACHE_PRIVATE
    assert portal.get("/api/match/audit").headers["cache-control"] == CACHE_PRIVATE  # 401
    assert portal.post("/api/match/rulesets", json={}).headers["cache-control"] == CACHE_PRIVATE
    for public in ("/api/match/rulesets/current", "/api/match/facts", "/api/match/openapi.json"):
        assert portal.get(public).headers["cache-control"] == CACHE_REVALIDATE
    app = _alone(site_dir, tmp_path)
    token = auth.create_token(app.state.runtime.engine, "测试", ["audit:read"])
    with TestClient(app) as client:
        staff = client.get("/audit", headers={"Authorization": f"Bearer {token}"})
        assert staff.status_code == 200 and staff.headers["cache-control"] == CACHE_PRIVATE


def test_a_request_id_is_kept_when_sane_else_made(portal: Any) -> None:
    kept = portal.get("/api/match/nothing", headers={"X-Request-ID": "edge-7f3a.42:1"})
    assert kept.headers["x-request-id"] == "edge-7f3a.42:1"
    assert _problem(kept, 404)["request_id"] == "edge-7f3a.42:1"
    for insane in ("two words", "x" * 200, "-starts-with-a-dash", "a\\u2028b", '{"a":1}'):
        made = portal.get("/", headers={"X-Request-ID": insane})
        assert made.headers["x-request-id"] != insane
        assert len(made.headers["x-request-id"]) == 32
    first, second = portal.get("/"), portal.get("/")
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


def test_every_request_is_one_json_log_line(portal: Any, log_lines: list[dict[str, Any]]) -> None:
    portal.get("/?q=我的身份证号", headers={"X-Request-ID": "req-1"})
    portal.post("/api/match/match", json={"subject": "person", "profile": {}},
                headers={"X-Request-ID": "req-2"})
    portal.head("/api/match/facts", headers={"X-Request-ID": "req-3"})
    assert [line["request_id"] for line in log_lines] == ["req-1", "req-2", "req-3"]
    home, match, head = log_lines
    assert set(home) >= {"time", "request_id", "method", "path", "status", "duration_ms", "client"}
    assert (home["method"], home["path"], home["status"]) == ("GET", "/", 200)
    assert "身份证" not in json.dumps(home, ensure_ascii=False)  # no query string logged
    assert (match["method"], match["path"], match["status"]) == ("POST", "/api/match/match", 200)
    assert (head["method"], head["status"], head["bytes"]) == ("HEAD", 200, 0)
    assert home["time"].endswith("+00:00") and home["duration_ms"] >= 0
    assert home["client"] == "testclient"


def _boom(app: Any) -> None:
    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")


@pytest.mark.parametrize("where", ["alone", "portal"])
def test_an_unexpected_error_is_logged_with_its_id_and_sent_without_internals(
        site_dir: Path, tmp_path: Path, log_lines: list[dict[str, Any]], where: str) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/no/such/dir/../../x/db.sqlite3")
    app: Any
    if where == "alone":
        app = create_app(settings, site_dir=site_dir)
        _boom(app)
        path = "/boom"
    else:
        app = build_app(site_dir, settings=settings)
        _boom(app.app.apps["match"])  # Hygiene -> Portal -> the match function
        path = "/api/match/boom"
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get(path, headers={"X-Request-ID": "boom-1"})
    body = _problem(response, 500)
    assert body["request_id"] == response.headers["x-request-id"] == "boom-1"
    assert "secret" not in response.text and "Traceback" not in response.text
    errors = [line for line in log_lines if line.get("level") == "error"]
    assert len(errors) == 1 and errors[0]["request_id"] == "boom-1"
    assert "secret internals" in errors[0]["traceback"]
    assert 'raise RuntimeError("secret internals")' in errors[0]["traceback"]
    access = [line for line in log_lines if "status" in line]
    assert [(a["request_id"], a["status"]) for a in access] == [("boom-1", 500)]


def test_a_failure_on_the_static_side_is_a_500_problem_logged(
        site_dir: Path, tmp_path: Path, log_lines: list[dict[str, Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from functions.runtime.server import Portal

    app = build_app(site_dir, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    async def broken(*args: Any) -> None:  # a fault nobody foresaw, deep in serving a file
        raise RuntimeError("磁盘控制器故障 /srv/site/secret")

    monkeypatch.setattr(Portal, "_static", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/index.html")
    body = _problem(response, 500)
    assert body["request_id"] == response.headers["x-request-id"]
    assert "secret" not in response.text and "RuntimeError" not in response.text
    errors = [line for line in log_lines if line.get("level") == "error"]
    assert len(errors) == 1 and "RuntimeError" in errors[0]["traceback"]
    assert errors[0]["request_id"] == body["request_id"]
