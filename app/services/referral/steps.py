"""The order of a referral's steps and when each falls due.

Steps run in the order of REFERRAL_STEPS (危机评估 → 告知家长 → 联系医院 → 转介单 →
就诊反馈 → 就诊后跟踪 → 复学评估 → 复学后跟踪). Only the first step not yet recorded
is due: the opening day plus its days for the first step, else the day the previous
step was done (or skipped) plus its days. The return-to-school assessment has no due
date: nobody knows when a student will be back. Due dates ignore holidays on purpose —
a crisis does not wait for the school calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import BadInputError
from app.labels import REFERRAL_STEPS
from app.models import ReferralStep
from app.services.casefile.rows import StepRow
from app.services.casefile.versions import current

STEPS: tuple[str, ...] = tuple(REFERRAL_STEPS)

#: Days after the previous step (the opening, for the first) that a step falls due.
STEP_DAYS: dict[str, int | None] = {
    "crisis_assessment": 0,
    "parents_informed": 1,
    "hospital_contacted": 2,
    "referral_form": 1,
    "visit_feedback": 14,
    "follow_up": 7,
    "return_assessment": None,
    "after_return": 14,
}


def recorded(rows: Iterable[ReferralStep]) -> dict[str, ReferralStep]:
    """The newest version of each step recorded (done or skipped), by step code."""
    return {r.step: r for r in current(rows)}


def step_rows(opened_on: date, rows: Iterable[ReferralStep], full: bool = True,
              days: dict[str, int | None] = STEP_DAYS) -> tuple[StepRow, ...]:
    """All steps in order: recorded ones as stored, the rest pending with a due date
    for the first of them. Without `full`, notes are left blank (class teacher)."""
    done = recorded(rows)
    out: list[StepRow] = []
    previous: date | None = opened_on
    for step in STEPS:
        row = done.get(step)
        if row is not None:
            out.append(StepRow(row.id, step, row.due_on, row.done_on, row.done_by,
                               row.note if full else "", row.skipped,
                               row.skip_reason if full else "", row.receipt, row.hospital,
                               row.certificate_seen, row.meeting_on, row.arrangements))
            previous = row.done_on
            continue
        offset = days.get(step)
        due = previous + timedelta(days=offset) if previous and offset is not None else None
        out.append(StepRow(None, step, due, None, "", "", False, "", "", "", False, None, ""))
        previous = None
    return tuple(out)


def load_steps(session: Session, referral_id: int) -> list[ReferralStep]:
    return list(session.scalars(select(ReferralStep)
                                .where(ReferralStep.referral_id == referral_id)
                                .order_by(ReferralStep.id)))


def check_last_step(session: Session, row: ReferralStep) -> None:
    """Only the step recorded last may be withdrawn, so no step is left out in between."""
    done = recorded(load_steps(session, row.referral_id))
    last = max((STEPS.index(s) for s in done), default=-1)
    if done.get(row.step) is not row or STEPS.index(row.step) != last:
        raise BadInputError("只能撤回最后登记的一步；请先撤回其后的步骤。")
