"""What every function answers over HTTP: problem+json, strict input, limits, one origin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from functions.match.app import create_app
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


def test_an_unexpected_error_is_a_problem_without_internals(site_dir: Path, tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/no/such/dir/../../x/db.sqlite3")
    app = create_app(settings, site_dir=site_dir)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as client:
        body = _problem(client.get("/boom"), 500)
        assert "secret" not in body["detail"]
