"""Fuzz every function from its own OpenAPI description, and the portal's static side.

Each function's app is loaded with a published rule set, and every operation is called
with generated requests, valid and invalid, as each kind of caller: nobody, a staff
member without the operation's role, and an administrator, each with a real token made
by ``auth.create_token``. No server error, and every response must match the schema,
status codes and content types the function documents. The static side is fuzzed from
a small OpenAPI description of its paths (methods, path segments, request headers) and,
where schemathesis cannot reach (raw bytes in a path), with hypothesis directly.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote_to_bytes

import pytest
import schemathesis
from http_testlib import add_site_files
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import positive_data_acceptance

from functions.runtime import auth
from functions.runtime.http import SECURITY_HEADERS
from functions.runtime.server import build_app, function_names
from functions.runtime.settings import Settings

pytestmark = pytest.mark.integration
MAX_EXAMPLES = 25
#: Who calls: roles of the token sent (``None``: no token at all).
CALLERS: dict[str, list[str] | None] = {
    "anonymous": None, "reader": ["audit:read"], "admin": ["admin"]}
#: An invalid request may also be refused as too large (413): the limits look at the size
#: before anything else. schemathesis' list of rejections lacks it.
CONFIG = SchemathesisConfig.from_dict({"checks": {"negative_data_rejection": {
    "expected-statuses": ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422",
                          "428", "429", "5xx"]}}})
FUZZ = settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))
#: The static side: few examples per (path shape, method, mode), many raw paths.
STATIC_FUZZ = settings(FUZZ, max_examples=15)
RAW_FUZZ = settings(FUZZ, max_examples=300)


def _app(name: str, site_dir: Path, db: Path) -> Any:
    module = importlib.import_module(f"functions.{name}.app")
    return module.create_app(Settings(database_url=f"sqlite:///{db}", rate_limit=0),
                             site_dir=site_dir)


def _headers(app: Any, roles: list[str] | None) -> dict[str, str]:
    if roles is None:
        return {}
    token = auth.create_token(app.state.runtime.engine, "模糊测试", roles)
    return {"Authorization": f"Bearer {token}"}


def _fuzz(strategy: Any, label: str, call: Callable[[Any], None], failures: list[str],
          budget: settings = FUZZ, *, invalid: bool = False) -> int:
    """Run ``call`` on generated cases; note each failure; return how many cases ran."""
    ran = 0

    @budget
    @given(case=strategy)
    def run(case: Any) -> None:
        nonlocal ran
        ran += 1
        try:
            call(case)
        except Exception as exc:
            failures.append(f"{label}: {str(exc)[:800]}")
            raise

    before = len(failures)
    try:
        run()
    except Unsatisfiable:
        if not invalid:
            raise
        # Every parameter takes any string: there is no invalid request to generate.
    except Exception:
        if len(failures) == before:  # not a failure of the app: of the test itself
            raise
        # else hypothesis re-raised the shrunk failure, which ``failures`` already holds
    return ran


def _operations(schema: Any) -> list[Any]:
    """Every operation of ``schema``; one schemathesis cannot read fails the test."""
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()
        operations.append(result.ok())
    return operations


def _asks_for_a_token(op: Any) -> bool:
    """Asked with nothing (no token, no body, placeholder path values), it answers 401."""
    placeholders = dict.fromkeys(re.findall(r"{(\w+)}", op.path), "1")
    return bool(op.Case(path_parameters=placeholders).call().status_code == 401)


def _modes(op: Any) -> list[GenerationMode]:
    """Invalid requests too, where the operation takes anything that can be invalid."""
    takes_input = bool(list(op.iter_parameters())) or bool(op.body)
    return list(GenerationMode) if takes_input else [GenerationMode.POSITIVE]


@pytest.mark.parametrize("caller", list(CALLERS))
@pytest.mark.parametrize("name", function_names())
def test_function_survives_fuzzing_from_its_openapi(name: str, caller: str, site_dir: Path,
                                                     tmp_path: Path) -> None:
    app = _app(name, site_dir, tmp_path / "fuzz.sqlite3")
    headers = _headers(app, CALLERS[caller])
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)
    failures: list[str] = []
    ran = 0

    def validate(case: Any) -> None:
        # Schema-valid is not always acceptable: profiles must use declared facts and
        # rule sets must type-check, which no static schema can say. Every other check
        # runs: no 5xx, documented statuses, content types and schemas.
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    staff_routes = 0
    for op in _operations(schema):
        staff_only = _asks_for_a_token(op)
        staff_routes += staff_only
        if caller != "admin" and not staff_only:
            continue  # a public route answers every caller alike: fuzzed once, as admin
        for mode in _modes(op):
            label = f"{caller} {mode.value} {op.method.upper()} {op.path}"
            ran += _fuzz(op.as_strategy(generation_mode=mode), label, validate, failures,
                         invalid=mode is GenerationMode.NEGATIVE)
    assert ran > 0 and (staff_routes > 0 or caller == "admin")
    assert not failures, "\n\n".join(dict.fromkeys(failures))


def test_staff_routes_do_their_work_for_staff_and_refuse_everyone_else(
        site_dir: Path, tmp_path: Path) -> None:
    """The staff routes reached with real tokens: each caller gets its documented answer."""
    app = _app("match", site_dir, tmp_path / "staff.sqlite3")
    ruleset = json.loads((site_dir / "api/match/rules.json").read_text(encoding="utf-8"))
    ruleset["generated"] = "2024-06-02"  # not the revision the site published at start
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)
    publish = schema["/rulesets"]["POST"]
    audit = schema["/audit"]["GET"]
    expected = {"anonymous": (401, 401), "reader": (403, 200), "admin": (201, 200)}
    for caller, roles in CALLERS.items():
        headers = _headers(app, roles)
        published = publish.Case(body=ruleset).call_and_validate(headers=headers)
        read = audit.Case(query={"limit": 5}).call_and_validate(headers=headers)
        assert (published.status_code, read.status_code) == expected[caller], caller
    assert read.json(), "publishing was not audited"


# -- the static side ------------------------------------------------------------------

_HEADERS = {name: {"type": "string"} for name in (
    "If-None-Match", "If-Modified-Since", "Range", "X-Request-ID", "Accept-Encoding",
    "Accept", "Origin")}
_METHODS = ("get", "head", "options", "post", "put", "patch", "delete")


def _static_spec() -> dict[str, Any]:
    """An OpenAPI description of the static side: a few path shapes, every method."""
    def operations(params: list[str]) -> dict[str, Any]:
        parameters = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                      for p in params]
        parameters += [{"name": h, "in": "header", "required": False, "schema": s}
                       for h, s in _HEADERS.items()]
        return {m: {"parameters": parameters, "responses": {"default": {"description": "任意"}}}
                for m in _METHODS}
    return {"openapi": "3.0.3", "info": {"title": "静态网站", "version": "1"}, "paths": {
        "/": operations([]),
        "/{page}": operations(["page"]),
        "/{section}/{page}": operations(["section", "page"]),
        "/search/{shard}": operations(["shard"]),
        "/api/match/{name}": operations(["name"]),
    }}


def _portal(site_dir: Path, tmp_path: Path) -> Any:
    add_site_files(site_dir)
    (site_dir / "loop").symlink_to("loop")  # ELOOP: a name no file has, so 404
    return build_app(site_dir, database_url=f"sqlite:///{tmp_path / 'static.sqlite3'}")


def test_static_side_survives_fuzzing_from_a_description_of_its_paths(
        site_dir: Path, tmp_path: Path) -> None:
    schema = schemathesis.openapi.from_dict(_static_spec())
    schema.app = _portal(site_dir, tmp_path)
    failures: list[str] = []
    ran = 0

    def call(case: Any) -> None:
        response = case.call()
        assert response.status_code < 500, \
            (case.method, case.formatted_path, response.status_code, response.text[:200])
        for header, value in SECURITY_HEADERS.items():
            assert response.headers.get(header.lower()) == [value], (case.method, header)

    for op in _operations(schema):
        # Every parameter is any string: there are no invalid requests to generate.
        label = f"{op.method.upper()} {op.path}"
        ran += _fuzz(op.as_strategy(), label, call, failures, STATIC_FUZZ)
    assert ran > 0
    assert not failures, "\n\n".join(dict.fromkeys(failures))


_SEGMENT = st.one_of(
    st.text(alphabet=string.ascii_letters + string.digits + "-_.~", max_size=12),
    st.sampled_from(["..", ".", "%00", "%2e%2e", "%2F", "%ff", "%c0%af", "index.html",
                     "search", "api", "match", "rules.json", "t-0123456789ab.tdz", "a" * 256,
                     quote("政" * 90), "%E6%94%BF", "\\", "%5c", "..%2f", "~root", "loop"]),
    st.text(max_size=8).map(lambda t: "".join(f"%{b:02X}" for b in t.encode("utf-8"))),
)
_RAW_PATH = st.lists(_SEGMENT, max_size=8).map(lambda parts: "/" + "/".join(parts))
_METHOD = st.sampled_from(["GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH",
                           "TRACE", "CONNECT", "PROPFIND", "BREW", "get"])


async def _asgi(app: Any, method: str, raw_path: str) -> tuple[int, dict[bytes, bytes]]:
    """One request straight into the app, the path decoded as uvicorn decodes it."""
    raw = raw_path.encode("ascii")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": method, "scheme": "http", "server": ("127.0.0.1", 80),
             "client": ("127.0.0.1", 5000), "root_path": "", "query_string": b"",
             "path": unquote_to_bytes(raw).decode("utf-8", "replace"), "raw_path": raw,
             "headers": [(b"host", b"127.0.0.1")]}
    sent: list[dict[str, Any]] = []
    asked: list[bool] = []

    async def receive() -> dict[str, Any]:
        if not asked:
            asked.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client stays connected until the answer is sent
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = sent[0]
    return start["status"], dict(start["headers"])


def test_static_side_survives_raw_paths_and_methods(site_dir: Path, tmp_path: Path) -> None:
    app = _portal(site_dir, tmp_path)
    seen: list[int] = []

    @RAW_FUZZ
    @given(method=_METHOD, raw_path=_RAW_PATH)
    @example(method="GET", raw_path="/")
    @example(method="GET", raw_path="/index.html%00")
    @example(method="HEAD", raw_path="/" + "a" * 256)
    @example(method="DELETE", raw_path="/")
    @example(method="GET", raw_path="/loop")
    def run(method: str, raw_path: str) -> None:
        status, headers = asyncio.run(_asgi(app, method, raw_path))
        seen.append(status)
        assert status < 500, (method, raw_path, status)  # the symlink loop too: 404
        assert headers[b"content-security-policy"].decode() == \
            SECURITY_HEADERS["Content-Security-Policy"]

    run()
    assert len(seen) >= RAW_FUZZ.max_examples and {200, 400, 404, 405} <= set(seen)


def test_openapi_documents_problem_responses(site_dir: Path, tmp_path: Path) -> None:
    """Every error is documented: problem+json, or a standard's own errors where a function
    implements one (the complaint function's Open311 routes answer 400 in Open311's format)."""
    for name in function_names():
        spec = _app(name, site_dir, tmp_path / f"{name}.sqlite3").openapi()
        assert "ProblemDetail" in spec["components"]["schemas"]
        for path, operations in spec["paths"].items():
            for operation in operations.values():
                responses = operation["responses"]
                if "/open311/" in path:
                    assert "422" not in responses and "text/xml" in responses["400"]["content"]
                else:
                    assert "application/problem+json" in json.dumps(responses["422"]), path
                assert "500" in responses, path
