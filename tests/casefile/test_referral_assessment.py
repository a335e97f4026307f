"""What the referral checklist knows before a tick (known_indications), and saving the
checklist without opening a referral (record_assessment)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.errors import BadInputError, PermissionDeniedError
from app.services.casefile.entries import add_signal
from app.services.casefile.snapshot import open_file
from app.services.referral.checklist import known_indications
from app.services.referral.workflow import record_assessment
from app.services.warning.crisis import checklist
from app.services.warning.decisions import decide_level
from tests.casefile.casefile_helpers import add_result, audit_count

TODAY = date(2026, 10, 20)


def test_a_critical_answer_in_the_newest_screening_is_known(store, school):
    sid = school.students[0]
    add_result(store, sid, "2026秋 PHQ-9", critical="9", answers={"9": "几乎每天"},
               taken_at=datetime(2026, 10, 12, 9, 30))
    known = known_indications(open_file(store, sid), TODAY)
    assert known == {"critical_item": "「2026秋 PHQ-9」第 9 题“几乎每天”"}


def test_an_older_critical_answer_superseded_by_a_newer_sheet_is_not(store, school):
    sid = school.students[1]
    add_result(store, sid, "2025秋 PHQ-9", critical="9", answers={"9": "好几天"},
               taken_at=datetime(2025, 10, 12, 9, 30))
    add_result(store, sid, "2026春 PHQ-9", taken_at=datetime(2026, 4, 12, 9, 30))
    assert known_indications(open_file(store, sid), TODAY) == {}


def test_recent_signals_naming_a_risk_are_known_older_and_ordinary_ones_are_not(
        store, school):
    sid = school.students[2]
    add_signal(store, sid, "class_teacher", date(2026, 10, 15), "课间说不想活了", "suicide")
    add_signal(store, sid, "parent", date(2026, 10, 18), "手臂上有划痕", "self_harm")
    add_signal(store, sid, "peer_monitor", date(2026, 10, 19), "最近不爱说话", "ordinary")
    add_signal(store, sid, "parent", date(2026, 5, 1), "和同学打架", "violence")
    known = known_indications(open_file(store, sid), TODAY)
    assert list(known) == ["suicidal_ideation", "self_harm"]  # checklist order
    assert known["suicidal_ideation"] == "2026-10-15 班主任反映：涉及自杀言行"
    assert known["self_harm"] == "2026-10-18 家长反映：涉及自伤行为"


@pytest.mark.parametrize("ticked", [set(), {"critical_item"}, {"suicide_plan"}])
def test_the_checklist_is_saved_with_any_advice_and_the_reason(store, school, ticked):
    sid = school.students[3]
    aid = record_assessment(store, sid, ticked, TODAY, "  面谈评估后风险可控，家长陪同就医  ")
    [row] = open_file(store, sid).referral_assessments
    assert row.id == aid and row.assessed_on == TODAY
    assert {code for code, _label in row.indications} == ticked
    assert row.note == "面谈评估后风险可控，家长陪同就医"
    assert row.reasons and row.assessed_by == "admin"  # the setup admin has no display name
    assert open_file(store, sid).referrals == ()
    assert audit_count(store, "referral_assessed", sid) == 1


def test_saving_without_a_reason_is_refused_and_writes_nothing(store, school):
    sid = school.students[4]
    with pytest.raises(BadInputError, match="请在说明中写明理由"):
        record_assessment(store, sid, {"critical_item"}, TODAY, "   ")
    with pytest.raises(BadInputError, match="未知的转介指征"):
        record_assessment(store, sid, {"nonsense"}, TODAY, "理由")
    assert open_file(store, sid).referral_assessments == ()
    assert audit_count(store, "referral_assessed", sid) == 0


def test_saving_settles_the_open_referral_decision_of_a_crisis(store, school):
    sid = school.students[5]
    decide_level(store, sid, "crisis", "面谈评估：有自杀意念", decided_on=TODAY)
    record_assessment(store, sid, {"suicidal_ideation"}, TODAY, "家长已带孩子就诊，医生每周复诊")
    items = {i.kind: i for i in checklist(open_file(store, sid).followups)}
    decision = items["crisis_referral"]
    assert decision.done and decision.row.done_on == TODAY
    assert decision.row.note == ("转介评估（建议评估后考虑转介）后暂不转介："
                                 "家长已带孩子就诊，医生每周复诊")
    assert not items["crisis_guardian"].done


def test_a_class_teacher_cannot_save_it(store, school, class_teacher):
    ct = class_teacher()
    with pytest.raises(PermissionDeniedError):
        record_assessment(ct, school.students[0], set(), TODAY, "理由")
