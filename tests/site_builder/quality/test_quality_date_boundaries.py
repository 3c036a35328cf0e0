"""Quality rules on the boundary days: they must agree with the status the site shows.

The clean corpus is checked on 2024-06-01 (``quality_kit.TODAY``). ``test_quality_rules``
uses dates months away; a rule that said 即将失效 on the day a policy already shows 已失效,
or 状态与日期矛盾 a day late, would pass it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from site_builder.quality import Settings
from tests.site_builder.quality.quality_kit import TODAY
from tests.site_builder.quality.test_quality_rules import P, setm

pytestmark = pytest.mark.unit
DAY = dt.timedelta(days=1)
NOTICE = Settings().expiry_notice_days


@pytest.mark.parametrize(("expires", "reported"), [
    (TODAY, False),  # expires today: already 已失效, no longer "soon"
    (TODAY + DAY, True),
    (TODAY + NOTICE * DAY, True),
    (TODAY + (NOTICE + 1) * DAY, False),
])
def test_expiring_soon_from_tomorrow_to_the_notice_horizon(
        check: Any, expires: dt.date, reported: bool) -> None:
    found = check(setm(P, expires=expires), "policy-expiring-soon")
    assert bool(found) is reported
    if reported:
        assert found[0].message.startswith(f"{(expires - TODAY).days} 天后")


@pytest.mark.parametrize(("status", "dates", "reported"), [
    ("effective", {"expires": TODAY}, True),  # the site shows 已失效 today
    ("effective", {"expires": TODAY + DAY}, False),
    ("effective", {"effective": TODAY}, False),  # in force from today
    ("effective", {"effective": TODAY + DAY, "published": TODAY}, True),
    ("expired", {"expires": TODAY}, False),
    ("expired", {"expires": TODAY + DAY}, True),
])
def test_a_declared_status_contradicts_the_dates_exactly_when_the_site_would_differ(
        check: Any, status: str, dates: dict[str, dt.date], reported: bool) -> None:
    found = check(setm(P, status=status, **dates), "status-contradicts-dates")
    assert bool(found) is reported, [f.format() for f in found]
