"""The student's status (在读/休学) as the referral steps move it, and back.

住院/建议休学 at 就诊反馈 makes the student 休学 and 复学评估 makes them 在读 again (each
step's StatusChange in referral/steps.py). Withdrawing such a step (a step recorded by
mistake) undoes the change it made — but only if it made one (a student already 休学,
or 转出, was left alone when it was recorded) and nothing changed the status since
(a later referral's step, or promotion to 毕业): then the status now is someone else's
decision and stays. Whether the step made the change is read from the steps
themselves: replaying every recorded step of the student's referrals in order, from
the 在读 every student is imported with, is exactly what recording them did. Every
change is audited on the student ("student_status").
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.labels import STUDENT_STATUSES
from app.models import Referral, ReferralStep, Student
from app.services import audit
from app.services.casefile.versions import current
from app.services.referral.steps import STEP_LABELS, STEPS, StepDetails, spec


def apply_step(session: Session, username: str, referral: Referral, step: str,
               details: StepDetails) -> None:
    """The status change recording `step` (done, not skipped) makes, if any."""
    change = spec(step).status
    if change is None or not change.when(details):
        return
    student = session.get(Student, referral.student_id)
    assert student is not None
    if student.status != change.before:
        return
    _set(session, username, student, change.after,
         f"（转介 编号 {referral.id}：{STEP_LABELS[step]}）")


def undo_step(session: Session, username: str, row: ReferralStep) -> None:
    """Before `row` (a recorded step) is withdrawn: give the student back the status
    they had before it, if it changed the status and was the last thing that did."""
    referral = session.get(Referral, row.referral_id)
    assert referral is not None
    student = session.get(Student, referral.student_id)
    assert student is not None
    change = spec(row.step).status
    if change is None or row.skipped or student.status != change.after:
        return
    if _last_change(session, referral.student_id) != row.id:
        return
    _set(session, username, student, change.before,
         f"（撤回转介 编号 {referral.id}：{STEP_LABELS[row.step]}）")


def _last_change(session: Session, student_id: int) -> int | None:
    """The id of the recorded step that made the student's latest status change."""
    rows = current(session.scalars(
        select(ReferralStep).join(Referral, Referral.id == ReferralStep.referral_id)
        .where(Referral.student_id == student_id)))
    rows.sort(key=lambda r: (r.referral_id, STEPS.index(r.step)))
    status, last = "enrolled", None
    for r in rows:
        change = spec(r.step).status
        if r.skipped or change is None or not change.when(_details(r)):
            continue
        if status == change.before:
            status, last = change.after, r.id
    return last


def _details(row: ReferralStep) -> StepDetails:
    return StepDetails(receipt=row.receipt, hospital=row.hospital,
                       certificate_seen=row.certificate_seen, meeting_on=row.meeting_on,
                       arrangements=row.arrangements, outcome=row.outcome,
                       diagnosis=row.diagnosis)


def _set(session: Session, username: str, student: Student, status: str,
         why: str) -> None:
    audit.record(session, username, "student_status", "student", student.id,
                 f"{STUDENT_STATUSES[student.status]} → {STUDENT_STATUSES[status]}{why}")
    student.status = status
