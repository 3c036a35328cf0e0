"""Working days for committed time limits: weekends, holidays and 调休 from holidays.yml."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
import yaml

from functions.apply.workdays import (
    CalendarError,
    WorkingCalendar,
    chinese_date,
    local_date,
)

pytestmark = pytest.mark.unit
HOLIDAYS = Path(__file__).resolve().parents[3] / "content" / "_data" / "holidays.yml"
D = dt.date


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar.from_mapping(yaml.safe_load(HOLIDAYS.read_text(encoding="utf-8")))


def test_the_demo_calendar_covers_2025_and_2026(calendar: WorkingCalendar) -> None:
    assert calendar.years == {2025, 2026}
    assert not calendar.is_working_day(D(2026, 2, 16))   # 春节, a Monday
    assert calendar.is_working_day(D(2026, 2, 14))       # a Saturday worked (调休)
    assert not calendar.is_working_day(D(2026, 2, 21))   # an ordinary Saturday inside 春节
    assert calendar.is_working_day(D(2025, 9, 28))       # Sunday worked before 国庆
    assert not calendar.is_working_day(D(2025, 10, 8))   # 国庆、中秋 2025 run to the 8th


def test_time_limits_count_working_days_after_the_day_of_submission(
        calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(D(2026, 12, 7), 0) == D(2026, 12, 7)
    assert calendar.add_working_days(D(2026, 12, 4), 1) == D(2026, 12, 7)  # Friday → Monday
    assert calendar.add_working_days(D(2026, 12, 7), 15) == D(2026, 12, 28)
    # Before the Spring Festival: 13 Feb (Fri) + 2 = Saturday 14 Feb (worked), then 24 Feb.
    assert calendar.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert calendar.working_days_between(D(2026, 9, 29), D(2026, 10, 12)) == 5


def test_a_year_the_file_does_not_cover_falls_back_and_says_so(
        calendar: WorkingCalendar, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="tongda.functions.apply"):
        # 31 Dec 2026 (Thu) + 1: 1 January 2027 is a fixed holiday, so Monday 4 January.
        assert calendar.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert "2027" in caplog.text and "holidays.yml" in caplog.text
    assert not calendar.covers(D(2027, 5, 3))


@pytest.mark.parametrize(("data", "message"), [
    ({"years": {"二〇二六": {}}}, "四位数字"),
    ({"years": {2026: {"holidays": [{"name": "春节", "from": "2026-02-30", "to": "2026-02-23"}]}}},
     "不是有效日期"),
    ({"years": {2026: {"holidays": [{"name": "春节", "from": D(2026, 2, 23), "to": D(2026, 2, 15)}]}}},
     "早于开始日期"),
    ({"years": {2026: {"workdays": [D(2026, 2, 16)]}}}, "本来就是工作日"),
    ({"years": {2026: {"holidays": [{"name": "X", "from": D(2026, 2, 14), "to": D(2026, 2, 14)}],
                       "workdays": [D(2026, 2, 14)]}}}, "既列为放假又列为上班"),
])
def test_mistakes_in_the_calendar_are_named(data: dict, message: str) -> None:
    with pytest.raises(CalendarError, match=message):
        WorkingCalendar.from_mapping(data)


def test_dates_people_read_are_written_the_chinese_way() -> None:
    assert chinese_date(D(2021, 4, 1)) == "2021年4月1日"
    late_utc = dt.datetime(2026, 12, 6, 17, 30, tzinfo=dt.UTC)  # already Monday in China
    assert local_date(late_utc) == D(2026, 12, 7)
