"""Opening a student's file: one snapshot, audited; a class teacher gets a summary."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.errors import PermissionDeniedError
from app.services.casefile.entries import (
    add_counselling,
    add_risk_factor,
    add_signal,
    entry_history,
)
from app.services.casefile.plans import add_pairing, save_plan
from app.services.casefile.snapshot import WITHHELD, open_file
from app.services.warning.decisions import decide_level
from tests.casefile.casefile_helpers import add_result, audit_count


def _fill(store, sid: int) -> None:
    add_risk_factor(store, sid, "left_behind", date(2025, 9, 1), "班主任", "父母在外务工")
    add_counselling(store, sid, date(2025, 10, 8), "individual", "谈到与同学的矛盾",
                    participants="本人", next_step="两周后再约")
    add_counselling(store, sid, date(2025, 10, 20), "individual", "提到睡眠很差，偶有轻生念头",
                    confidential=True)
    add_counselling(store, sid, date(2025, 11, 2), "home_visit", "与母亲面谈，约定每周通话")
    add_signal(store, sid, "peer_monitor", date(2025, 10, 1), "最近常独自哭泣", "serious",
               reporter="心理委员")
    save_plan(store, sid, "key", "稳定情绪，恢复睡眠", "每周个体辅导；班主任每日关注",
              "心理教师、班主任", date(2025, 12, 1))
    add_pairing(store, sid, "mentor", "王老师", date(2025, 10, 10))
    decide_level(store, sid, "key", "访谈后确认需要重点关注", decided_on=date(2025, 10, 9))


def test_full_file_holds_every_part_in_date_order(store, school):
    sid = school.students[0]
    add_result(store, sid, "2025秋PHQ-9", "key", taken_at=datetime(2025, 9, 20, 9))
    add_result(store, sid, "2024秋PHQ-9", "general", starts_on=date(2024, 9, 18))
    add_result(store, sid, "2025春PHQ-9", "none", taken_at=datetime(2025, 3, 12, 10))
    _fill(store, sid)

    f = open_file(store, sid, today=date(2025, 11, 10))

    assert f.full and f.profile.student_no == "S20260000" and f.class_name
    assert f.guardians[0].phone == "13800000000"
    assert [s.campaign_name for s in f.screening] == ["2024秋PHQ-9", "2025春PHQ-9",
                                                      "2025秋PHQ-9"]
    assert f.screening[0].date_from_campaign and f.screening[0].taken_on == date(2024, 9, 18)
    assert f.screening[2].bands == (("total", "mild"),)
    assert [c.kind for c in f.counselling] == ["individual", "individual", "home_visit"]
    assert f.counselling[1].confidential and "轻生" in f.counselling[1].content
    assert [c.kind for c in f.home_contacts] == ["home_visit"]
    assert f.level_code == "key" and f.level_since == date(2025, 10, 9)
    assert f.plan is not None and f.plan.next_review_on == date(2025, 12, 1)
    assert f.signals[0].description == "最近常独自哭泣"
    assert f.risk_factors[0].note == "父母在外务工"
    # 重点关注: the first routine follow-up 14 days after the decision (a Thursday).
    assert f.open_followups and f.open_followups[0].due_on == date(2025, 10, 23)
    assert "双结对" in f.pairing_gap and "目前 1 名" in f.pairing_gap


def test_every_open_is_audited(store, school):
    sid = school.students[1]
    before = audit_count(store, "student_open", sid)
    open_file(store, sid)
    open_file(store, sid)
    assert audit_count(store, "student_open", sid) == before + 2


def test_class_teacher_gets_a_summary_without_confidential_notes(store, school,
                                                                   class_teacher):
    sid = school.students[0]
    add_result(store, sid, "2025秋PHQ-9", "key", taken_at=datetime(2025, 9, 20, 9))
    _fill(store, sid)
    ct = class_teacher()
    f = open_file(ct, sid, today=date(2025, 11, 10))
    assert not f.full
    assert len(f.counselling) == 2  # the confidential record is left out
    assert all(c.content == WITHHELD and c.next_step == WITHHELD for c in f.counselling)
    assert f.screening == ()
    assert f.signals[0].description == WITHHELD and f.risk_factors[0].note == WITHHELD
    assert f.warning_history[-1].reason == WITHHELD and f.level_code == "key"
    assert WITHHELD == "（保密）"
    # The plan shows who carries it and when it is reviewed; its goals and measures
    # are confidential (DESIGN: plans are sealed) and shown as withheld, not blank.
    assert f.plan is not None and f.plan.responsible == "心理教师、班主任"
    assert f.plan.goals == f.plan.measures == WITHHELD
    assert audit_count(ct, "student_open", sid) == 1
    with pytest.raises(PermissionDeniedError, match="本班"):
        open_file(ct, school.students[7])  # another class
    with pytest.raises(PermissionDeniedError):
        add_signal(ct, sid, "class_teacher", date(2025, 11, 1), "上课走神")
    with pytest.raises(PermissionDeniedError):
        entry_history(ct, "counselling", f.counselling[0].id)
