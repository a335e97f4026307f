"""The referral workflow (转介, 绿色通道): open, record each step, list.

A referral is opened from the checklist (referral/checklist.py), whose recommendation
and reasons are kept as assessed; opening one settles an open 转介决定 of the crisis
checklist (warning/crisis.py). Its steps are then recorded strictly in order; a step
can be skipped only with a reason (e.g. the student never left school, so there is no
return-to-school assessment). What each step must record, and its check, is its row in
referral/steps.py's STEP_TABLE (告知家长 the 告知书 receipt, 联系医院 a green-channel
hospital, 就诊反馈 what the hospital said, 复学评估 certificate, meeting, arrangements).
The checklist can also be saved without a referral, whatever it advises
(`record_assessment`): the teacher writes why no referral is opened now, which also
settles an open 转介决定. Refusals are BadInputError with the Chinese reason. Every write
is audited on the student ("referral_opened", "referral_assessed", "referral_step").
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.changes import ChangesWithCount, ChangesWithId, changes_of, in_file
from app.errors import BadInputError
from app.labels import REFERRAL_RECOMMENDATIONS
from app.models import Referral, ReferralAssessment, ReferralStep, SchoolClass, Student
from app.services import audit
from app.services.capabilities import READ_CONFIDENTIAL, WRITE_CASEFILE, require
from app.services.casefile.access import check_past, check_text, load_student
from app.services.casefile.entries import complete_open, withdraw_entry
from app.services.casefile.rows import ReferralRow, StepRow
from app.services.casefile.snapshot import referral_row
from app.services.referral.checklist import Indication, assess_indications
from app.services.referral.status import apply_step
from app.services.referral.steps import (
    NO_DETAILS,
    STEP_LABELS,
    StepDetails,
    check_details,
    load_steps,
    recorded,
    spec,
    step_code,
    step_rows,
)
from app.services.roster.file import class_display_name
from app.store.handle import Store


def open_referral(store: Store, student_id: int, indications: set[str],
                  opened_on: date | None = None, note: str = "",
                  extra: Iterable[Indication] = ()) -> ChangesWithId:
    """Open a referral; without any indication ticked, the note must say why."""
    require(store, WRITE_CASEFILE)
    opened_on = check_past(opened_on or date.today(), "转介开启日期")
    recommendation = assess_indications(indications, extra)
    if recommendation.level == "school_support" and not note.strip():
        raise BadInputError("未勾选转介指征而开启转介时，请在说明中写明理由（如家长要求）。")
    with store.write() as session:
        load_student(session, student_id)
        for earlier in session.scalars(select(Referral).where(
                Referral.student_id == student_id)):
            if not referral_row(earlier, load_steps(session, earlier.id)).closed:
                raise BadInputError(f"该学生已有进行中的转介（{earlier.opened_on:%Y-%m-%d} "
                                    "开启），请在其中继续登记。")
        referral = Referral(
            student_id=student_id, opened_on=opened_on, opened_by=store.user.username,
            indications=json.dumps(recommendation.indications, ensure_ascii=False),
            recommendation=recommendation.level,
            reasons=json.dumps(recommendation.reasons, ensure_ascii=False), note=note.strip())
        session.add(referral)
        session.flush()
        audit.record(session, store.user.username, "referral_opened", "student", student_id,
                     f"转介 编号 {referral.id}："
                     f"{REFERRAL_RECOMMENDATIONS[recommendation.level]}")
        complete_open(session, store.user.username, student_id, "crisis_referral", opened_on,
                      f"已开启转介（{recommendation.label}）", referral_id=referral.id)
        return ChangesWithId(referral.id, in_file(student_id, referrals=True))


def record_assessment(store: Store, student_id: int, indications: set[str],
                      assessed_on: date | None = None, note: str = "",
                      extra: Iterable[Indication] = ()) -> ChangesWithId:
    """Keep the checklist as assessed without opening a referral; `note` must say why
    (e.g. 面谈评估后风险可控，家长已带孩子就诊). Settles an open 转介决定 with that
    reason, as writing it on the crisis checklist would."""
    require(store, WRITE_CASEFILE)
    assessed_on = check_past(assessed_on or date.today(), "评估日期")
    recommendation = assess_indications(indications, extra)
    note = check_text(note, "不开启转介时，请在说明中写明理由（如面谈评估后风险可控）。")
    username = store.user.username
    with store.write() as session:
        load_student(session, student_id)
        row = ReferralAssessment(
            student_id=student_id, assessed_on=assessed_on, assessed_by=username,
            indications=json.dumps(recommendation.indications, ensure_ascii=False),
            recommendation=recommendation.level,
            reasons=json.dumps(recommendation.reasons, ensure_ascii=False), note=note)
        session.add(row)
        session.flush()
        audit.record(session, username, "referral_assessed", "student", student_id,
                     f"转介评估 编号 {row.id}：{recommendation.label}，暂不转介")
        complete_open(session, username, student_id, "crisis_referral", assessed_on,
                      f"转介评估（{recommendation.label}）后暂不转介：{note}")
        return ChangesWithId(row.id, in_file(student_id, referrals=True))


def complete_step(store: Store, referral_id: int, step: str, done_on: date,
                  note: str = "", done_by: str = "", details: StepDetails = NO_DETAILS,
                  hospitals: Sequence[str] = ()) -> ChangesWithId:
    """Record the next step as done; `hospitals` is the green-channel list."""
    require(store, WRITE_CASEFILE)
    details = check_details(step, note, details, hospitals)
    return _record(store, referral_id, step, done_on, note, done_by, details, skip_reason="")


def skip_step(store: Store, referral_id: int, step: str, reason: str,
              done_on: date | None = None) -> ChangesWithId:
    require(store, WRITE_CASEFILE)
    reason = check_text(reason, "跳过转介步骤时必须说明理由。")
    return _record(store, referral_id, step, done_on or date.today(), "", "", NO_DETAILS,
                   skip_reason=reason)


def cancel_referral(store: Store, referral_id: int, reason: str,
                    on: date | None = None) -> ChangesWithCount:
    """End a referral early (e.g. the parents decline): every step left is skipped with
    the reason. Returns how many steps were skipped."""
    require(store, WRITE_CASEFILE)
    reason = "终止转介：" + check_text(reason, "终止转介时必须说明理由。")
    on = check_past(on or date.today(), "终止日期")
    with store.write() as session:
        referral = _load(session, referral_id)
        pending = [s for s in step_rows(referral.opened_on, load_steps(session, referral_id))
                   if s.pending]
        if not pending:
            raise BadInputError("该转介的各步骤均已登记，无需终止。")
        for s in pending:
            _add_step(session, store, referral, s.step, s.due_on, on, "", "", NO_DETAILS,
                      reason)
        return ChangesWithCount(len(pending), in_file(referral.student_id, referrals=True))


def withdraw_step(store: Store, student_id: int, step: str, reason: str,
                  referral_id: int | None = None) -> ChangesWithId:
    """Withdraw a step recorded by mistake, named by code or label, of the student's
    newest referral unless `referral_id` names one: only the last step recorded can be
    withdrawn, and one that made the student 休学 (or 在读 again) gives the status back
    (casefile/entries.py `withdraw_entry`, which this resolves the step for). The
    version withdrawn stays in the step's history with the reason. Returns the
    referral's id."""
    require(store, WRITE_CASEFILE)
    code = step_code(step)
    with store.read() as session:
        load_student(session, student_id)
        if referral_id is None:
            referral_id = session.scalar(select(Referral.id).where(
                Referral.student_id == student_id).order_by(Referral.id.desc()).limit(1))
            if referral_id is None:
                raise BadInputError("该学生还没有转介记录，没有可撤回的步骤。")
        referral = session.get(Referral, referral_id)
        if referral is None or referral.student_id != student_id:
            raise BadInputError(f"转介 编号 {referral_id} 不是该学生的转介，请核对转介编号。")
        row = recorded(load_steps(session, referral_id)).get(code)
        if row is None:
            raise BadInputError(f"转介 编号 {referral_id} 的“{STEP_LABELS[code]}”还没有登记，"
                                "没有可撤回的内容。")
        step_id = row.id
    return ChangesWithId(referral_id,
                         changes_of(withdraw_entry(store, "referral_step", step_id, reason)))


def _load(session: Session, referral_id: int) -> Referral:
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise BadInputError("找不到该转介记录。")
    return referral


def _record(store: Store, referral_id: int, step: str, done_on: date, note: str,
            done_by: str, details: StepDetails, skip_reason: str) -> ChangesWithId:
    name = spec(step).label
    done_on = check_past(done_on, "完成日期")
    with store.write() as session:
        referral = _load(session, referral_id)
        steps = step_rows(referral.opened_on, load_steps(session, referral_id))
        this = next(s for s in steps if s.step == step)
        if not this.pending:
            verb = "跳过" if this.skipped else "登记完成"
            raise BadInputError(f"“{name}”已于 {this.done_on:%Y-%m-%d} {verb}，不能重复登记；"
                                "如需更正，请使用“更正”。")
        nxt = next(s for s in steps if s.pending)
        if nxt.step != step:
            raise BadInputError(f"请先完成“{STEP_LABELS[nxt.step]}”（或说明理由后跳过），"
                                f"再登记“{name}”。")
        before = max((s.done_on for s in steps if s.done_on), default=referral.opened_on)
        if done_on < before:
            raise BadInputError(f"日期不能早于上一步或开启转介的日期（{before:%Y-%m-%d}）。")
        student = session.get_one(Student, referral.student_id)
        status = student.status
        row = _add_step(session, store, referral, step, this.due_on, done_on, note, done_by,
                        details, skip_reason)
        # a step that made the student 休学 (or 在读 again) changed the roster too
        return ChangesWithId(row.id, in_file(referral.student_id, referrals=True,
                                             students=student.status != status))


def _add_step(session: Session, store: Store, referral: Referral, step: str,
              due_on: date | None, done_on: date, note: str, done_by: str,
              details: StepDetails, skip_reason: str) -> ReferralStep:
    username = store.user.username
    row = ReferralStep(referral_id=referral.id, step=step, due_on=due_on, done_on=done_on,
                       done_by=done_by.strip() or store.user.display_name or username,
                       note=note.strip(), skipped=bool(skip_reason), skip_reason=skip_reason,
                       receipt=details.receipt, hospital=details.hospital,
                       certificate_seen=details.certificate_seen, meeting_on=details.meeting_on,
                       arrangements=details.arrangements, outcome=details.outcome,
                       diagnosis=details.diagnosis, created_by=username)
    session.add(row)
    session.flush()
    audit.record(session, username, "referral_step", "student", referral.student_id,
                 f"转介 编号 {referral.id}：{STEP_LABELS[step]}"
                 f"{'（跳过）' if skip_reason else '（完成）'}")
    if not skip_reason:
        apply_step(session, username, referral, step, details)
    return row


@dataclass(frozen=True)
class ReferralListRow:
    referral: ReferralRow
    student_id: int
    student_no: str
    name: str
    class_name: str
    next_step: StepRow | None
    overdue_days: int


def list_referrals(store: Store, today: date | None = None,
                   include_closed: bool = False) -> list[ReferralListRow]:
    """Open referrals (and, on request, closed ones), most overdue first; audited."""
    require(store, READ_CONFIDENTIAL)
    day = today or date.today()
    return audit.audited_listing(store, "referral_list", "referral", "条",
                                 lambda session: referral_rows(session, day, include_closed))


def referral_rows(session: Session, today: date,
                  include_closed: bool = False) -> list[ReferralListRow]:
    steps: dict[int, list[ReferralStep]] = {}
    for s in session.scalars(select(ReferralStep).order_by(ReferralStep.id)):
        steps.setdefault(s.referral_id, []).append(s)
    query = (select(Referral, Student.student_no, Student.name, SchoolClass.grade,
                    SchoolClass.number)
             .join(Student, Student.id == Referral.student_id)
             .join(SchoolClass, SchoolClass.id == Student.class_id).order_by(Referral.id))
    out = []
    for referral, no, name, grade, number in session.execute(query):
        row = referral_row(referral, steps.get(referral.id, []))
        if row.closed and not include_closed:
            continue
        nxt = row.next_step
        due = nxt.due_on if nxt else None
        out.append(ReferralListRow(row, referral.student_id, no, name,
                                   class_display_name(grade, number), nxt,
                                   max(0, (today - due).days) if due else 0))
    out.sort(key=lambda r: (r.referral.closed, -r.overdue_days,
                            r.next_step.due_on if r.next_step and r.next_step.due_on
                            else date.max))
    return out
