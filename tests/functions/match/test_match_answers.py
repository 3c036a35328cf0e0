"""``POST /match`` on the demo's rules: answers by name, the best few first, unknown is unknown."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from match_testlib import build_ruleset

from functions.match.app import create_app
from functions.runtime.settings import Settings

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]
ELDER = {"age": 85, "household": "本市户籍", "district": "滨江区"}
FIRM = {"district": "390102", "industry": "制造业", "revenue": 800_000_000, "employees": 60,
        "years": 6}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    ruleset, _ = build_ruleset(ROOT / "content", content_errors_ok=True)
    site = tmp_path_factory.mktemp("match-demo") / "site"
    (site / "api/match").mkdir(parents=True)
    (site / "api/match/rules.json").write_text(json.dumps(ruleset, ensure_ascii=False),
                                              encoding="utf-8")
    settings = Settings(database_url=f"sqlite:///{site.parent / 'db.sqlite3'}")
    with TestClient(create_app(settings, site_dir=site)) as test_client:
        yield test_client


def _match(client: TestClient, subject: str, profile: dict[str, Any],
           **extra: Any) -> dict[str, Any]:
    response = client.post("/match", json={"subject": subject, "profile": profile, **extra})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _by_id(body: dict[str, Any]) -> dict[str, Any]:
    return {r["policy"]["id"]: r for r in body["results"]}


def test_an_elder_of_binjiang_named_by_district_is_eligible_for_the_allowance(
        client: TestClient) -> None:
    allowance = _by_id(_match(client, "person", ELDER))["binjiang-elderly-allowance-2022"]
    assert allowance["eligible"] is True and allowance["amount"] == 10_000
    assert {c["id"]: c["result"] for c in allowance["conditions"]}["district"] == "met"
    coded = _match(client, "person", {**ELDER, "district": "390102"})
    assert coded["results"] == _match(client, "person", ELDER)["results"]


def test_an_enterprise_named_by_district_meets_the_district_conditions(
        client: TestClient) -> None:
    by_name = _match(client, "enterprise", {**FIRM, "district": "滨江区"})
    assert by_name["results"] == _match(client, "enterprise", FIRM)["results"]
    district = [c for r in by_name["results"] for c in r["conditions"] if c["id"] == "district"]
    assert district and {c["result"] for c in district} == {"met", "unmet"}  # 高新区's unmet


def test_a_name_outside_the_options_is_still_refused(client: TestClient) -> None:
    response = client.post("/match", json={"subject": "person",
                                           "profile": {"district": "滨江"}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "profile.district"


def test_limit_returns_the_best_matches_first_and_counts_them_all(client: TestClient) -> None:
    everything = _match(client, "enterprise", FIRM)
    best = _match(client, "enterprise", FIRM, limit=3)
    assert len(everything["results"]) > 3
    assert best["results"] == everything["results"][:3]
    assert (best["count"], best["eligible"]) == (everything["count"], everything["eligible"])
    ranks = [{True: 0, None: 1, False: 2}[r["eligible"]] for r in everything["results"]]
    assert ranks == sorted(ranks)
    for limit in (0, 1001, "3"):
        refused = client.post("/match", json={"subject": "enterprise", "profile": FIRM,
                                              "limit": limit})
        assert refused.status_code == 422, limit


def test_an_unanswered_list_is_unknown_and_an_empty_one_is_none(client: TestClient) -> None:
    unanswered = _by_id(_match(client, "enterprise", FIRM))
    none = _by_id(_match(client, "enterprise", {**FIRM, "tags": []}))
    tag_conditions = [(pid, c["id"]) for pid, r in unanswered.items() for c in r["conditions"]
                      if "tags" in c["missing"]]
    assert tag_conditions
    for pid, cid in tag_conditions:
        assert {c["id"]: c["result"] for c in none[pid]["conditions"]}[cid] == "unmet"


def test_the_facts_name_their_coded_options(client: TestClient) -> None:
    facts = client.get("/facts").json()
    district = next(f for f in facts["person"] if f["name"] == "district")
    assert district["option_labels"]["390102"] == "滨江区"
    assert district["options"][-1] == "other"
