"""The portal's form, the reporter's link and the handlers over HTTP, and third-party
Open311 clients from PyPI against a real server on loopback (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from civicbot.http import HttpTransport, RateLimiter
from civicbot.open311 import Open311Client
from civicbot.registry import Endpoint
from complaint_testlib import photo, validate
from conftest import IN_JIANGBIN, IN_RIVER
from fastapi.testclient import TestClient
from georeport import GeoReport

from functions.complaint.app import create_app
from functions.runtime import auth
from functions.runtime.settings import Settings
from tests.portal_server import serve_app

pytestmark = pytest.mark.integration


@pytest.fixture
def client(database_url: str) -> TestClient:
    return TestClient(create_app(Settings(database_url=database_url, rate_limit=0)),
                      base_url="http://portal.test", root_path="/api/complaint")


def _staff(client: TestClient, team: str | None) -> dict[str, str]:
    engine = client.app.state.runtime.engine  # type: ignore[attr-defined]
    token = auth.create_token(engine, f"网格员-{team}", ["handler"], subject=team)
    return {"Authorization": f"Bearer {token}"}


def test_the_whole_path_over_http(client: TestClient) -> None:
    form = {"service_code": "road-damage", "lat": str(IN_JIANGBIN[0]),
            "long": str(IN_JIANGBIN[1]), "description": "江滨路人行道塌陷",
            "attribute[severity]": "danger", "phone": "13800138000", "round_location": "on"}
    filed = client.post("/reports", data=form, files={"media": ("p.jpg", photo(), "image/jpeg")},
                        headers={"Accept": "application/json",
                                 "Idempotency-Key": str(uuid.uuid4())})
    assert filed.status_code == 201, filed.text
    mine = filed.json()
    rid, key = mine["service_request_id"], mine["reporter_key"]
    assert mine["stage_label"] == "已派发"
    municipal = _staff(client, "bj-municipal")
    queue = client.get("/staff/queue", headers=municipal).json()
    assert [r["service_request_id"] for r in queue] == [rid]
    assert client.get("/staff/queue", headers=_staff(client, "gx-street")).json() == []
    detail = client.get(f"/staff/reports/{rid}", headers=municipal).json()
    assert detail["contact"]["reporter_phone"] == "13800138000"
    assert detail["lat"] == IN_JIANGBIN[0]
    for path, body in [("accept", {"note": "已到场"}), ("updates", {"note": "明天施工"}),
                       ("close", {"notes": "已修复"})]:
        done = client.post(f"/staff/reports/{rid}/{path}", json=body, headers=municipal)
        assert done.status_code == 200, done.text
    again = client.post(f"/staff/reports/{rid}/updates", json={"note": "x"}, headers=municipal)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert client.get(f"/reports/{rid}").status_code == 403  # no key
    status = client.get(f"/reports/{rid}", headers={"X-Reporter-Key": key}).json()
    assert status["stage_label"] == "已办结" and status["status_notes"] == "已修复"
    assert [h["kind"] for h in status["history"]] == ["submitted", "dispatched", "accepted",
                                                      "updated", "closed"]
    assert client.post(f"/reports/{rid}/reopen", json={"key": key, "reason": "没修好"}
                       ).status_code == 409  # rate first
    rated = client.post(f"/reports/{rid}/rating", json={"key": key, "score": 1, "comment": "差"})
    assert rated.json()["rating"] == 1
    reopened = client.post(f"/reports/{rid}/reopen", json={"key": key, "reason": "没修好"})
    assert reopened.json()["stage_label"] == "重新办理"
    assert reopened.json()["status"] == "open"
    public = client.get(f"/open311/v2/requests/{rid}.json").json()[0]
    validate("requests", [public])
    assert public["lat"] == 28.7 and "13800138000" not in str(public)
    audit = client.get("/audit", headers={"Authorization": "Bearer " + auth.create_token(
        client.app.state.runtime.engine, "审计", ["audit:read"])}).json()  # type: ignore[attr-defined]
    assert [e["action"] for e in audit][-3:] == ["report.close", "report.rate", "report.reopen"]


def test_a_plain_form_post_redirects_to_the_status_page(client: TestClient) -> None:
    answer = client.post("/reports", data={"service_code": "streetlight",
                                           "address_string": "滨江区江滨路 8 号",
                                           "status_page": "/complaint/status/"},
                         headers={"Accept": "text/html"}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/complaint/status/?id=")
    offsite = client.post("/reports", data={"service_code": "streetlight",
                                            "address_string": "江滨路",
                                            "status_page": "//evil.example/"},
                          headers={"Accept": "text/html"}, follow_redirects=False)
    assert offsite.status_code == 201  # never redirected off the portal


def test_triage_and_assignment_over_http(client: TestClient) -> None:
    filed = client.post("/reports", data={"service_code": "garbage", "lat": str(IN_RIVER[0]),
                                          "long": str(IN_RIVER[1]), "attribute[kind]": ["household", "bulky"]})
    rid = filed.json()["service_request_id"]
    assert filed.json()["stage_label"] == "待分拨"
    wrong = client.post(f"/staff/reports/{rid}/assign", json={"cell_id": "BJ-JB-01"},
                        headers=_staff(client, "bj-jiangbin"))
    assert wrong.status_code == 403
    done = client.post(f"/staff/reports/{rid}/assign", json={"cell_id": "BJ-JB-01"},
                       headers=_staff(client, "city-triage"))
    assert done.json()["cell"]["id"] == "BJ-JB-01"
    assert client.post(f"/staff/reports/{rid}/accept", json={}).status_code == 401


def test_near_duplicates_and_me_too_over_http(client: TestClient) -> None:
    filed = client.post("/reports", data={"service_code": "streetlight", "lat": "28.7",
                                          "long": "119.53"}).json()
    near = client.get("/nearby", params={"service_code": "streetlight", "lat": "28.7002",
                                         "long": "119.53"}).json()
    assert [n["service_request_id"] for n in near] == [filed["service_request_id"]]
    assert near[0]["distance_m"] == 22
    first = client.post(f"/reports/{filed['service_request_id']}/metoo", json={}).json()
    second = client.post(f"/reports/{filed['service_request_id']}/metoo", json={}).json()
    assert (first["supporters"], first["counted"], second["counted"]) == (1, True, False)


# -- third-party clients against a real server -----------------------------------------


@pytest.fixture
def live(database_url: str) -> Iterator[tuple[str, Any]]:
    app = create_app(Settings(database_url=database_url, rate_limit=0))
    with serve_app(app, log_level="error") as origin:
        yield f"{origin}/open311/v2", app


def test_third_party_clients_read_and_post(live: tuple[str, Any]) -> None:
    endpoint, app = live
    key = auth.create_token(app.state.runtime.engine, "civicbot", ["open311-client"])
    bot = Open311Client(Endpoint(id="linjiang", name="临江市", base_url=endpoint, write=True),
                        transport=HttpTransport(rate_limiter=RateLimiter(min_interval=0)),
                        jurisdiction_id="linjiang.gov.cn")
    sent = bot.create_request("road-damage", dry_run=False, confirm="SEND", api_key=key,
                              validate_remote=True, lat=IN_JIANGBIN[0], lng=IN_JIANGBIN[1],
                              description="civicbot 提交：路面坑洼",
                              attributes={"severity": "small"})
    rid = sent.response[0]["service_request_id"]
    assert bot.get_request(rid)["description"] == "civicbot 提交：路面坑洼"
    for fmt in ("json", "xml"):
        reader = GeoReport(endpoint, jurisdiction="linjiang.gov.cn", output_format=fmt)
        services = reader.get_service_list()
        assert "道路破损" in [s["service_name"] for s in services]
        definition = reader.get_service_definition("road-damage")
        assert definition["service_code"] == "road-damage"
        found = reader.get_service_request(rid)
        assert found["service_request_id"] == rid and found["status"] == "open"
        listed = reader.get_service_requests(service_code="road-damage", status="open")
        # xmltodict gives a lone <request> as a mapping, several as a list.
        listed = listed if isinstance(listed, list) else [listed]
        assert [r["service_request_id"] for r in listed] == [rid]
