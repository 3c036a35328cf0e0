"""A function on a serverless platform: the Mangum handler answers API Gateway events."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from mangum import Mangum

from functions.match.app import create_app
from functions.runtime.settings import Settings

pytestmark = pytest.mark.integration


def _event(method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) event, as AWS Lambda delivers it."""
    raw = json.dumps(body).encode() if body is not None else b""
    return {
        "version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": "",
        "headers": {"host": "api.example.gov.cn", "content-type": "application/json",
                    "x-forwarded-for": "203.0.113.9", "x-forwarded-proto": "https",
                    "x-forwarded-port": "443"},
        "requestContext": {
            "accountId": "123456789012", "apiId": "api", "domainName": "api.example.gov.cn",
            "domainPrefix": "api", "requestId": "req-1", "routeKey": "$default",
            "stage": "$default", "time": "05/Dec/2026:05:00:00 +0000", "timeEpoch": 0,
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                     "sourceIp": "203.0.113.9", "userAgent": "test"}},
        "body": base64.b64encode(raw).decode() if raw else None,
        "isBase64Encoded": bool(raw),
    }


class _Context:
    function_name = "tongda-match"
    aws_request_id = "req-1"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


_CONTEXT: Any = _Context()  # what Mangum reads of the Lambda context


def _body(response: dict[str, Any]) -> Any:
    text = response["body"]
    if response.get("isBase64Encoded"):
        text = base64.b64decode(text).decode()
    return json.loads(text)


def test_the_match_function_answers_lambda_events(site_dir: Path, tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}"),
                     site_dir=site_dir)
    handler = Mangum(app, lifespan="off")
    current = handler(_event("GET", "/rulesets/current"), _CONTEXT)
    assert current["statusCode"] == 200 and _body(current)["revision"] == 1
    profile = {"revenue": 3_000_000_000, "rd_spend": 100_000_000, "tags": ["高新技术企业"],
               "years": 5}
    matched = handler(_event("POST", "/match", {"subject": "enterprise", "profile": profile}),
                      _CONTEXT)
    assert matched["statusCode"] == 200
    assert _body(matched)["results"][0]["policy"]["id"] == "rd-subsidy"
    refused = handler(_event("POST", "/match", {"subject": "planet", "profile": {}}), _CONTEXT)
    assert refused["statusCode"] == 422
    assert refused["headers"]["content-type"] == "application/problem+json"
