"""Publishing rule sets: what is refused, which revision is in force, and restarts."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from functions.match.app import create_app
from functions.match.store import MatchStore, rulesets
from functions.runtime import auth
from functions.runtime.settings import Settings

pytestmark = pytest.mark.integration
PROFILE = {"subject": "enterprise", "profile": {"revenue": 3_000_000_000, "years": 5}}


def _client(database_url: str, site_dir: Path | None) -> TestClient:
    return TestClient(create_app(Settings(database_url=database_url), site_dir=site_dir))


def _engine(client: TestClient) -> Any:
    return client.app.state.runtime.engine  # type: ignore[attr-defined]


def _publisher(client: TestClient) -> dict[str, str]:
    token = auth.create_token(_engine(client), "李工", ["match:publish"])
    return {"Authorization": f"Bearer {token}"}


def _current(client: TestClient) -> dict[str, Any]:
    response = client.get("/rulesets/current")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("number", [2**64, 2**53 + 1])
def test_a_rule_set_with_a_number_beyond_2_53_is_refused_and_matching_goes_on(
        database_url: str, ruleset: dict[str, Any], number: int) -> None:
    with _client(database_url, None) as client:
        headers = _publisher(client)
        assert client.post("/rulesets", json=ruleset, headers=headers).status_code == 201
        bad = copy.deepcopy(ruleset)
        bad["policies"][0]["eligibility"][0]["logic"] = {">=": [{"var": "revenue"}, number]}
        refused = client.post("/rulesets", json=bad, headers=headers)
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert "超出 ±2**53" in refused.json()["detail"]
        assert _current(client)["revision"] == 1
        assert client.post("/match", json=PROFILE).status_code == 200
        assert client.get("/facts").status_code == 200


def test_a_rule_set_that_fails_its_own_cases_is_refused(
        database_url: str, ruleset: dict[str, Any]) -> None:
    with _client(database_url, None) as client:
        bad = copy.deepcopy(ruleset)
        rd = next(p for p in bad["policies"] if p["id"] == "rd-subsidy")
        rd["amount"]["logic"] = {"min": [{"*": [{"var": "rd_spend"}, 0.2]}, 50000000]}
        refused = client.post("/rulesets", json=bad, headers=_publisher(client))
        assert refused.status_code == 422
        detail = refused.json()["detail"]
        assert "rd-subsidy" in detail and "案例“符合条件的高新技术企业”不成立" in detail
        assert client.get("/rulesets/current").status_code == 503


def test_an_old_revision_the_engine_cannot_load_does_not_break_matching(
        database_url: str, ruleset: dict[str, Any]) -> None:
    # A revision stored before publishing checked rule sets (as one with 2**64 was).
    with _client(database_url, None) as client:
        headers = _publisher(client)
        assert client.post("/rulesets", json=ruleset, headers=headers).status_code == 201
        broken = copy.deepcopy(ruleset)
        broken["policies"][0]["eligibility"][0]["logic"] = {">=": [{"var": "revenue"}, 2**64]}
        engine = _engine(client)
        with engine.begin() as conn:
            conn.execute(insert(rulesets).values(
                digest="0" * 64, created_at=_now(), created_by="legacy", policy_count=2,
                document=json.dumps(broken)))
        matched = client.post("/match", json=PROFILE)
        assert matched.status_code == 200, matched.text
        assert matched.json()["revision"] == 1
        assert client.get("/facts").status_code == 200


def _now() -> Any:
    import datetime as dt

    return dt.datetime.now(dt.UTC)


def test_a_restart_never_replaces_a_revision_staff_published(
        database_url: str, site_dir: Path, ruleset: dict[str, Any]) -> None:
    with _client(database_url, site_dir) as client:
        assert _current(client)["revision"] == 1  # the site's rules, published at start
        staff = copy.deepcopy(ruleset)
        staff["policies"] = staff["policies"][:1]
        published = client.post("/rulesets", json=staff, headers=_publisher(client))
        assert published.status_code == 201
    for _ in range(2):  # restarts, cold starts: the staff revision stays in force
        with _client(database_url, site_dir) as client:
            current = _current(client)
            assert current["revision"] == 2 and current["policy_count"] == 1


def test_the_site_rules_become_a_revision_again_only_when_they_change(
        database_url: str, site_dir: Path, ruleset: dict[str, Any]) -> None:
    rules_file = site_dir / "api/match/rules.json"
    with _client(database_url, site_dir) as client:
        assert _current(client)["revision"] == 1
        client.post("/rulesets", json={**ruleset, "policies": ruleset["policies"][:1]},
                    headers=_publisher(client))
    # A rebuild on another day with the same rules: only "generated" differs.
    rules_file.write_text(json.dumps({**ruleset, "generated": "2024-07-01"}), "utf-8")
    with _client(database_url, site_dir) as client:
        assert _current(client)["revision"] == 2
    # An editor changed a rule: the site's rules are published as a new revision.
    changed = copy.deepcopy(ruleset)
    changed["policies"][0]["title"] += "（修订）"
    rules_file.write_text(json.dumps(changed, ensure_ascii=False), "utf-8")
    with _client(database_url, site_dir) as client:
        current = _current(client)
        assert current["revision"] == 3 and current["policy_count"] == len(ruleset["policies"])


def test_instances_starting_together_publish_the_site_rules_once(
        database_url: str, site_dir: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from functions.match.store import MIGRATIONS
    from functions.runtime import audit
    from functions.runtime.db import make_engine, migrate

    document = json.loads((site_dir / "api/match/rules.json").read_text("utf-8"))
    engine = make_engine(database_url)
    migrate(engine, "runtime", audit.MIGRATIONS)
    migrate(engine, "match", MIGRATIONS)
    stores = [MatchStore(make_engine(database_url)) for _ in range(6)]
    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda s: s.publish_site(document), stores))
    assert sum(r is not None for r in results) == 1
    assert MatchStore(engine).latest_revision() == 1
    for store in stores:
        store.engine.dispose()
    engine.dispose()


def test_a_hand_broken_site_rules_file_is_not_published(
        database_url: str, site_dir: Path, ruleset: dict[str, Any]) -> None:
    broken = copy.deepcopy(ruleset)
    broken["policies"][0]["eligibility"][0]["logic"] = {">=": [{"var": "revenue"}, 2**64]}
    (site_dir / "api/match/rules.json").write_text(json.dumps(broken), "utf-8")
    with _client(database_url, site_dir) as client:
        assert client.get("/rulesets/current").status_code == 503
        assert client.post("/match", json=PROFILE).status_code == 503
