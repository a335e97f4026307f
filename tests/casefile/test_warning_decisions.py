"""Deciding levels (always by a teacher, with reason), follow-ups, the key-student list."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select, update

from app.errors import BadInputError, PermissionDeniedError
from app.models import LevelDecision, User
from app.services.casefile.entries import add_risk_factor, add_signal
from app.services.casefile.followup import FollowupPolicy, complete_followup, schedule_followup
from app.services.casefile.plans import add_pairing
from app.services.casefile.snapshot import open_file
from app.services.referral.workflow import open_referral
from app.services.warning.decisions import decide_level, key_list, suggest_from_file
from app.services.warning.rules import Suggestion
from tests.casefile.casefile_helpers import add_result, audit_count

NO_WEEKENDS = FollowupPolicy(weekends_off=False)


def test_decision_needs_a_reason_and_a_known_level(store, school):
    sid = school.students[0]
    with pytest.raises(BadInputError, match="请填写确定预警等级的理由"):
        decide_level(store, sid, "key", "   ")
    with pytest.raises(BadInputError, match="未知的预警等级"):
        decide_level(store, sid, "orange", "理由")
    with pytest.raises(BadInputError, match="确定日期不能晚于今天"):
        decide_level(store, sid, "key", "理由", decided_on=date(2999, 1, 1))
    assert audit_count(store, "warning_decided") == 0


def test_rule_suggestion_is_kept_beside_the_teachers_decision(store, school):
    sid = school.students[0]
    add_result(store, sid, "2026春PHQ-9", "none", critical="9",
               taken_at=datetime(2026, 3, 2, 9))
    d = decide_level(store, sid, "key", "当面访谈：否认自伤计划，情绪低落",
                     decided_on=date(2026, 3, 3))
    # A critical answer suggests at least 重点关注, never 危机 by itself (issue 11, point 2).
    assert d.suggested.level == "key" and "关键题第 9 题" in d.suggested.reasons[0]
    f = open_file(store, sid)
    assert f.level is not None and f.level.level == "key"
    assert f.level.suggested_level == "key" and f.level.suggested_reasons
    assert f.level.decided_by == "admin"
    assert suggest_from_file(f, date(2026, 3, 3)).level == "key"


def test_given_suggestion_is_stored_as_shown(store, school):
    sid = school.students[1]
    shown = Suggestion("general", ("界面上显示的理由",))
    decide_level(store, sid, "general", "同意", suggested=shown, decided_on=date(2026, 3, 3))
    assert open_file(store, sid).level.suggested_reasons == ("界面上显示的理由",)


def test_history_is_append_only_and_since_survives_reconfirmation(store, school):
    sid = school.students[2]
    decide_level(store, sid, "general", "一", decided_on=date(2026, 1, 5), policy=NO_WEEKENDS)
    decide_level(store, sid, "key", "二", decided_on=date(2026, 2, 2), policy=NO_WEEKENDS)
    decide_level(store, sid, "key", "复核维持", decided_on=date(2026, 3, 2), policy=NO_WEEKENDS)
    f = open_file(store, sid)
    assert [d.level for d in f.warning_history] == ["general", "key", "key"]
    assert f.level_since == date(2026, 2, 2)
    with store.read() as session:
        assert len(session.scalars(select(LevelDecision)).all()) == 3
    assert audit_count(store, "warning_decided", sid) == 3


def test_first_follow_up_is_scheduled_and_brought_forward_when_level_rises(store, school):
    sid = school.students[3]
    d = decide_level(store, sid, "general", "两项不利因素", decided_on=date(2025, 11, 30),
                     policy=NO_WEEKENDS)
    assert d.followup_due == date(2026, 2, 28)  # 一般关注: 90 days
    d = decide_level(store, sid, "crisis", "自伤", decided_on=date(2026, 1, 15),
                     policy=NO_WEEKENDS)
    assert d.followup_due == date(2026, 1, 22)  # 危机: 7 days, brought forward
    d = decide_level(store, sid, "crisis", "维持", decided_on=date(2026, 1, 20),
                     policy=NO_WEEKENDS)
    assert d.followup_due == date(2026, 1, 22)  # an earlier one stays
    f = open_file(store, sid)
    routine = [x for x in f.open_followups if x.kind == "routine"]
    assert [x.due_on for x in routine] == [date(2026, 1, 22)]
    assert decide_level(store, sid, "none", "已稳定", decided_on=date(2026, 2, 3)
                        ).followup_due is None


def test_completing_a_follow_up_schedules_the_next(store, school):
    sid = school.students[4]
    decide_level(store, sid, "key", "理由", decided_on=date(2025, 12, 1), policy=NO_WEEKENDS)
    due = open_file(store, sid).open_followups[0]
    assert due.due_on == date(2025, 12, 15)  # 重点关注: 14 days
    done = complete_followup(store, due.id, date(2026, 1, 31), "情绪稳定", policy=NO_WEEKENDS)
    assert done.next_due == date(2026, 2, 14)  # 14 days after the day it was done
    with pytest.raises(BadInputError, match="已于 2026-01-31 完成"):
        complete_followup(store, done.done_id, date(2026, 2, 1), "再记一次")
    with pytest.raises(BadInputError, match="已有更新的版本"):
        complete_followup(store, due.id, date(2026, 2, 1), "对旧版本")
    f = open_file(store, sid)
    assert [(x.done_on, x.due_on) for x in f.followups] == [
        (date(2026, 1, 31), date(2025, 12, 15)), (None, date(2026, 2, 14))]
    assert f.followups[0].done_by and f.followups[0].note == "情绪稳定"


def test_key_list_shows_level_since_next_due_and_overdue(store, school):
    a, b, c, d = school.students[:4]
    decide_level(store, a, "crisis", "自伤", decided_on=date(2026, 1, 5), policy=NO_WEEKENDS)
    decide_level(store, b, "key", "抑郁", decided_on=date(2026, 2, 20), policy=NO_WEEKENDS)
    decide_level(store, c, "general", "丧亲", decided_on=date(2026, 1, 5), policy=NO_WEEKENDS)
    decide_level(store, d, "key", "x", decided_on=date(2026, 1, 5))
    decide_level(store, d, "none", "已稳定", decided_on=date(2026, 2, 1))
    add_pairing(store, b, "mentor", "王老师", date(2026, 2, 20))
    add_pairing(store, b, "class_teacher", "李老师", date(2026, 2, 20))

    rows = key_list(store, today=date(2026, 3, 10))

    assert [(r.student_id, r.level) for r in rows] == [(a, "crisis"), (b, "key"),
                                                       (c, "general")]
    # 危机 on 01-05: the crisis checklist was due that day, the weekly follow-up 01-12.
    assert rows[0].since == date(2026, 1, 5) and rows[0].next_due == date(2026, 1, 5)
    assert rows[0].overdue and rows[0].overdue_days == 64 and "双结对" in rows[0].pairing_gap
    assert rows[1].next_due == date(2026, 3, 6) and rows[1].overdue_days == 4
    assert rows[1].pairing_gap == ""
    assert rows[2].pairing_gap == "" and rows[2].next_due == date(2026, 4, 5)
    assert audit_count(store, "warning_list") == 1


def test_key_list_for_a_class_teacher_is_their_class_only(store, school, class_teacher):
    decide_level(store, school.students[0], "key", "x", decided_on=date(2026, 1, 5))
    decide_level(store, school.students[6], "key", "x", decided_on=date(2026, 1, 5))
    ct = class_teacher()
    assert [r.student_id for r in key_list(ct)] == [school.students[0]]
    with pytest.raises(PermissionDeniedError):
        decide_level(ct, school.students[0], "none", "班主任不能定级")
    with pytest.raises(PermissionDeniedError):
        schedule_followup(ct, school.students[0], date(2026, 5, 1))


def test_signals_and_risk_factors_feed_the_suggestion(store, school):
    sid = school.students[5]
    add_risk_factor(store, sid, "domestic_violence", date(2026, 1, 10))
    add_signal(store, sid, "class_teacher", date(2026, 3, 1), "作文中写到不想活了", "suicide")
    d = decide_level(store, sid, "crisis", "立即约谈并通知家长", decided_on=date(2026, 3, 2))
    assert d.suggested.level == "crisis"
    assert d.suggested.reasons == ("2026-03-01 班主任反映：涉及自杀言行",
                                   "存在需重点关爱的处境不利因素：家庭暴力")


def test_follow_up_interval_is_configurable(store, school):
    policy = FollowupPolicy(days={"crisis": 3, "key": 30, "general": 60}, weekends_off=False)
    d = decide_level(store, school.students[7], "key", "x", decided_on=date(2025, 12, 31),
                     policy=policy)
    assert d.followup_due == date(2026, 1, 30)
    d = decide_level(store, school.students[8], "general", "x", decided_on=date(2025, 8, 31),
                     policy=policy)
    assert d.followup_due == date(2025, 10, 30)
    d = decide_level(store, school.students[9], "crisis", "x", decided_on=date(2026, 2, 26),
                     policy=policy)
    assert d.followup_due == date(2026, 3, 1)


def test_the_file_names_who_decided_by_their_display_name(store, school):
    with store.write() as session:
        session.execute(update(User).where(User.username == "admin")
                        .values(display_name="王老师"))
    sid = school.students[2]
    decide_level(store, sid, "general", "班主任反映近期情绪低落", decided_on=date(2026, 3, 3))
    f = open_file(store, sid)
    assert f.level is not None and f.level.decided_by == "王老师"  # not 「由 admin」
    assert [d.decided_by for d in f.warning_history] == ["王老师"]
    open_referral(store, sid, {"self_harm"}, date(2026, 3, 3))
    assert open_file(store, sid).referrals[0].opened_by == "王老师"
