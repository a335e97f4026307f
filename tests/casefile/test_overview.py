"""The home overview (issue 15, point 6): counts by grade and class that add up, the
term rule for who is flagged, the work waiting, and the trend across terms."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import update

from app.errors import PermissionDeniedError
from app.models import Campaign, Student
from app.services.casefile.followup import schedule_followup
from app.services.overview import school_overview
from app.services.today import today_work
from app.services.warning.decisions import decide_level
from tests.casefile.casefile_helpers import add_result

TODAY = date(2026, 11, 20)  # 2026-2027学年第一学期


def _term(store, name: str, term: int) -> None:
    with store.write() as session:
        session.execute(update(Campaign).where(Campaign.name == name).values(term=term))


def test_counts_by_class_grade_and_school_add_up(store, school):
    s = school.students  # s[0:5] in 初一(1)班, s[5:10] in 初一(2)班
    # This term: PHQ-9 for class 1, re-screened later; GAD-7 for one student of class 2.
    add_result(store, s[0], "秋 PHQ-9", "key", critical="9", school_year=2026,
               taken_at=datetime(2026, 9, 10), starts_on=date(2026, 9, 8))
    add_result(store, s[1], "秋 PHQ-9", "general", school_year=2026,
               taken_at=datetime(2026, 9, 10), starts_on=date(2026, 9, 8))
    add_result(store, s[2], "秋 PHQ-9", "none", school_year=2026,
               taken_at=datetime(2026, 9, 10), starts_on=date(2026, 9, 8))
    add_result(store, s[3], "秋 PHQ-9", "key", valid=False, school_year=2026,
               taken_at=datetime(2026, 9, 10), starts_on=date(2026, 9, 8))
    # The re-screen's latest valid result wins: s[1] is no longer flagged by PHQ-9.
    add_result(store, s[1], "11月 PHQ-9 复测", "none", school_year=2026,
               taken_at=datetime(2026, 11, 3), starts_on=date(2026, 11, 2))
    add_result(store, s[6], "秋 GAD-7", "general", instrument="gad7", school_year=2026,
               taken_at=datetime(2026, 10, 1), starts_on=date(2026, 9, 29))
    # Last spring: not this term, but in the trend.
    add_result(store, s[7], "春 PHQ-9", "key", school_year=2025,
               taken_at=datetime(2026, 4, 1), starts_on=date(2026, 3, 30))
    _term(store, "春 PHQ-9", 2)
    decide_level(store, s[0], "crisis", "面谈", decided_on=date(2026, 9, 11))
    decide_level(store, s[5], "key", "班主任反映", decided_on=date(2026, 10, 9))
    decide_level(store, s[6], "general", "面谈", decided_on=date(2026, 10, 9))
    with store.write() as session:  # a student who left counts nowhere now
        session.execute(update(Student).where(Student.id == s[9]).values(status="graduated"))

    view = school_overview(store, TODAY)
    assert view.term == (2026, 1) and view.term_label == "2026-2027学年第一学期"
    by_name = {r.name: r for r in view.rows}
    assert [r.name for r in view.rows] == ["全校", "初一", "初一(1)班", "初一(2)班"]
    one, two, grade, whole = (by_name["初一(1)班"], by_name["初一(2)班"], by_name["初一"],
                              by_name["全校"])
    assert (one.enrolled, one.screened, one.flagged) == (5, 4, 1)  # s[0] only
    assert one.levels == {"general": 0, "key": 0, "crisis": 1}
    assert (two.enrolled, two.screened, two.flagged) == (4, 1, 1)  # s[6] by GAD-7
    assert two.levels == {"general": 1, "key": 1, "crisis": 0}
    for field in ("enrolled", "screened", "flagged"):
        assert getattr(grade, field) == getattr(whole, field) \
            == getattr(one, field) + getattr(two, field)
    assert whole.levels == {"general": 1, "key": 1, "crisis": 1}
    assert [(t.label, t.screened, t.flagged) for t in view.trend] == [
        ("2025-2026学年第二学期", 1, 1), ("2026-2027学年第一学期", 5, 2)]
    work = today_work(store, TODAY)  # the list the counts open
    assert view.work.urgent == len(work.urgent) >= 1  # s[0]'s answer, the crisis checklist
    assert view.work.review_pending == sum(q.pending for q in work.review_queues)


def test_overdue_work_is_counted_and_class_teachers_are_refused(store, school, class_teacher):
    decide_level(store, school.students[2], "key", "面谈", decided_on=date(2026, 10, 1))
    schedule_followup(store, school.students[2], date(2026, 11, 2))
    view = school_overview(store, TODAY)
    assert view.work.overdue >= 1 and view.work.urgent == 0
    ct = class_teacher()
    with pytest.raises(PermissionDeniedError):
        school_overview(ct, TODAY)
