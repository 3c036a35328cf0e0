"""The applications API over HTTP, on SQLite and PostgreSQL: who may do what, problems in
Chinese, idempotent submissions, the reviewers' path, payments, 免申即享 and statistics."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from apply_testlib import (
    AGED_78,
    AGED_90,
    ELDERLY,
    GRADUATE,
    GRADUATE_UNKNOWN,
    HITECH,
    RD,
    Clock,
    china,
)
from conftest import REGISTRY
from fastapi.testclient import TestClient
from oidc_issuer import Issuer

from functions.apply.app import create_app
from functions.apply.config import ApplySettings
from functions.apply.identity import Identity
from functions.apply.oidc import OidcVerifier
from functions.apply.schemas import APPLICATION_MAX_BYTES, ApplicationIn
from functions.runtime import audit, auth
from functions.runtime.settings import Settings

pytestmark = pytest.mark.integration


class Api:
    """A test client with tokens for an applicant of each subject, a reviewer and payments."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        engine = client.app.state.runtime.engine  # type: ignore[attr-defined]
        self.engine = engine
        self.reviewer = auth.create_token(engine, "审核员甲", ["reviewer"])
        self.payments = auth.create_token(engine, "财政支付系统", ["payments"])
        self._applicants: dict[str, str] = {}

    def token(self, subject: str) -> str:
        if subject not in self._applicants:
            self._applicants[subject] = auth.create_token(
                self.engine, f"申请人{subject[-4:]}", ["applicant"], subject=subject)
        return self._applicants[subject]

    def as_(self, token: str, key: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {token}"}
        if key:
            headers["Idempotency-Key"] = key
        return headers

    def apply(self, subject: str, policy: str, facts: dict[str, Any] | None = None,
              materials: list[str] | None = None, key: str | None = None) -> Any:
        body = {"policy": policy, "facts": facts or {}, "materials": materials or []}
        return self.client.post("/applications", json=body,
                                headers=self.as_(self.token(subject), key or uuid.uuid4().hex))


@pytest.fixture
def clock() -> Clock:
    return Clock(china(2026, 12, 7))


@pytest.fixture
def api(database_url: str, demo_site: Path, clock: Clock, tmp_path: Path) -> Iterator[Api]:
    settings = Settings(database_url=database_url, rate_limit=0,
                        audit_heads_file=tmp_path / "heads.jsonl",
                        audit_key_file=tmp_path / "audit.key")
    app = create_app(settings, apply_settings=ApplySettings(site_dir=demo_site,
                                                            registry_dir=REGISTRY), clock=clock)
    with TestClient(app) as client:
        yield Api(client)
    app.state.runtime.dispose()


def test_instant_approval_is_answered_at_once_and_replayed_for_the_same_key(api: Api) -> None:
    key = str(uuid.uuid4())
    first = api.apply(AGED_90, ELDERLY, materials=["老年人居民身份证或户口簿"], key=key)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["status"] == "approved" and body["amount_fen"] == 20000
    assert first.headers["location"] == f"applications/{body['id']}"
    assert [c["facts"][0]["source"] for c in body["conditions"]] == ["registry"] * 3
    again = api.apply(AGED_90, ELDERLY, materials=["老年人居民身份证或户口簿"], key=key)
    assert again.status_code == 201 and again.json() == body
    assert again.headers["idempotent-replayed"] == "true"
    listed = api.client.get("/payments", headers=api.as_(api.payments)).json()
    assert [p["application_id"] for p in listed] == [body["id"]]


def test_rejection_and_the_applicants_own_view(api: Api) -> None:
    rejected = api.apply(AGED_78, ELDERLY).json()
    assert rejected["status"] == "rejected"
    assert rejected["reasons"] == ["不符合：年满80周岁（第三条第（一）项）"]
    seen = api.client.get(f"/applications/{rejected['id']}", headers=api.as_(api.token(AGED_78)))
    assert seen.status_code == 200 and seen.json()["history"][0]["by"] == "系统自动审批"
    stranger = api.client.get(f"/applications/{rejected['id']}",
                              headers=api.as_(api.token(AGED_90)))
    assert stranger.status_code == 404
    assert stranger.headers["content-type"] == "application/problem+json"
    mine = api.client.get("/applications", headers=api.as_(api.token(AGED_78))).json()
    assert [a["id"] for a in mine] == [rejected["id"]]


def test_the_reviewers_path_with_due_dates_overdue_flags_and_payment(api: Api,
                                                                     clock: Clock) -> None:
    pending = api.apply(HITECH, RD, {"rd_spend": 100000000},
                        ["研发费用专项审计报告"]).json()
    assert pending["status"] == "pending" and pending["due"] == "2026-12-28"
    reviewer = api.as_(api.reviewer)
    assert [i["overdue"] for i in api.client.get("/queue", headers=reviewer).json()] == [False]
    clock.set(china(2026, 12, 29))
    queue = api.client.get("/queue", params={"overdue": "true"}, headers=reviewer).json()
    assert [(i["id"], i["overdue"], i["subject"]) for i in queue] == [(pending["id"], True, HITECH)]
    by_applicant = api.client.post(f"/applications/{pending['id']}/decision",
                                   json={"decision": "approve", "reason": "自己批准"},
                                   headers=api.as_(api.token(HITECH), "k1"))
    assert by_applicant.status_code == 403
    decided = api.client.post(f"/applications/{pending['id']}/decision",
                              json={"decision": "approve", "reason": "专项审计报告核实无误"},
                              headers=api.as_(api.reviewer, "decision-1"))
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "approved" and decided.json()["payment"]
    twice = api.client.post(f"/applications/{pending['id']}/decision",
                            json={"decision": "reject", "reason": "改主意"},
                            headers=api.as_(api.reviewer, "decision-2"))
    assert twice.status_code == 409 and twice.json()["reason"] == "already_decided"
    payments = api.client.get("/payments", headers=api.as_(api.payments)).json()
    assert [(p["payee"], p["amount_fen"]) for p in payments] == [(HITECH, 10000000)]
    acked = api.client.post(f"/payments/{payments[0]['id']}/ack",
                            headers=api.as_(api.payments, "ack-1"))
    assert acked.status_code == 200 and acked.json()["acked_by"].startswith("token:")
    assert api.client.get("/payments", headers=api.as_(api.payments)).json() == []
    view = api.client.get(f"/applications/{pending['id']}",
                          headers=api.as_(api.token(HITECH))).json()
    assert [h["status"] for h in view["history"]] == ["pending", "approved"]
    assert view["decision_reason"] == "专项审计报告核实无误"
    assert "actor" not in view["history"][1]  # staff names only to staff
    actions = [(e["action"], e["actor"].split(":")[0]) for e in
               audit.entries(api.engine, function="apply")]
    assert actions == [("application.create", "token"), ("application.approve", "token"),
                       ("payment.ack", "token")]


def test_materials_outside_the_list_are_a_problem_with_each_reason(api: Api) -> None:
    answer = api.apply(AGED_90, ELDERLY, materials=["老年人居民身份证或户口簿", "无犯罪记录证明"])
    assert answer.status_code == 422
    problem = answer.json()
    assert answer.headers["content-type"] == "application/problem+json"
    assert problem["title"] == "材料不在清单内" and "无犯罪记录证明" in problem["detail"]
    assert [e["material"] for e in problem["errors"]] == ["无犯罪记录证明"]
    assert api.client.get("/applications", headers=api.as_(api.token(AGED_90))).json() == []


def test_the_subject_comes_from_the_token_never_from_the_body(api: Api) -> None:
    body = {"policy": ELDERLY, "facts": {}, "materials": [], "subject": AGED_90}
    answer = api.client.post("/applications", json=body,
                             headers=api.as_(api.token(AGED_78), str(uuid.uuid4())))
    assert answer.status_code == 422 and "subject" in answer.text
    assert api.client.post("/applications", json={"policy": ELDERLY}).status_code == 401
    staff = api.client.post("/applications", json={"policy": ELDERLY},
                            headers=api.as_(api.reviewer, str(uuid.uuid4())))
    assert staff.status_code == 403


def test_wrong_fact_values_are_refused_in_chinese(api: Api) -> None:
    answer = api.apply(GRADUATE_UNKNOWN, GRADUATE, {"employed": "是"})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "facts.employed"
    assert "true 或 false" in answer.json()["errors"][0]["message"]


def test_proactive_endpoint_run_twice_creates_nothing_new(api: Api) -> None:
    reviewer = api.as_(api.reviewer)
    first = api.client.post(f"/proactive/{ELDERLY}", headers=reviewer)
    assert first.status_code == 200 and first.json()["created"] == 4
    second = api.client.post(f"/proactive/{ELDERLY}", headers=reviewer).json()
    assert (second["created"], second["existing"]) == (0, 4)
    assert len(api.client.get("/payments", headers=api.as_(api.payments)).json()) == 4
    refused = api.client.post(f"/proactive/{GRADUATE}", headers=reviewer)
    assert refused.status_code == 422 and refused.json()["reason"] == "not_proactive"
    assert api.client.post(f"/proactive/{ELDERLY}",
                           headers=api.as_(api.token(AGED_90))).status_code == 403


def test_statistics_are_public_and_anonymous(api: Api) -> None:
    api.apply(AGED_90, ELDERLY)
    api.client.post(f"/proactive/{ELDERLY}", headers=api.as_(api.reviewer))
    stats = api.client.get("/stats")
    assert stats.status_code == 200
    item = next(p for p in stats.json()["policies"] if p["policy"]["id"] == ELDERLY)
    assert (item["applications"], item["approved"], item["proactive"]) == (4, 4, 3)
    assert item["amount_fen"] == 90000 and item["amount_text"] == "900元"
    assert AGED_90 not in stats.text


def test_the_profile_fills_the_page_with_the_owners_verified_facts(api: Api) -> None:
    profile = api.client.get("/profile", params={"policy": ELDERLY},
                             headers=api.as_(api.token(AGED_90)))
    assert profile.status_code == 200
    assert profile.json()["facts"] == {"age": 90, "household": "本市户籍", "district": "390102"}
    assert api.client.get("/profile").status_code == 401


def test_an_id_token_from_the_sign_in_provider_applies(database_url: str, demo_site: Path,
                                                       clock: Clock, tmp_path: Path) -> None:
    issuer = Issuer()
    try:
        identity = Identity(OidcVerifier(issuer.url, "portal", subject_claim="id_number"))
        settings = Settings(database_url=database_url, rate_limit=0,
                            audit_heads_file=tmp_path / "heads.jsonl",
                            audit_key_file=tmp_path / "audit.key")
        app = create_app(settings, apply_settings=ApplySettings(site_dir=demo_site,
                                                                registry_dir=REGISTRY),
                         clock=clock, identity=identity)
        with TestClient(app) as client:
            headers = {"Authorization": f"Bearer {issuer.token()}",
                       "Idempotency-Key": str(uuid.uuid4())}
            answer = client.post("/applications", json={"policy": ELDERLY}, headers=headers)
            assert answer.status_code == 201 and answer.json()["status"] == "approved"
            expired = client.post("/applications", json={"policy": ELDERLY}, headers={
                "Authorization": f"Bearer {issuer.token(exp=1)}"})
            assert expired.status_code == 401 and expired.json()["reason"] == "expired"
        app.state.runtime.dispose()
    finally:
        issuer.close()


@pytest.mark.unit
def test_the_largest_application_the_schema_allows_fits_the_body_limit() -> None:
    body = {"policy": "p" * 200, "materials": ["材" * 200] * 30,
            "facts": {f"{i:064d}": ["事" * 100] * 20 for i in range(32)}}
    ApplicationIn.model_validate(body)
    assert len(json.dumps(body).encode()) <= APPLICATION_MAX_BYTES  # every character \uXXXX
