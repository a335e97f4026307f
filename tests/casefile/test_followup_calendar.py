"""Due dates across month ends, leap years, weekends and school holidays."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.errors import BadInputError
from app.services.followup import (
    FollowupPolicy,
    add_months,
    due_after,
    is_school_day,
    next_school_day,
)

NO_WEEKENDS = FollowupPolicy(weekends_off=False)


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),   # leap year
    (date(2100, 1, 31), 1, date(2100, 2, 28)),   # century, not a leap year
    (date(2000, 1, 31), 1, date(2000, 2, 29)),   # divisible by 400: leap
    (date(2026, 8, 31), 1, date(2026, 9, 30)),
    (date(2026, 3, 31), 3, date(2026, 6, 30)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2027, 12, 15), 1, date(2028, 1, 15)),  # across the year
    (date(2028, 2, 29), 12, date(2029, 2, 28)),
])
def test_add_months_clamps_to_the_month_end(start, months, expected):
    assert add_months(start, months) == expected


@given(st.dates(date(1990, 1, 1), date(2090, 12, 31)), st.integers(1, 36))
def test_add_months_never_spills_into_the_next_month(day, months):
    result = add_months(day, months)
    assert (result.year - day.year) * 12 + result.month - day.month == months
    assert result.day == min(day.day, calendar.monthrange(result.year, result.month)[1])


def test_monthly_due_of_jan_31_is_end_of_february_without_weekends():
    assert due_after(date(2026, 1, 31), "key", NO_WEEKENDS) == date(2026, 2, 28)
    assert due_after(date(2028, 1, 31), "crisis", NO_WEEKENDS) == date(2028, 2, 29)
    assert due_after(date(2026, 1, 31), "general", NO_WEEKENDS) == date(2026, 4, 30)


def test_weekend_due_moves_to_monday():
    # 2026-02-28 is a Saturday.
    assert due_after(date(2026, 1, 31), "key") == date(2026, 3, 2)


def test_due_in_a_holiday_moves_to_the_first_school_day_after_it():
    winter = (date(2026, 1, 24), date(2026, 2, 28))
    policy = FollowupPolicy(holidays=(winter,))
    # Jan 31 + 1 month = Feb 28, inside the holiday; Mar 1 is a Sunday → Mar 2.
    assert due_after(date(2026, 1, 31), "key", policy) == date(2026, 3, 2)
    policy = FollowupPolicy(holidays=(winter,), weekends_off=False)
    assert due_after(date(2026, 1, 31), "key", policy) == date(2026, 3, 1)


def test_back_to_back_holidays_and_make_up_days():
    national = (date(2026, 10, 1), date(2026, 10, 8))
    extra = (date(2026, 10, 9), date(2026, 10, 9))
    policy = FollowupPolicy(holidays=(national, extra))
    assert next_school_day(date(2026, 10, 3), policy) == date(2026, 10, 12)
    # A make-up school day (调休上课) on a Saturday counts as a school day.
    policy = FollowupPolicy(holidays=(national,), workdays=(date(2026, 10, 10),))
    assert is_school_day(date(2026, 10, 10), policy)
    assert next_school_day(date(2026, 10, 2), policy) == date(2026, 10, 9)


@given(st.dates(date(2020, 1, 1), date(2035, 12, 31)),
       st.lists(st.tuples(st.dates(date(2020, 1, 1), date(2035, 12, 31)),
                          st.integers(0, 40)), max_size=4))
def test_next_school_day_is_the_first_day_on_or_after_outside_holidays(day, spans):
    policy = FollowupPolicy(holidays=tuple((s, s + timedelta(n)) for s, n in spans))
    result = next_school_day(day, policy)
    assert result >= day and is_school_day(result, policy)
    assert all(not is_school_day(day + timedelta(i), policy) for i in range((result - day).days))


def test_bad_calendar_settings_are_refused():
    with pytest.raises(BadInputError, match="结束日期早于开始日期"):
        FollowupPolicy(holidays=((date(2026, 2, 1), date(2026, 1, 1)),))
    with pytest.raises(BadInputError, match="至少为 1 个月"):
        FollowupPolicy(months={"key": 0, "crisis": 1, "general": 3})
    endless = FollowupPolicy(holidays=((date(2026, 1, 1), date(2027, 1, 1)),))
    with pytest.raises(BadInputError, match="没有上学日"):
        next_school_day(date(2026, 1, 2), endless)
