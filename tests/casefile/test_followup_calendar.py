"""Due dates: days per level, across month ends, weekends and school holidays."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.deployment import DEFAULT_FOLLOWUP_DAYS
from app.errors import BadInputError
from app.services.casefile.followup import (
    FollowupPolicy,
    due_after,
    is_school_day,
    next_school_day,
)

NO_WEEKENDS = FollowupPolicy(weekends_off=False)


@pytest.mark.parametrize(("level", "days"), [("crisis", 7), ("key", 14), ("general", 90)])
def test_default_intervals_are_days_per_level(level, days):
    """危机 weekly, 重点关注 every two weeks, 一般关注 every 90 days (issue 11, point 8)."""
    assert DEFAULT_FOLLOWUP_DAYS[level] == days
    # 2026-03-02 is a Monday; +7/+14/+90 days are all school days without holidays.
    assert due_after(date(2026, 3, 2), level, NO_WEEKENDS) == date(2026, 3, 2) + timedelta(days)


def test_intervals_cross_month_ends_and_leap_days_by_days():
    assert due_after(date(2028, 2, 22), "crisis", NO_WEEKENDS) == date(2028, 2, 29)
    assert due_after(date(2026, 2, 22), "crisis", NO_WEEKENDS) == date(2026, 3, 1)
    assert due_after(date(2026, 12, 25), "key", NO_WEEKENDS) == date(2027, 1, 8)


@given(st.dates(date(1990, 1, 1), date(2090, 12, 31)), st.integers(1, 365))
def test_due_is_the_interval_later_moved_at_most_to_the_next_school_day(day, days):
    policy = FollowupPolicy(days={"key": days})
    due = due_after(day, "key", policy)
    assert due - day >= timedelta(days) and is_school_day(due, policy)
    assert due - day <= timedelta(days + 2)  # a weekend at most, no holidays set


def test_weekend_due_moves_to_monday():
    # 2026-02-21 + 14 days = 2026-03-07, a Saturday.
    assert due_after(date(2026, 2, 21), "key") == date(2026, 3, 9)


def test_due_in_a_holiday_moves_to_the_first_school_day_after_it():
    winter = (date(2026, 1, 24), date(2026, 2, 28))
    policy = FollowupPolicy(holidays=(winter,))
    # Jan 31 + 14 days = Feb 14, inside the holiday; Mar 1 is a Sunday → Mar 2.
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
    with pytest.raises(BadInputError, match="至少为 1 天"):
        FollowupPolicy(days={"key": 0, "crisis": 7, "general": 90})
    endless = FollowupPolicy(holidays=((date(2026, 1, 1), date(2027, 1, 1)),))
    with pytest.raises(BadInputError, match="没有上学日"):
        next_school_day(date(2026, 1, 2), endless)
