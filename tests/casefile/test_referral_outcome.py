"""就诊反馈 records a coded outcome and the diagnosis the family reports; 住院 and
建议休学 make the student 休学 until 复学评估 makes them 在读 again, each change audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from app.errors import BadInputError
from app.models import AuditEvent, ReferralStep, Student
from app.models.sealed import is_sealed
from app.services.audit_seal import open_detail
from app.services.casefile.entries import withdraw_entry
from app.services.casefile.snapshot import open_file
from app.services.referral.steps import STEPS, StepDetails
from app.services.referral.workflow import (
    cancel_referral,
    complete_step,
    open_referral,
    skip_step,
)
from tests.casefile.casefile_helpers import audit_count

HOSPITALS = ("市第六医院",)
OPENED = date(2026, 3, 2)
BEFORE_FEEDBACK = {"parents_informed": StepDetails(receipt="signed"),
                   "hospital_contacted": StepDetails(hospital=HOSPITALS[0])}
RETURN = StepDetails(certificate_seen=True, meeting_on=OPENED, arrangements="先上半天课")


def _to_feedback(store, sid: int) -> int:
    rid = open_referral(store, sid, {"self_harm"}, OPENED)
    for step in STEPS[:STEPS.index("visit_feedback")]:
        complete_step(store, rid, step, OPENED, note="已办", hospitals=HOSPITALS,
                      details=BEFORE_FEEDBACK.get(step, StepDetails()))
    return rid


def _status(store, sid: int) -> str:
    with store.read() as session:
        student = session.get(Student, sid)
        assert student is not None
        return student.status


def _status_events(store, sid: int) -> list[str]:
    with store.read() as session:
        return [open_detail(session, d) for d in session.scalars(select(AuditEvent.detail)
                .where(AuditEvent.action == "student_status",
                       AuditEvent.target_id == str(sid)).order_by(AuditEvent.id))]


@pytest.mark.parametrize("outcome", ["inpatient", "suspension"])
def test_admission_or_suspension_sets_suspended_and_return_brings_enrolled(
        store, school, outcome):
    sid = school.students[0]
    rid = _to_feedback(store, sid)
    complete_step(store, rid, "visit_feedback", OPENED, note="医生意见见病历",
                  details=StepDetails(outcome=outcome, diagnosis="  抑郁发作  "))
    assert _status(store, sid) == "suspended"
    feedback = open_file(store, sid).referrals[0].steps[STEPS.index("visit_feedback")]
    assert (feedback.outcome, feedback.diagnosis) == (outcome, "抑郁发作")
    complete_step(store, rid, "follow_up", OPENED, note="住院中")
    assert _status(store, sid) == "suspended"
    complete_step(store, rid, "return_assessment", OPENED, details=RETURN)
    assert _status(store, sid) == "enrolled"
    assert _status_events(store, sid) == [
        f"在读 → 休学（转介 编号 {rid}：就诊反馈）", f"休学 → 在读（转介 编号 {rid}：复学评估）"]


@pytest.mark.parametrize("outcome", ["outpatient", "no_treatment", "family_declined",
                                     "unreachable", "other"])
def test_other_outcomes_leave_the_student_enrolled(store, school, outcome):
    sid = school.students[1]
    rid = _to_feedback(store, sid)
    complete_step(store, rid, "visit_feedback", OPENED, note="电话三次未接通",
                  details=StepDetails(outcome=outcome))
    assert _status(store, sid) == "enrolled"
    complete_step(store, rid, "follow_up", OPENED, note="继续观察")
    complete_step(store, rid, "return_assessment", OPENED, details=RETURN)
    assert _status(store, sid) == "enrolled" and _status_events(store, sid) == []


def test_unknown_or_missing_outcome_is_refused_and_nothing_saved(store, school):
    sid = school.students[2]
    rid = _to_feedback(store, sid)
    steps_before = audit_count(store, "referral_step", sid)
    with pytest.raises(BadInputError,
                       match="就诊结果“痊愈”无法识别。可选：门诊治疗、住院、建议休学"):
        complete_step(store, rid, "visit_feedback", OPENED, note="x",
                      details=StepDetails(outcome="痊愈"))
    with pytest.raises(BadInputError, match="就诊结果未选择"):
        complete_step(store, rid, "visit_feedback", OPENED, note="x")
    assert audit_count(store, "referral_step", sid) == steps_before
    assert open_file(store, sid).referrals[0].next_step.step == "visit_feedback"
    assert _status(store, sid) == "enrolled"


def test_a_skipped_return_and_other_statuses_are_left_alone(store, school):
    """Skipping 复学评估 (the student never left) changes nothing, and a student who
    is no longer 在读 (转出) is not made 休学 by a referral."""
    sid = school.students[3]
    with store.write() as session:
        student = session.get(Student, sid)
        assert student is not None
        student.status = "transferred"
    rid = _to_feedback(store, sid)
    complete_step(store, rid, "visit_feedback", OPENED, note="住院",
                  details=StepDetails(outcome="inpatient"))
    complete_step(store, rid, "follow_up", OPENED, note="x")
    skip_step(store, rid, "return_assessment", "已转学", OPENED)
    assert _status(store, sid) == "transferred" and _status_events(store, sid) == []


def test_diagnosis_is_sealed_and_withheld_from_the_class_teacher(store, school,
                                                                   class_teacher):
    sid = school.students[4]
    rid = _to_feedback(store, sid)
    complete_step(store, rid, "visit_feedback", OPENED, note="见病历",
                  details=StepDetails(outcome="inpatient", diagnosis="双相情感障碍"))
    with store.read() as session:
        raw = session.execute(text("SELECT outcome, diagnosis FROM referral_step "
                                   "WHERE step = 'visit_feedback'")).one()
        assert session.scalar(select(ReferralStep.diagnosis).where(
            ReferralStep.step == "visit_feedback")) == "双相情感障碍"
    assert raw[0] == "inpatient" and is_sealed(raw[1])
    ct = class_teacher()
    feedback = open_file(ct, sid).referrals[0].steps[STEPS.index("visit_feedback")]
    assert feedback.diagnosis == "" and feedback.note == ""


def _step_id(store, sid: int, step: str, referral: int = 0) -> int:
    row = open_file(store, sid).referrals[referral].steps[STEPS.index(step)]
    assert row.id is not None
    return row.id


def test_withdrawing_the_feedback_gives_back_enrolled_audited(store, school):
    """就诊反馈 recorded as 住院 by mistake and withdrawn: the student is 在读 again, and
    recording the right outcome (门诊) leaves them 在读."""
    sid = school.students[5]
    rid = _to_feedback(store, sid)
    complete_step(store, rid, "visit_feedback", OPENED, note="住院",
                  details=StepDetails(outcome="inpatient"))
    assert _status(store, sid) == "suspended"
    withdraw_entry(store, "referral_step", _step_id(store, sid, "visit_feedback"), "选错了结果")
    assert _status(store, sid) == "enrolled"
    assert _status_events(store, sid) == [
        f"在读 → 休学（转介 编号 {rid}：就诊反馈）",
        f"休学 → 在读（撤回转介 编号 {rid}：就诊反馈）"]
    complete_step(store, rid, "visit_feedback", OPENED, note="门诊",
                  details=StepDetails(outcome="outpatient"))
    assert _status(store, sid) == "enrolled" and len(_status_events(store, sid)) == 2


def test_withdrawing_the_return_assessment_makes_suspended_again(store, school):
    """Steps are withdrawn last first: 复学评估 back to 休学, then 就诊反馈 back to 在读."""
    sid = school.students[6]
    rid = _to_feedback(store, sid)
    complete_step(store, rid, "visit_feedback", OPENED, note="建议休学",
                  details=StepDetails(outcome="suspension"))
    complete_step(store, rid, "follow_up", OPENED, note="在家")
    complete_step(store, rid, "return_assessment", OPENED, details=RETURN)
    assert _status(store, sid) == "enrolled"
    withdraw_entry(store, "referral_step", _step_id(store, sid, "return_assessment"), "未返校")
    assert _status(store, sid) == "suspended"
    withdraw_entry(store, "referral_step", _step_id(store, sid, "follow_up"), "x")
    assert _status(store, sid) == "suspended"
    withdraw_entry(store, "referral_step", _step_id(store, sid, "visit_feedback"), "x")
    assert _status(store, sid) == "enrolled"
    assert _status_events(store, sid)[-2:] == [
        f"在读 → 休学（撤回转介 编号 {rid}：复学评估）",
        f"休学 → 在读（撤回转介 编号 {rid}：就诊反馈）"]


def test_a_status_changed_since_is_left_alone(store, school):
    """After the 就诊反馈 the student left the school (转出): withdrawing it does not
    make them 在读."""
    sid = school.students[7]
    rid = _to_feedback(store, sid)
    complete_step(store, rid, "visit_feedback", OPENED, note="住院",
                  details=StepDetails(outcome="inpatient"))
    with store.write() as session:
        student = session.get(Student, sid)
        assert student is not None
        student.status = "transferred"
    withdraw_entry(store, "referral_step", _step_id(store, sid, "visit_feedback"), "x")
    assert _status(store, sid) == "transferred" and len(_status_events(store, sid)) == 1


def test_a_feedback_that_changed_nothing_changes_nothing_when_withdrawn(store, school):
    """An earlier referral made the student 休学 and was ended; a second referral's 住院
    found them 休学 already, so withdrawing it leaves them 休学 — and withdrawing a
    feedback after a later referral moved the status again leaves that status too."""
    sid = school.students[8]
    first = _to_feedback(store, sid)
    complete_step(store, first, "visit_feedback", OPENED, note="住院",
                  details=StepDetails(outcome="inpatient"))
    cancel_referral(store, first, "转往外省治疗", OPENED)
    second = _to_feedback(store, sid)
    complete_step(store, second, "visit_feedback", OPENED, note="仍住院",
                  details=StepDetails(outcome="inpatient"))
    assert _status(store, sid) == "suspended" and len(_status_events(store, sid)) == 1
    withdraw_entry(store, "referral_step", _step_id(store, sid, "visit_feedback", 1), "重复")
    assert _status(store, sid) == "suspended" and len(_status_events(store, sid)) == 1
    complete_step(store, second, "visit_feedback", OPENED, note="出院",
                  details=StepDetails(outcome="outpatient"))
    complete_step(store, second, "follow_up", OPENED, note="x")
    complete_step(store, second, "return_assessment", OPENED, details=RETURN)
    assert _status(store, sid) == "enrolled"
    # the first referral's 就诊反馈 is no longer the last change: reopening the ended
    # referral and withdrawing it leaves the 在读 the second referral gave back
    for step in reversed(STEPS[STEPS.index("follow_up"):]):
        withdraw_entry(store, "referral_step", _step_id(store, sid, step, 0), "重新登记")
    withdraw_entry(store, "referral_step", _step_id(store, sid, "visit_feedback", 0), "x")
    assert _status(store, sid) == "enrolled" and len(_status_events(store, sid)) == 2
