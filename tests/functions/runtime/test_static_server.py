"""The one-origin server's static side, as ``tongda serve`` and a deployment run it.

Each test is one thing an attacker or a browser found: methods the site does not take,
a NUL byte or an overlong name in a path, missing security headers, content-hashed files
without long-lived caching. None of them may answer 500.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from http_testlib import add_site_files

from functions.runtime.http import (
    CACHE_IMMUTABLE,
    CACHE_REVALIDATE,
    SECURITY_HEADERS,
    is_content_hashed,
)
from functions.runtime.server import build_app

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"


@pytest.fixture
def files(site_dir: Path) -> dict[str, str]:
    return add_site_files(site_dir)


@pytest.fixture
def portal(site_dir: Path, files: dict[str, str], tmp_path: Path) -> Iterator[TestClient]:
    app = build_app(site_dir, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])
    return body


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "TRACE", "PROPFIND"])
@pytest.mark.parametrize("path", ["/", "/index.html", "/policies/rd/", "/no/such/page"])
def test_methods_the_site_does_not_take_are_405_with_allow(portal: TestClient, method: str,
                                                           path: str) -> None:
    response = portal.request(method, path, content=b"x=1")
    _problem(response, 405)
    assert response.headers["allow"] == "GET, HEAD, OPTIONS"


def test_options_says_what_the_site_takes(portal: TestClient) -> None:
    response = portal.options("/index.html")
    assert response.status_code == 204 and response.content == b""
    assert response.headers["allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("path", ["/%00", "/index.html%00.css", "/policies/%00/",
                                  "/api/match/%00", "/api/match/rules.json%00"])
def test_a_nul_byte_in_a_path_is_400(portal: TestClient, path: str) -> None:
    _problem(portal.get(path), 400)


@pytest.mark.parametrize("path", [
    "/" + "a" * 256,                       # one segment over 255 bytes
    "/policies/" + "政" * 86 + "/",        # 258 bytes of UTF-8 in 86 characters
    "/" + "a/" * 1100,                     # a path longer than any file's
    "/api/match/" + "b" * 300,
])
def test_overlong_paths_and_segments_are_404(portal: TestClient, path: str) -> None:
    body = _problem(portal.get(path), 404)
    assert "instance" not in body  # the refused path is not echoed back


@pytest.mark.parametrize("path", ["/loop", "/loop/", "/loop/index.html", "/a/../loop"])
def test_a_symbolic_link_loop_in_the_site_folder_is_404_not_a_server_error(
        portal: TestClient, site_dir: Path, path: str) -> None:
    (site_dir / "loop").symlink_to("loop")  # ELOOP: no file system can resolve it
    _problem(portal.get(path), 404)


def test_a_missing_page_is_the_sites_404_page(portal: TestClient) -> None:
    response = portal.get("/no/such/page/")
    assert response.status_code == 404 and "找不到页面" in response.text
    assert response.headers["cache-control"] == CACHE_REVALIDATE


def _assert_security_headers(response: Any) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (name, response.request.url)
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-request-id"]


def test_every_kind_of_answer_carries_the_security_headers(portal: TestClient,
                                                           files: dict[str, str]) -> None:
    answers = [portal.get("/"), portal.get(files["shard"]), portal.get(files["css"]),
               portal.get("/no/such/page/"), portal.post("/"), portal.options("/"),
               portal.get("/%00"), portal.get("/" + "a" * 300), portal.head("/"),
               portal.get("/api/match/rules.json"), portal.get("/api/match/rulesets/current"),
               portal.get("/api/match/nothing"), portal.delete("/api/match/match")]
    for response in answers:
        assert response.status_code < 500
        _assert_security_headers(response)


def test_https_answers_add_strict_transport_security(site_dir: Path, files: dict[str, str],
                                                     tmp_path: Path) -> None:
    app = build_app(site_dir, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with TestClient(app, base_url="https://portal.example") as client:
        assert client.get("/").headers["strict-transport-security"] == "max-age=31536000"
    with TestClient(app) as client:
        assert "strict-transport-security" not in client.get("/").headers


def test_content_hashed_files_are_immutable_and_nothing_else(portal: TestClient,
                                                             files: dict[str, str]) -> None:
    for name in ("shard", "page"):
        assert is_content_hashed(files[name])
        response = portal.get(files[name])
        assert response.status_code == 200
        assert response.headers["cache-control"] == CACHE_IMMUTABLE
        again = portal.get(files[name], headers={"if-none-match": response.headers["etag"]})
        assert again.status_code == 304 and again.headers["cache-control"] == CACHE_IMMUTABLE
    for name in ("manifest", "css"):
        assert portal.get(files[name]).headers["cache-control"] == CACHE_REVALIDATE
    for path in ("/", "/policies/rd/", "/api/match/rules.json"):
        response = portal.get(path)
        assert response.status_code == 200 and response.headers["cache-control"] == CACHE_REVALIDATE
    # A name that looks hashed but is not there must not be cached for a year.
    missing = portal.get("/search/t-000000000000.tdz")
    assert missing.status_code == 404 and missing.headers["cache-control"] == CACHE_REVALIDATE


@pytest.mark.parametrize("key", ["home", "css", "shard", "rules"])
def test_head_answers_every_static_get(portal: TestClient, files: dict[str, str],
                                       key: str) -> None:
    path = {"home": "/", "rules": "/api/match/rules.json"}.get(key) or files[key]
    get, head = portal.get(path), portal.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    for name in ("content-type", "content-length", "etag", "cache-control"):
        assert head.headers[name] == get.headers[name]


def test_a_function_that_cannot_start_answers_503_and_the_portal_goes_on(
        site_dir: Path, files: dict[str, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    real = importlib.import_module

    def failing(name: str, *args: Any) -> Any:
        if name == "functions.complaint.app":  # e.g. an optional dependency is missing
            raise ModuleNotFoundError("No module named 'shapely'", name="shapely")
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", failing)
    app = build_app(site_dir, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with TestClient(app, raise_server_exceptions=False) as client:
        body = _problem(client.get("/api/complaint/open311/v2/services.json"), 503)
        assert "complaint" in body["detail"]
        assert client.get("/api/match/facts").status_code in (200, 503)  # its own answer
        assert client.get("/api/match/openapi.json").status_code == 200
        assert client.get("/").status_code == 200
