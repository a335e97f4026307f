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
from app.services.casefile.snapshot import open_file
from app.services.referral.steps import STEPS, StepDetails
from app.services.referral.workflow import complete_step, open_referral, skip_step
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
