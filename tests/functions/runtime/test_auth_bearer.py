"""The ``Authorization`` header as staff tools send it, and the answers they read: which
headers carry a token, the 401 reasons and challenges, the role a route needs (403)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from functions.runtime import auth, roles
from functions.runtime.factory import create_function_app
from functions.runtime.limits import JsonRoute
from functions.runtime.problems import Problem
from functions.runtime.settings import Settings

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"
MISSING = "请在 Authorization 请求头中提供工作人员令牌：Bearer <令牌>。"
CHALLENGE = 'Bearer realm="tongda"'
INVALID = 'Bearer realm="tongda", error="invalid_token"'


def _portal(folder: Path) -> Iterator[tuple[TestClient, str]]:
    """A function with one route for ``match:publish`` and the audit log; an auditor's
    token (``audit:read``)."""
    router = APIRouter(route_class=JsonRoute)
    publisher = auth.require("match:publish")

    @router.get("/publish-check")
    def check(staff: auth.Staff = Depends(publisher)) -> dict[str, str]:
        return {"actor": staff.actor}

    app: FastAPI = create_function_app(
        name="t", title="t", description="t", version="1", routers=[router],
        settings=Settings(database_url=f"sqlite:///{folder / 'db.sqlite3'}", rate_limit=0))
    with TestClient(app) as client:
        token = auth.create_token(app.state.runtime.engine, "王审计", ["audit:read"])
        yield client, token
    app.state.runtime.dispose()


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    """One portal for the many header tests (they only send requests)."""
    yield from _portal(tmp_path_factory.mktemp("auth"))


@pytest.fixture
def publishing(tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    """A portal of the test's own: the route's role is declared while the test runs."""
    yield from _portal(tmp_path)


@pytest.mark.parametrize("header", [
    None, "", "   ", "Bearer", "Bearer ", "Bearer    ", "Basic dXNlcjpwYXNz", "Token abc",
    "Bearertdk_abc", "Bearer\ttdk_abc",
])
def test_a_header_without_a_bearer_token_is_told_how_to_send_one(
        portal: tuple[TestClient, str], header: str | None) -> None:
    client, _ = portal
    response = client.get("/audit", headers={} if header is None else {"Authorization": header})
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["www-authenticate"] == CHALLENGE
    body = response.json()
    assert (body["title"], body["detail"], body["reason"]) == ("需要登录凭证", MISSING,
                                                               "missing_token")


@pytest.mark.parametrize("form", ["Bearer {}", "bearer {}", "  Bearer {}  ", "Bearer    {}",
                                  "BEARER {}\t"])
def test_every_spelling_of_a_bearer_token_is_read(portal: tuple[TestClient, str],
                                                  form: str) -> None:
    client, token = portal
    assert client.get("/audit", headers={"Authorization": form.format(token)}).status_code == 200


MANGLED = {"one more": lambda t: t + "x", "one less": lambda t: t[:-1],
           "prefixed": lambda t: "x" + t, "twice": lambda t: f"{t} {t}"}


@pytest.mark.parametrize("how", list(MANGLED))
def test_a_mangled_token_is_invalid_not_missing(portal: tuple[TestClient, str],
                                                how: str) -> None:
    client, token = portal
    value = MANGLED[how](token)
    response = client.get("/audit", headers={"Authorization": f"Bearer {value}"})
    assert response.status_code == 401 and response.headers["www-authenticate"] == INVALID
    body = response.json()
    assert body["reason"] == "invalid_token"
    assert body["detail"] == "令牌无效：没有这个令牌。请检查是否抄写完整，或向管理员申请新的令牌。"


def test_a_token_without_the_routes_role_is_403_naming_it(
        publishing: tuple[TestClient, str]) -> None:
    client, token = publishing
    response = client.get("/publish-check", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403 and response.headers["content-type"] == PROBLEM
    body = response.json()
    assert (body["title"], body["reason"]) == ("没有权限", "missing_role")
    assert body["detail"] == "此操作需要“match:publish”角色，当前令牌没有。请向管理员申请。"


def test_the_role_or_admin_passes_and_the_handler_knows_who(
        publishing: tuple[TestClient, str]) -> None:
    client, _ = publishing
    engine = client.app.state.runtime.engine  # type: ignore[attr-defined]
    for role in ("match:publish", "admin"):
        issued = auth.issue_token(engine, "李工", [role])
        response = client.get("/publish-check",
                              headers={"Authorization": f"Bearer {issued.token}"})
        assert response.json() == {"actor": f"token:{issued.info.id}:李工"}


def test_a_route_cannot_require_a_role_nobody_declared() -> None:
    with pytest.raises(roles.RoleError, match="未声明的角色：match:pubish"):
        auth.require("match:pubish")


@settings(max_examples=100, deadline=None)
@given(held=st.sets(st.sampled_from(["audit:read", "match:publish", "admin", "apply:review"]),
                    max_size=3),
       wanted=st.sampled_from(["audit:read", "match:publish", "apply:review"]))
def test_staff_hold_a_role_when_given_it_or_admin(held: set[str], wanted: str) -> None:
    staff = auth.Staff("李工", frozenset(held), "abc")
    assert staff.has(wanted) is (wanted in held or "admin" in held)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_no_header_without_a_token_after_the_scheme_reaches_the_database(header: str) -> None:
    """Whatever the header, ``authenticate`` answers with a 401 problem before any lookup
    when it does not read ``Bearer <something>``."""
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() == "bearer" and rest.strip():
        return
    with pytest.raises(Problem) as refused:
        auth.authenticate(None, header)  # type: ignore[arg-type]  # never used
    assert refused.value.status == 401 and refused.value.extra == {"reason": "missing_token"}
    assert refused.value.headers == {"WWW-Authenticate": CHALLENGE}
