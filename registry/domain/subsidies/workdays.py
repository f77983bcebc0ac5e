"""Working days (工作日) on the Chinese public-holiday calendar, for review deadlines.

chinese-calendar knows the State Council's holidays and the weekend days worked in lieu (调休) for
the years it has data for. A year it does not cover yet (the holidays are announced each winter)
falls back to Monday–Friday, and every answer says so, so a page can warn that the date is an
estimate (issue 7, item 2).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar


def calendar_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def is_working_day(day: date) -> tuple[bool, bool]:
    """(is it a working day, is that known from the holiday calendar rather than guessed)."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


@dataclass(frozen=True)
class Deadline:
    day: date
    #: False when some day counted lies in a year the holiday calendar does not cover.
    from_calendar: bool

    @property
    def warning(self) -> str:
        if self.from_calendar:
            return ""
        return "节假日安排尚未公布的年份按周一至周五计算工作日,截止日期为估算,请以正式公布的节假日安排为准"


def add_working_days(start: date, count: int) -> Deadline:
    """The ``count``-th working day after ``start`` (the day received is not counted)."""
    day, remaining, known = start, count, True
    while remaining > 0:
        day += timedelta(days=1)
        working, from_calendar = is_working_day(day)
        known = known and from_calendar
        if working:
            remaining -= 1
    return Deadline(day, known)


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day)[0]:
            count += 1
    return count
