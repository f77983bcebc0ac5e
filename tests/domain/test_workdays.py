"""Working days on the Chinese public-holiday calendar (chinese-calendar), with a weekends-only
estimate, flagged, for years the calendar does not cover yet."""
from datetime import date

import pytest

from registry.domain.subsidies.workdays import add_working_days, calendar_covers, working_days_between


def test_national_day_2025_and_the_weekend_days_worked_in_lieu():
    # 1–8 Oct 2025 off; Sun 28 Sep and Sat 11 Oct worked: 28, 29, 30 Sep, 9, 10 Oct are the first five.
    assert add_working_days(date(2025, 9, 26), 5).day == date(2025, 10, 10)
    assert add_working_days(date(2025, 9, 26), 6).day == date(2025, 10, 11)


def test_spring_festival_2026_thirty_working_days():
    # 15–23 Feb 2026 off; Sat 14 Feb and Sat 28 Feb worked. Counted by hand: 11–14 Feb (4), 24–28 Feb
    # (9), then five-day weeks from 2 Mar: 27 Mar is the 29th, 30 Mar the 30th.
    deadline = add_working_days(date(2026, 2, 10), 30)
    assert deadline.day == date(2026, 3, 30)
    assert deadline.from_calendar and deadline.warning == ""
    assert add_working_days(date(2026, 2, 10), 5).day == date(2026, 2, 24)
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 27)) == 5


def test_a_year_the_calendar_does_not_cover_is_counted_on_weekdays_with_a_warning():
    assert calendar_covers(2026)
    if calendar_covers(2027):
        pytest.skip("this chinese-calendar release covers 2027: move the test to the first year it does not")
    deadline = add_working_days(date(2026, 12, 28), 5)
    assert deadline.day == date(2027, 1, 4)
    assert not deadline.from_calendar
    assert "估算" in deadline.warning
