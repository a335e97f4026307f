"""One division of the school year (app/terms.py), used by every page and the district
export: each day lies in exactly the term `current_term` names."""

from __future__ import annotations

from datetime import date, timedelta

from app.terms import current_term, term_dates


def test_every_day_lies_in_the_term_current_term_names():
    day = date(2025, 1, 1)
    while day < date(2028, 1, 1):
        start, end = term_dates(*current_term(day))
        assert start <= day <= end, day
        day += timedelta(days=1)


def test_the_terms_follow_each_other_without_a_gap():
    assert current_term(date(2027, 1, 31)) == (2026, 1)  # the autumn term's exams
    assert current_term(date(2027, 2, 1)) == (2026, 2)
    assert current_term(date(2027, 7, 31)) == (2026, 2)
    assert current_term(date(2027, 8, 1)) == (2027, 1)  # new students' screening, 军训
    assert term_dates(2026, 1)[1] + timedelta(days=1) == term_dates(2026, 2)[0]
    assert term_dates(2026, 2)[1] + timedelta(days=1) == term_dates(2027, 1)[0]
