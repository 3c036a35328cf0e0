"""The day a policy takes effect, and the day it expires, show the right status.

``docs/editors.md``: 尚未生效 while ``effective`` is later than today; 已失效 once ``expires``
is today or earlier; 成文 ≤ 发布 ≤ 生效 < 失效.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.content.corpus import load_corpus, policy_status
from site_builder.content.model import Policy

pytestmark = pytest.mark.unit
EFFECTIVE = dt.date(2024, 3, 1)
EXPIRES = dt.date(2025, 3, 1)
DAY = dt.timedelta(days=1)


def policy(**dates: dt.date) -> Policy:
    return Policy.model_validate({"id": "p", "kind": "policy", "title": "办法", "issuer": "市政府",
                                  "level": "city", **dates})


@pytest.mark.parametrize(("today", "status"), [
    (EFFECTIVE - DAY, "pending"), (EFFECTIVE, "effective"), (EFFECTIVE + DAY, "effective"),
    (EXPIRES - DAY, "effective"), (EXPIRES, "expired"), (EXPIRES + DAY, "expired"),
])
def test_status_on_the_days_around_effective_and_expires(today: dt.date, status: str) -> None:
    meta = policy(effective=EFFECTIVE, expires=EXPIRES)
    assert policy_status(meta, today, superseded=False) == status


@settings(max_examples=200, deadline=None)
@given(effective=st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1)),
       length=st.integers(1, 4000), offset=st.integers(-4000, 8000))
def test_a_policy_is_in_force_from_its_effective_day_until_the_day_before_it_expires(
        effective: dt.date, length: int, offset: int) -> None:
    expires = effective + dt.timedelta(days=length)
    today = effective + dt.timedelta(days=offset)
    expected = ("pending" if today < effective else
                "effective" if today < expires else "expired")
    assert policy_status(policy(effective=effective, expires=expires), today, False) == expected


def test_the_corpus_computes_the_status_on_the_boundary_days(tmp_path: Path) -> None:
    """The same rule through ``load_corpus``, which pages, listings and search read."""
    policies = tmp_path / "policies"
    policies.mkdir()
    for name, dates in [("starts", f"effective: {EFFECTIVE}"),
                        ("ends", f"effective: 2023-01-01\nexpires: {EFFECTIVE}")]:
        (policies / f"{name}.md").write_text(
            f"---\nid: {name}\ntitle: 办法{name}\nissuer: 市政府\nlevel: city\n{dates}\n---\n正文\n",
            encoding="utf-8")
    on_the_day = load_corpus(tmp_path, today=EFFECTIVE).documents
    assert (on_the_day["starts"].status, on_the_day["ends"].status) == ("effective", "expired")
    day_before = load_corpus(tmp_path, today=EFFECTIVE - DAY).documents
    assert (day_before["starts"].status, day_before["ends"].status) == ("pending", "effective")


@pytest.mark.parametrize(("dates", "field"), [
    ({"effective": EFFECTIVE, "expires": EFFECTIVE}, "expires"),
    ({"effective": EFFECTIVE, "expires": EFFECTIVE - DAY}, "expires"),
    ({"published": EFFECTIVE, "effective": EFFECTIVE - DAY}, "effective"),
    ({"written": EFFECTIVE, "published": EFFECTIVE - DAY}, "published"),
])
def test_dates_out_of_order_are_refused(dates: dict[str, dt.date], field: str) -> None:
    with pytest.raises(ValueError, match=f"@{field}@"):
        policy(**dates)


@pytest.mark.parametrize("dates", [
    {"effective": EFFECTIVE, "expires": EFFECTIVE + DAY},
    {"published": EFFECTIVE, "effective": EFFECTIVE},
    {"written": EFFECTIVE, "published": EFFECTIVE},
])
def test_dates_on_the_same_day_where_the_order_allows_it(dates: dict[str, dt.date]) -> None:
    assert policy(**dates)
