"""The OpenAPI description of the Open311 routes: both formats, the standard's errors.

The runtime documents every error as ``application/problem+json``; under ``/open311/v2/``
errors are the standard's ``errors`` list instead (:class:`app.Open311Errors` rewrites the
runtime's own refusals), so those operations' responses are described again here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PREFIX = "/open311/v2/"
ERROR_STATUSES = ("400", "401", "403", "404", "409", "413", "415", "429", "500", "503")
_ERRORS = {"type": "array", "items": {"type": "object", "required": ["code", "description"],
                                      "properties": {"code": {"type": "integer"},
                                                     "description": {"type": "string"}}}}
_XML = {"type": "string", "description": "同一内容的 XML（Open311 元素名）"}
#: What each operation answers with in JSON (the XML is the same document).
_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("get", "discovery"): {"type": "object"},
    ("get", "services"): {"type": "array", "items": {"type": "object"}},
    ("get", "services/{code}"): {"type": "object"},
    ("get", "requests"): {"type": "array", "items": {"type": "object"}},
    ("post", "requests"): {"type": "array", "items": {"type": "object"}},
    ("get", "requests/{request_id}"): {"type": "array", "items": {"type": "object"}},
    ("get", "tokens/{token}"): {"type": "array", "items": {"type": "object"}},
}
#: The form of ``POST requests`` (Open311 fields and Tongda's ``round_location``).
POST_FORM = {
    "type": "object", "required": ["service_code"],
    "properties": {
        "api_key": {"type": "string"}, "jurisdiction_id": {"type": "string"},
        "service_code": {"type": "string"}, "lat": {"type": "number"},
        "long": {"type": "number"}, "address_string": {"type": "string"},
        "address_id": {"type": "string"}, "email": {"type": "string"},
        "device_id": {"type": "string"}, "account_id": {"type": "string"},
        "first_name": {"type": "string"}, "last_name": {"type": "string"},
        "phone": {"type": "string"}, "description": {"type": "string", "maxLength": 4000},
        "media_url": {"type": "string"}, "round_location": {"type": "boolean"},
        "media": {"type": "string", "format": "binary", "description": "照片（Tongda 扩展）"},
    },
}


def _both(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": schema}, "text/xml": {"schema": _XML}}}


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """Describe the Open311 operations of ``schema`` (the runtime's OpenAPI) in place."""
    for path, operations in schema.get("paths", {}).items():
        if not path.startswith(PREFIX):
            continue
        name = path[len(PREFIX):].rsplit(".", 1)[0]
        for method, operation in operations.items():
            body = _BODIES.get((method, name), {"type": "object"})
            responses = {"200": _both(body, "成功")}
            for status in ERROR_STATUSES:
                responses[status] = _both(_ERRORS, "Open311 错误（errors）")
            operation["responses"] = responses
            if method == "post":
                operation["requestBody"] = {"required": True, "content": {
                    "application/x-www-form-urlencoded": {"schema": POST_FORM},
                    "multipart/form-data": {"schema": POST_FORM}}}
    return schema


def wrap(openapi: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    """The app's ``openapi`` with the Open311 operations described (once)."""
    done: list[dict[str, Any]] = []

    def described() -> dict[str, Any]:
        if not done:
            done.append(document(openapi()))
        return done[0]

    return described
