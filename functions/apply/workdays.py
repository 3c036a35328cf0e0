"""Working days (工作日) for committed time limits: weekends, public holidays and 调休.

The calendar comes from ``content/_data/holidays.yml`` (published by the build in
``api/apply/catalog.json``): per year, the holiday ranges and the weekend days that are
worked instead (调休上班). A year the file does not cover falls back to weekends and the
fixed-date statutory holidays only, and says so in the log, since the lunar holidays of
that year are not known until the State Council publishes them.

Time limits count whole working days after the day of submission (the day itself is not
counted, as 期间开始之日不计算在内), so 10 working days from a Friday end on the Friday two
weeks later when no holiday falls between.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("tongda.functions.apply")

#: China has had one time zone without daylight saving since 1991: dates people read and
#: working days are counted in it, whatever the server's clock zone.
CHINA = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
#: Fixed-date statutory holidays (全国年节及纪念日放假办法, 2025): used for years the
#: calendar file does not cover.
FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))


class CalendarError(ValueError):
    """A calendar that cannot be read; the message names the field, in Chinese."""


def local_date(moment: dt.datetime) -> dt.date:
    """The date in China of a timezone-aware moment."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    return moment.astimezone(CHINA).date()


def chinese_date(day: dt.date) -> str:
    """``2021年4月1日``: a date as people read it."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are working days.

    Attributes:
        holidays: Rest days that would otherwise be working days (and weekends inside
            holiday ranges, which are rest days anyway).
        workdays: Weekend days that are worked (调休上班).
        years: The years the calendar covers.
    """

    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()
    years: frozenset[int] = frozenset()
    _warned: set[int] = field(default_factory=set, compare=False, repr=False)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> WorkingCalendar:
        """Read the ``holidays.yml`` structure (dates as ``date`` or ISO strings).

        Raises:
            CalendarError: A field is missing or wrong; the message names it.
        """
        if not data:
            return cls()
        years = data.get("years")
        if not isinstance(years, Mapping):
            raise CalendarError("years: 应为按年份列出的节假日安排")
        holidays: set[dt.date] = set()
        workdays: set[dt.date] = set()
        covered: set[int] = set()
        for key, entry in years.items():
            year = _year(key)
            covered.add(year)
            where = f"years.{year}"
            if not isinstance(entry, Mapping):
                raise CalendarError(f"{where}: 应包含 holidays 和 workdays")
            for i, item in enumerate(entry.get("holidays") or []):
                holidays |= _range(item, f"{where}.holidays.{i}", year)
            for i, item in enumerate(entry.get("workdays") or []):
                day = _date(item, f"{where}.workdays.{i}")
                if day.weekday() < 5:
                    raise CalendarError(f"{where}.workdays.{i}: {chinese_date(day)}本来就是工作日，"
                                        "这里只列调休上班的周六、周日")
                workdays.add(day)
        both = holidays & workdays
        if both:
            day = min(both)
            raise CalendarError(f"{chinese_date(day)}既列为放假又列为上班")
        return cls(frozenset(holidays), frozenset(workdays), frozenset(covered))

    def covers(self, day: dt.date) -> bool:
        """Whether the calendar file lists the holidays of ``day``'s year."""
        return day.year in self.years

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day."""
        if day in self.workdays:
            return True
        if day in self.holidays or day.weekday() >= 5:
            return False
        if not self.covers(day):
            self._warn(day.year)
            return (day.month, day.day) not in FIXED_HOLIDAYS
        return True

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The day on which ``days`` working days after ``start`` have passed.

        ``start`` itself is not counted; ``days == 0`` gives ``start``.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        left = days
        while left:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def _warn(self, year: int) -> None:
        if year not in self._warned:
            self._warned.add(year)
            log.warning("节假日安排中没有 %d 年：该年只按周末和日期固定的法定节假日计算工作日，"
                        "春节等农历节日未计入。请在 content/_data/holidays.yml 补上 %d 年的安排。",
                        year, year)


def _year(key: Any) -> int:
    try:
        year = int(key)
    except (TypeError, ValueError):
        raise CalendarError(f"years.{key}: 年份应为四位数字") from None
    if not 2000 <= year <= 2100:
        raise CalendarError(f"years.{key}: 年份应在 2000 到 2100 之间")
    return year


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise CalendarError(f"{where}: 应为日期（如 2026-10-01），不要写时间")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise CalendarError(f"{where}: {value!r} 不是有效日期，应写成 2026-10-01 这样的格式")


def _range(item: Any, where: str, year: int) -> set[dt.date]:
    if not isinstance(item, Mapping) or "from" not in item or "to" not in item:
        raise CalendarError(f"{where}: 应写成 {{name: 节日名称, from: 开始日期, to: 结束日期}}")
    start, end = _date(item["from"], f"{where}.from"), _date(item["to"], f"{where}.to")
    if end < start:
        raise CalendarError(f"{where}: 结束日期{chinese_date(end)}早于开始日期{chinese_date(start)}")
    if (end - start).days > 31:
        raise CalendarError(f"{where}: 一次放假不会超过一个月，请检查日期")
    if start.year != year and end.year != year:
        raise CalendarError(f"{where}: 日期不在 {year} 年")
    return {start + dt.timedelta(days=i) for i in range((end - start).days + 1)}
