"""Open311 GeoReport v2 over HTTP, on SQLite and PostgreSQL: every endpoint in JSON and
XML against the conformance schemas, the standard's errors, and refused input storing
nothing."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from complaint_testlib import photo, validate, xml_data
from conftest import IN_JIANGBIN, IN_RIVER, OUTSIDE
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from functions.complaint.app import create_app
from functions.complaint.service import Limits
from functions.complaint.store import events, media, reports
from functions.runtime import audit, auth
from functions.runtime.settings import Settings

pytestmark = pytest.mark.integration
V2 = "/open311/v2"
FORMATS = ["json", "xml"]


@pytest.fixture
def client(database_url: str, tmp_path: Any) -> TestClient:
    settings = Settings(database_url=database_url, rate_limit=0)
    return TestClient(create_app(settings, limits=Limits(photo_bytes=1024 * 1024)),
                      base_url="https://example.gov.cn", root_path="/api/complaint")


@pytest.fixture
def api_key(client: TestClient) -> str:
    return auth.create_token(client.app.state.runtime.engine, "随手拍App", ["open311-client"])  # type: ignore[attr-defined]


def read(response: httpx.Response, fmt: str, root: str) -> Any:
    """The body in the JSON shape, checking the content type and the XML root."""
    if fmt == "json":
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        return response.json()
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    tag, data = xml_data(response.content)
    assert tag == root
    return data


def post(client: TestClient, fmt: str, data: dict[str, Any], *, files: Any = None,
         headers: dict[str, str] | None = None) -> httpx.Response:
    return client.post(f"{V2}/requests.{fmt}", data=data, files=files, headers=headers)


def road(api_key: str | None, **extra: Any) -> dict[str, Any]:
    form = {"service_code": "road-damage", "lat": str(IN_JIANGBIN[0]),
            "long": str(IN_JIANGBIN[1]), "description": "江滨路人行道塌陷",
            "attribute[severity]": "large", "jurisdiction_id": "linjiang.gov.cn", **extra}
    if api_key:
        form["api_key"] = api_key
    return form


def stored(client: TestClient) -> list[int]:
    engine = client.app.state.runtime.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        return [int(conn.scalar(select(func.count()).select_from(t)) or 0)
                for t in (reports, events, media)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_services_and_definitions(client: TestClient, fmt: str) -> None:
    doc = read(client.get(f"{V2}/discovery.{fmt}"), fmt, "discovery")
    validate("discovery", doc)
    assert doc["endpoints"][0]["url"] == "https://example.gov.cn/api/complaint/open311/v2/"
    services = read(client.get(f"{V2}/services.{fmt}",
                               params={"jurisdiction_id": "linjiang.gov.cn"}), fmt, "services")
    validate("services", services)
    codes = {s["service_code"]: s for s in services}
    assert codes["road-damage"]["service_name"] == "道路破损"
    assert codes["suggestion"]["metadata"] is False and codes["suggestion"]["type"] == "batch"
    for code in codes:
        definition = read(client.get(f"{V2}/services/{code}.{fmt}"), fmt, "service_definition")
        validate("service_definition", definition)
        assert definition["service_code"] == code
    garbage = read(client.get(f"{V2}/services/garbage.{fmt}"), fmt, "service_definition")
    kind = garbage["attributes"][0]
    assert kind["datatype"] == "multivaluelist" and kind["required"] is True
    assert {"key": "bulky", "name": "大件家具"} in kind["values"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_then_read_the_request_and_its_token(client: TestClient, api_key: str,
                                                  fmt: str) -> None:
    created = read(post(client, fmt, road(api_key, email="zhang@example.com",
                                          first_name="三", last_name="张",
                                          phone="13800138000", account_id="acct-1")),
                   fmt, "service_requests")
    validate("post", created)
    assert created[0]["account_id"] == "acct-1"
    rid = created[0]["service_request_id"]
    one = read(client.get(f"{V2}/requests/{rid}.{fmt}"), fmt, "service_requests")
    validate("requests", one)
    request = one[0]
    assert (request["service_request_id"], request["status"]) == (rid, "open")
    assert request["agency_responsible"] == "滨江区城市管理局（市政设施）"
    assert "72 小时" in request["service_notice"]
    for secret in ("zhang@example.com", "13800138000", "张", "acct-1"):
        assert secret not in json.dumps(request, ensure_ascii=False)
    token = client.app.state.complaint.service.get(rid).token  # type: ignore[attr-defined]
    resolved = read(client.get(f"{V2}/tokens/{token}.{fmt}"), fmt, "service_requests")
    validate("token", resolved)
    assert resolved[0]["service_request_id"] == rid


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_batch_service_answers_with_a_token(client: TestClient, api_key: str, fmt: str) -> None:
    created = read(post(client, fmt, {"service_code": "suggestion", "api_key": api_key,
                                      "address_string": "滨江区江滨公园", "description": "建议多设座椅"}),
                   fmt, "service_requests")
    validate("post", created)
    assert "service_request_id" not in created[0]
    resolved = read(client.get(f"{V2}/tokens/{created[0]['token']}.{fmt}"), fmt,
                    "service_requests")
    assert resolved[0]["service_request_id"].isdigit()


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests_filters_and_limits(client: TestClient, api_key: str, fmt: str) -> None:
    post(client, fmt, road(api_key))
    post(client, fmt, {"service_code": "streetlight", "api_key": api_key,
                       "lat": str(IN_RIVER[0]), "long": str(IN_RIVER[1])})
    everything = read(client.get(f"{V2}/requests.{fmt}"), fmt, "service_requests")
    validate("requests", everything)
    assert [r["service_code"] for r in everything] == ["streetlight", "road-damage"]
    lights = read(client.get(f"{V2}/requests.{fmt}", params={"service_code": "streetlight"}),
                  fmt, "service_requests")
    assert [r["service_code"] for r in lights] == ["streetlight"]
    assert read(client.get(f"{V2}/requests.{fmt}", params={"status": "closed"}), fmt,
                "service_requests") == []
    both = ",".join(r["service_request_id"] for r in everything)
    by_id = read(client.get(f"{V2}/requests.{fmt}", params={"service_request_id": both,
                                                            "status": "closed"}),
                 fmt, "service_requests")
    assert len(by_id) == 2  # ids override the other filters
    old = read(client.get(f"{V2}/requests.{fmt}", params={
        "start_date": "2020-01-01T00:00:00Z", "end_date": "2020-03-01T00:00:00+08:00"}),
        fmt, "service_requests")
    assert old == []
    for params in ({"start_date": "2020-01-01T00:00:00Z", "end_date": "2020-06-01T00:00:00Z"},
                   {"start_date": "昨天"}, {"status": "pending"}, {"start_date": "2026-01-01"},
                   {"service_request_id": "1,abc"}):
        refused = client.get(f"{V2}/requests.{fmt}", params=params)
        assert refused.status_code == 400, params
        validate("errors", read(refused, fmt, "errors"))


def _error(response: httpx.Response, fmt: str, status: int, words: str) -> None:
    assert response.status_code == status, response.text
    errors = read(response, fmt, "errors")
    validate("errors", errors)
    assert errors[0]["code"] == status
    assert words in errors[0]["description"], errors[0]["description"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_bad_input_gets_the_standard_error_and_stores_nothing(
        client: TestClient, api_key: str, fmt: str) -> None:
    cases = [
        (road(None), None, 403, "缺少 api_key"),
        (road("tdk_not-a-token"), None, 403, "api_key 无效"),
        (road(api_key, service_code="fly-tipping"), None, 404, "问题类型"),
        (road(api_key, description="坑" * 5000), None, 400, "4000"),
        (road(api_key, lat=str(OUTSIDE[0]), long=str(OUTSIDE[1])), None, 400, "管辖范围"),
        (road(api_key, jurisdiction_id="beijing.gov.cn"), None, 404, "jurisdiction_id"),
        (road(api_key, **{"attribute[severity]": "huge"}), None, 400, "可选项"),
        (road(api_key, lat="北纬28度"), None, 400, "应为数字"),
        (road(api_key), {"media": ("photo.jpg", b"<script>alert(1)</script>", "image/jpeg")},
         400, "不是 JPEG"),
        (road(api_key), {"media": ("photo.jpg", photo() + bytes(1024 * 1024), "image/jpeg")},
         400, "不能超过 1 MB"),
        # Over the route's body limit (photo limit plus the form's room): the runtime
        # refuses it before reading it, and the answer is still the standard's error.
        (road(api_key), {"media": ("photo.jpg", bytes(2 * 1024 * 1024), "image/jpeg")},
         413, "请求体不能超过"),
    ]
    for form, files, status, words in cases:
        _error(post(client, fmt, form, files=files), fmt, status, words)
    assert stored(client) == [0, 0, 0]
    assert audit.entries(client.app.state.runtime.engine, function="complaint") == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", FORMATS)
def test_reads_of_what_does_not_exist_are_404(client: TestClient, fmt: str) -> None:
    _error(client.get(f"{V2}/services/nothing.{fmt}"), fmt, 404, "问题类型")
    _error(client.get(f"{V2}/requests/999.{fmt}"), fmt, 404, "999")
    _error(client.get(f"{V2}/requests/abc.{fmt}"), fmt, 404, "abc")
    _error(client.get(f"{V2}/tokens/{'0' * 32}.{fmt}"), fmt, 404, "token")
    _error(client.get(f"{V2}/services.{fmt}", params={"jurisdiction_id": "x.gov.cn"}), fmt, 404,
           "jurisdiction_id")


def test_an_unknown_format_is_a_json_error(client: TestClient) -> None:
    response = client.get(f"{V2}/services.csv")
    assert response.status_code == 400  # the standard's status for a request it cannot take
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    validate("errors", response.json())


def test_a_photo_becomes_the_media_url_without_metadata(client: TestClient, api_key: str) -> None:
    created = post(client, "json", road(api_key), files={"media": ("p.jpg", photo(), "image/jpeg")})
    rid = created.json()[0]["service_request_id"]
    request = client.get(f"{V2}/requests/{rid}.json").json()[0]
    url = request["media_url"]
    assert url.startswith("https://example.gov.cn/api/complaint/media/")
    image = client.get(url)
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert b"TongdaPhone" not in image.content and b"GPS" not in image.content
    assert "immutable" in image.headers["cache-control"]


def test_a_media_url_is_stored_but_never_fetched(client: TestClient, api_key: str) -> None:
    # Nothing listens on this port: fetching it would fail the request or hang.
    link = "http://127.0.0.1:9/photo.jpg"
    created = post(client, "json", road(api_key, media_url=link))
    rid = created.json()[0]["service_request_id"]
    assert client.get(f"{V2}/requests/{rid}.json").json()[0]["media_url"] == link


def test_the_same_idempotency_key_files_one_report(client: TestClient, api_key: str) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = post(client, "xml", road(api_key), headers=key)
    again = post(client, "xml", road(api_key), headers=key)
    assert first.status_code == again.status_code == 200
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["content-type"].startswith("text/xml")
    assert first.content == again.content
    assert stored(client)[0] == 1


def test_a_client_over_its_hourly_limit_gets_429(database_url: str) -> None:
    app = create_app(Settings(database_url=database_url, rate_limit=0),
                     limits=Limits(per_client=2))
    client = TestClient(app)
    key = auth.create_token(app.state.runtime.engine, "App", ["open311-client"])
    for number in range(2):
        assert post(client, "json", road(key, phone=f"1390000000{number}")).status_code == 200
    refused = post(client, "json", road(key, phone="13900000009"))
    _error(refused, "json", 429, "一小时内")
    assert refused.headers["retry-after"] == "600"


def test_a_token_without_the_role_cannot_post(client: TestClient) -> None:
    engine = client.app.state.runtime.engine  # type: ignore[attr-defined]
    handler = auth.create_token(engine, "网格员", ["handler"])
    _error(post(client, "json", road(handler)), "json", 403, "open311-client")
    # The key may also come as a bearer token or in the query string.
    key = auth.create_token(engine, "App", ["open311-client"])
    assert post(client, "json", road(None), headers={"Authorization": f"Bearer {key}"}
                ).status_code == 200
    assert client.post(f"{V2}/requests.json?api_key={key}", data=road(None)).status_code == 200


def test_without_its_data_the_function_answers_503_and_does_not_stop_the_portal(
        database_url: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TONGDA_COMPLAINT_DATA", str(tmp_path))  # an empty folder
    client = TestClient(create_app(Settings(database_url=database_url, rate_limit=0)))
    for fmt in FORMATS:
        _error(client.get(f"{V2}/services.{fmt}"), fmt, 503, "complaint.yml")
    refused = client.get("/nearby", params={"service_code": "x", "lat": "1", "long": "1"})
    assert refused.status_code == 503
    assert refused.headers["content-type"] == "application/problem+json"
    from functions.complaint.catalog import CatalogError

    with pytest.raises(CatalogError):  # named explicitly, it must be there
        create_app(Settings(database_url=database_url), data_dir=tmp_path)
