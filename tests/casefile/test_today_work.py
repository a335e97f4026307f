"""The home screen's work list: due today, overdue follow-ups, steps and reviews."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.errors import PermissionDeniedError
from app.models import SchoolYear
from app.services.casefile.followup import FollowupPolicy, schedule_followup
from app.services.casefile.plans import save_plan
from app.services.referral.workflow import complete_step, open_referral
from app.services.today import today_work
from app.services.warning.decisions import decide_level
from tests.casefile.casefile_helpers import add_result, audit_count

TODAY = date(2026, 3, 10)


def test_today_work_collects_everything_due(store, school):
    s = school.students
    decide_level(store, s[0], "key", "x", decided_on=date(2026, 1, 5),
                 policy=FollowupPolicy(weekends_off=False))          # due 01-19: overdue
    schedule_followup(store, s[1], TODAY, "约家长")                    # due today
    schedule_followup(store, s[2], date(2026, 4, 1))                  # not yet
    rid = open_referral(store, s[3], {"self_harm"}, date(2026, 3, 2))
    complete_step(store, rid, "crisis_assessment", date(2026, 3, 2))  # next due 03-03
    save_plan(store, s[4], "general", "目标", "措施", "", date(2026, 3, 1))
    with store.read() as session:
        year = session.scalar(select(SchoolYear.start_year).where(SchoolYear.is_current))
    cid = add_result(store, s[5], "本学年PHQ-9", "key", taken_at=datetime(2026, 3, 2, 9),
                     school_year=year)
    add_result(store, s[6], "往年PHQ-9", "key", taken_at=datetime(2025, 3, 2, 9))

    work = today_work(store, TODAY)

    assert [(i.student_id, i.kind) for i in work.due_today] == [(s[1], "follow_up")]
    assert [(i.student_id, i.overdue_days) for i in work.overdue_followups] == [(s[0], 50)]
    assert [(i.ref_id, i.what) for i in work.overdue_steps] == [
        (rid, "转介：告知家长（告知书回执）")]
    assert [(i.student_id, i.overdue_days) for i in work.overdue_plan_reviews] == [(s[4], 9)]
    assert [(q.campaign_id, q.pending) for q in work.review_queues] == [(cid, 1)]
    assert not work.empty
    assert audit_count(store, "warning_list") == 1


def test_class_teacher_has_no_work_list(class_teacher):
    with pytest.raises(PermissionDeniedError):
        today_work(class_teacher(), TODAY)
