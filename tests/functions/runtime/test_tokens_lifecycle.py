"""A staff token's life as staff and operators see it: what is stored when it is made, the
exact day it stops working, revocation (twice), the list, and the audit entries.

Runs on SQLite and PostgreSQL (``database_url``): stored times must come back as the same
UTC instants from either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from functions.runtime import audit, auth
from functions.runtime.auth import TokenError, TokenInfo
from functions.runtime.db import make_engine, migrate
from functions.runtime.problems import Problem
from tests.functions.runtime.test_tokens import first_release_token

pytestmark = pytest.mark.integration
T0 = dt.datetime(2024, 6, 1, 9, 30, 15, tzinfo=dt.UTC)
REVOKED = "已于 {at} (UTC) 被吊销，请向管理员申请新的令牌。"
EXPIRED = "已于 {at} (UTC) 过期，请向管理员申请新的令牌。"
INVALID = {"WWW-Authenticate": 'Bearer realm="tongda", error="invalid_token"'}


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate(engine, "runtime", audit.MIGRATIONS + auth.MIGRATIONS)
    yield engine
    engine.dispose()


def _refusal(engine: Engine, header: str | None, now: dt.datetime | None = None) -> Problem:
    with pytest.raises(Problem) as refused:
        auth.authenticate(engine, header, now=now)
    return refused.value


def _audited(engine: Engine) -> list[tuple[str, str, str, dict[str, Any]]]:
    return [(e["actor"], e["action"], e["target"], e["detail"])
            for e in audit.entries(engine) if e["function"] == "runtime"]


def test_a_new_token_is_stored_as_given_and_shown_only_once(engine: Engine) -> None:
    issued = auth.issue_token(engine, "  李工  ", ["match:publish", "audit:read", "audit:read"],
                              subject=" E1024 ", days=30, now=T0, actor="token:abc:管理员")
    info = issued.info
    assert re.fullmatch(r"[0-9a-f]{12}", info.id)
    assert re.fullmatch(r"tdk_[A-Za-z0-9_-]{43}", issued.token)
    assert info == TokenInfo(id=info.id, name="李工", roles=("audit:read", "match:publish"),
                             subject="E1024", created_at=T0,
                             expires_at=T0 + dt.timedelta(days=30), revoked_at=None)
    assert auth.list_tokens(engine) == [info]  # the same, read back from the database
    staff = auth.authenticate(engine, f"Bearer {issued.token}", now=T0)
    assert staff == auth.Staff("李工", frozenset({"audit:read", "match:publish"}), info.id,
                               "E1024", T0 + dt.timedelta(days=30))
    assert staff.actor == f"token:{info.id}:李工"
    assert _audited(engine) == [("token:abc:管理员", "token.create", f"token/{info.id}", {
        "name": "李工", "roles": ["audit:read", "match:publish"], "subject": "E1024",
        "expires_at": "2024-07-01T09:30:15+00:00"})]


def test_create_token_passes_subject_validity_and_time_through(engine: Engine) -> None:
    token = auth.create_token(engine, "王审计", ["audit:read"], subject="E7", days=2, now=T0)
    staff = auth.authenticate(engine, f"Bearer {token}", now=T0 + dt.timedelta(days=1))
    assert (staff.name, staff.subject, staff.expires_at) == ("王审计", "E7",
                                                             T0 + dt.timedelta(days=2))
    (info,) = auth.list_tokens(engine)
    assert info.created_at == T0 and info.subject == "E7"
    assert _audited(engine)[0][0] == "system"  # made by no one in particular


def test_a_token_works_until_the_instant_it_expires(engine: Engine) -> None:
    issued = auth.issue_token(engine, "王审计", ["audit:read"], days=1, now=T0)
    header, end = f"Bearer {issued.token}", T0 + dt.timedelta(days=1)
    last = end - dt.timedelta(microseconds=1)
    assert auth.authenticate(engine, header, now=last).name == "王审计"
    (info,) = auth.list_tokens(engine)
    assert (info.state(last), info.state(end)) == ("有效", "已过期")
    refused = _refusal(engine, header, now=end)
    assert (refused.status, refused.headers, refused.extra) == (
        401, INVALID, {"reason": "expired_token"})
    assert refused.detail == f"令牌 {info.id} " + EXPIRED.format(at="2024-06-02 09:30")


def test_a_token_past_its_expiry_is_expired_without_being_told_the_time(engine: Engine) -> None:
    issued = auth.issue_token(engine, "王审计", ["audit:read"], days=1,
                              now=dt.datetime.now(dt.UTC) - dt.timedelta(days=1, seconds=5))
    (info,) = auth.list_tokens(engine)
    assert info.state() == "已过期"
    assert _refusal(engine, f"Bearer {issued.token}").extra == {"reason": "expired_token"}
    fresh = auth.issue_token(engine, "李工", ["audit:read"], days=1)
    assert auth.list_tokens(engine)[-1].state() == "有效"
    assert auth.authenticate(engine, f"Bearer {fresh.token}").name == "李工"


@pytest.mark.parametrize("days", [1, 3650])
def test_the_shortest_and_longest_validity_are_accepted(engine: Engine, days: int) -> None:
    issued = auth.issue_token(engine, "李工", ["admin"], days=days, now=T0)
    assert auth.list_tokens(engine)[0].expires_at == T0 + dt.timedelta(days=days)
    assert issued.info.expires_at == T0 + dt.timedelta(days=days)


@pytest.mark.parametrize("days", [0, -1, 3651])
def test_a_validity_outside_one_to_3650_days_is_refused_and_nothing_stored(
        engine: Engine, days: int) -> None:
    with pytest.raises(TokenError) as refused:
        auth.issue_token(engine, "李工", ["admin"], days=days)
    assert str(refused.value) == f"有效期应为 1 至 3650 天，而不是 {days} 天。"
    assert auth.list_tokens(engine) == [] and _audited(engine) == []


@pytest.mark.parametrize(("name", "subject", "message"), [
    ("", None, "令牌名称不能为空。"),
    ("   ", None, "令牌名称不能为空。"),
    ("李" * 201, None, "令牌名称不能超过 200 个字符，也不能含控制字符。"),
    ("李工\x00", None, "令牌名称不能超过 200 个字符，也不能含控制字符。"),
    ("李\x1f工", None, "令牌名称不能超过 200 个字符，也不能含控制字符。"),
    ("李\x7f工", None, "令牌名称不能超过 200 个字符，也不能含控制字符。"),
    ("李\n工", None, "令牌名称不能超过 200 个字符，也不能含控制字符。"),
    ("李工", "E" * 201, "主体编号不能超过 200 个字符，也不能含控制字符。"),
    ("李工", "E\t1", "主体编号不能超过 200 个字符，也不能含控制字符。"),
])
def test_an_unusable_name_or_subject_is_refused_with_which_and_why(
        engine: Engine, name: str, subject: str | None, message: str) -> None:
    with pytest.raises(TokenError) as refused:
        auth.issue_token(engine, name, ["admin"], subject=subject)
    assert str(refused.value) == message
    assert auth.list_tokens(engine) == []


def test_names_and_subjects_at_the_limit_are_kept_whole(engine: Engine) -> None:
    name, subject = "李" * 200, "E" * 200
    issued = auth.issue_token(engine, f" {name} ", ["admin"], subject=subject)
    assert (issued.info.name, issued.info.subject) == (name, subject)
    blank = auth.issue_token(engine, "王 审计", ["admin"], subject="  ")
    assert (blank.info.name, blank.info.subject) == ("王 审计", None)  # inner space kept
    assert [(t.name, t.subject) for t in auth.list_tokens(engine)] == [(name, subject),
                                                                       ("王 审计", None)]


def test_revoking_stops_the_token_at_once_and_twice_changes_nothing(engine: Engine) -> None:
    issued = auth.issue_token(engine, "王审计", ["audit:read"], now=T0)
    header, when = f"Bearer {issued.token}", T0 + dt.timedelta(hours=3, minutes=7)
    revoked = auth.revoke(engine, issued.info.id, actor="token:abc:管理员", now=when)
    assert revoked == auth.list_tokens(engine)[0]
    assert revoked.revoked_at == when and revoked.state(T0) == "已吊销"
    refused = _refusal(engine, header, now=T0 + dt.timedelta(hours=4))
    assert (refused.status, refused.headers, refused.extra) == (
        401, INVALID, {"reason": "revoked_token"})
    assert refused.detail == f"令牌 {issued.info.id} " + REVOKED.format(at="2024-06-01 12:37")
    # Revoked and past its expiry: the revocation is what staff are told.
    later = _refusal(engine, header, now=T0 + dt.timedelta(days=400))
    assert later.extra == {"reason": "revoked_token"}
    again = auth.revoke(engine, issued.info.id, now=when + dt.timedelta(days=1))
    assert again == revoked
    assert _audited(engine)[1:] == [("token:abc:管理员", "token.revoke",
                                     f"token/{issued.info.id}", {"name": "王审计"})]


def test_revoking_is_audited_as_the_system_unless_told_who(engine: Engine) -> None:
    issued = auth.issue_token(engine, "王审计", ["audit:read"])
    auth.revoke(engine, issued.info.id)
    assert _audited(engine)[-1][:2] == ("system", "token.revoke")
    assert auth.list_tokens(engine)[0].state() == "已吊销"


def test_revoking_an_unknown_id_says_how_to_find_the_right_one(engine: Engine) -> None:
    auth.issue_token(engine, "王审计", ["audit:read"])
    with pytest.raises(TokenError) as refused:
        auth.revoke(engine, "0123456789ab")
    assert str(refused.value) == "没有编号为 0123456789ab 的令牌（tongda token list 列出所有令牌）。"
    assert [t.state() for t in auth.list_tokens(engine)] == ["有效"]


def test_revoke_token_by_the_token_itself(engine: Engine) -> None:
    kept = auth.issue_token(engine, "李工", ["admin"])
    gone = auth.issue_token(engine, "王审计", ["audit:read"])
    auth.revoke_token(engine, "tdk_no-such-token")  # nothing to revoke: no error
    auth.revoke_token(engine, gone.token)
    assert {t.name: t.state() for t in auth.list_tokens(engine)} == {"李工": "有效",
                                                                   "王审计": "已吊销"}
    assert auth.authenticate(engine, f"Bearer {kept.token}").name == "李工"


def test_the_list_is_oldest_first_then_by_id(engine: Engine) -> None:
    later = auth.issue_token(engine, "后", ["admin"], now=T0 + dt.timedelta(seconds=1))
    same = [auth.issue_token(engine, f"同{n}", ["admin"], now=T0) for n in range(6)]
    listed = auth.list_tokens(engine)
    assert [t.id for t in listed] == [*sorted(t.info.id for t in same), later.info.id]
    assert all(t.created_at.tzinfo is not None and t.revoked_at is None for t in listed)


def test_token_info_without_an_expiry_stays_valid() -> None:
    info = TokenInfo(id="x", name="老李", roles=("admin",), subject=None, created_at=T0,
                     expires_at=None, revoked_at=None)
    assert info.state(T0 + dt.timedelta(days=10_000)) == "有效" and info.state() == "有效"


@pytest.fixture
def beijing_time(database_url: str) -> Iterator[None]:
    """The server's clock set to China Standard Time, as a portal's host often is (set after
    ``database_url``, so a PostgreSQL cluster this starts keeps its own time zone)."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "CST-8"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.mark.usefixtures("beijing_time")
def test_tokens_made_before_expiry_existed_get_the_default_90_days_from_the_upgrade(
        database_url: str) -> None:
    """90 days from the upgrade, in UTC: not 8 hours later on a server set to Beijing time."""
    token = "tdk_made-before-ids"
    digest = hashlib.sha256(token.encode()).hexdigest()
    engine = first_release_token(database_url, token, T0)
    before = dt.datetime.now(dt.UTC)
    migrate(engine, "runtime", auth.MIGRATIONS)
    after = dt.datetime.now(dt.UTC)
    (info,) = auth.list_tokens(engine)
    assert (info.id, info.name, info.roles, info.created_at) == (
        digest[:12], "老李", ("match:publish",), T0)
    assert info.expires_at is not None
    assert before + dt.timedelta(days=90) <= info.expires_at <= after + dt.timedelta(days=90)
    engine.dispose()
