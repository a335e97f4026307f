"""The referral's steps: one table (`STEP_TABLE`) that says, for each step, its code and
label, when it falls due, what it records, how that is checked, the hint a form shows
and which letters print it.

Everything that knows about steps reads this table: the workflow (order, checks), the
GUI's step form (its fields and hint), the steps table and the lists (labels), the
letters (a test checks that each letter prints exactly the steps whose row names it),
and docs/ARCHITECTURE.md's table of steps (test-checked). A new step is one row here
(plus, for a new kind of field, a column, a form widget and a line in the letters).

Steps run in the table's order. Only the first step not yet recorded is due: the
opening day plus its days for the first step, else the day the previous step was done
(or skipped) plus its days. The return-to-school assessment has no due date: nobody
knows when a student will be back. Due dates ignore holidays on purpose — a crisis
does not wait for the school calendar.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import BadInputError
from app.models import ReferralStep
from app.models.sealed import sealed_names
from app.services.casefile.access import check_past, check_text
from app.services.casefile.rows import StepRow
from app.services.casefile.versions import current

RECEIPTS: dict[str, str] = {
    "signed": "家长已签收回执",
    "refused": "家长拒绝签字（已留存告知记录）",
}
"""The parents' answer on the 告知书 slip, which 告知家长 records."""

OUTCOMES: dict[str, str] = {
    "outpatient": "门诊治疗",
    "inpatient": "住院",
    "suspension": "建议休学",
    "no_treatment": "无需治疗",
    "family_declined": "家长拒绝就医",
    "unreachable": "未能联系",
    "other": "其他",
}
"""What came of the visit, which 就诊反馈 records as a code so that it can be counted;
the diagnosis the family reports stays free text (and sealed)."""

OFF_SCHOOL = frozenset({"inpatient", "suspension"})
"""Outcomes after which the student is away from school (休学) until 复学评估."""


@dataclass(frozen=True)
class StepDetails:
    """What particular steps record beyond date, who and note (a step's `fields`);
    each is a column of `referral_step` and of `StepRow` under the same name."""

    receipt: str = ""
    hospital: str = ""
    certificate_seen: bool = False
    meeting_on: date | None = None
    arrangements: str = ""
    outcome: str = ""
    diagnosis: str = ""


NO_DETAILS = StepDetails()
FIELDS: tuple[str, ...] = tuple(f.name for f in fields(StepDetails))
SEALED_FIELDS = frozenset(FIELDS) & set(sealed_names(ReferralStep.__table__))
"""Fields a summary (class teacher) gets blank: their columns are sealed."""

Check = Callable[[str, StepDetails, Sequence[str]], StepDetails]
"""(note, details, green-channel hospitals) → the details to store, or BadInputError."""


def _nothing(_note: str, _details: StepDetails, _hospitals: Sequence[str]) -> StepDetails:
    return NO_DETAILS


def _receipt(_note: str, details: StepDetails, _hospitals: Sequence[str]) -> StepDetails:
    if details.receipt not in RECEIPTS:
        raise BadInputError("请登记告知书回执：家长已签收，或家长拒绝签字。")
    return StepDetails(receipt=details.receipt)


def _hospital(_note: str, details: StepDetails, hospitals: Sequence[str]) -> StepDetails:
    if not hospitals:
        raise BadInputError("尚未配置绿色通道医院名单，请在部署文件中填写后再登记。")
    if details.hospital not in hospitals:
        raise BadInputError(f"“{details.hospital}”不在绿色通道医院名单中。"
                            f"可选：{'、'.join(hospitals)}。")
    return StepDetails(hospital=details.hospital)


def _feedback(note: str, details: StepDetails, _hospitals: Sequence[str]) -> StepDetails:
    if details.outcome not in OUTCOMES:
        found = f"“{details.outcome}”无法识别" if details.outcome else "未选择"
        raise BadInputError(f"就诊结果{found}。可选：{'、'.join(OUTCOMES.values())}。")
    check_text(note, "请填写就诊反馈（医院的意见或处理；未能联系时写明联系经过）。")
    return StepDetails(outcome=details.outcome, diagnosis=details.diagnosis.strip())


def _return(_note: str, details: StepDetails, _hospitals: Sequence[str]) -> StepDetails:
    if not details.certificate_seen:
        raise BadInputError("复学评估须先查验医院出具的病历证明。")
    meeting_on = check_past(details.meeting_on, "复学评估会议日期")
    arrangements = check_text(details.arrangements, "请填写复学安排。")
    return StepDetails(certificate_seen=True, meeting_on=meeting_on, arrangements=arrangements)


@dataclass(frozen=True)
class StatusChange:
    """A step that moves the student between 在读 and 休学 (Student.status): from
    `before` to `after`, when `when` holds for what the step recorded. A student in
    any other status (转出, 毕业, or already moved) is left as they are."""

    before: str
    after: str
    when: Callable[[StepDetails], bool] = lambda _details: True


@dataclass(frozen=True)
class StepSpec:
    code: str
    label: str
    days: int | None
    """Days after the previous step (the opening, for the first) that it falls due;
    None: no due date."""
    fields: tuple[str, ...] = ()
    """The StepDetails it records; the step form asks for exactly these."""
    check: Check = _nothing
    """Refuses what the step may not record; returns only the step's own fields."""
    hint: str = ""
    """What the step form says to do."""
    letters: tuple[str, ...] = ()
    """The letters (app/reports/letters.py LETTERS) that print what it recorded."""
    status: StatusChange | None = None
    """How recording it (done, not skipped) changes the student's status."""


STEP_TABLE: tuple[StepSpec, ...] = (
    StepSpec("crisis_assessment", "危机评估", 0),
    StepSpec("parents_informed", "告知家长（告知书回执）", 1, ("receipt",), _receipt,
             "先打印告知书，约家长面谈；家长签收或拒绝签字后在此登记回执。"),
    StepSpec("hospital_contacted", "联系医院（绿色通道）", 2, ("hospital",), _hospital,
             "从绿色通道医院名单中选择联系的医院。", ("notice", "referral", "return")),
    StepSpec("referral_form", "填写转介单", 1,
             hint="打印转介单交家长带往医院；医生填写反馈后带回学校。"),
    StepSpec("visit_feedback", "就诊反馈", 14, ("outcome", "diagnosis"), _feedback,
             "选择就诊结果，在记录中写医院的意见或处理；住院或建议休学时，学生状态"
             "自动改为休学，复学评估后恢复在读。",
             ("return",),
             StatusChange("enrolled", "suspended", lambda d: d.outcome in OFF_SCHOOL)),
    StepSpec("follow_up", "就诊后跟踪", 7),
    StepSpec("return_assessment", "复学评估", None,
             ("certificate_seen", "meeting_on", "arrangements"), _return,
             "复学前须查验医院出具的病历证明，并召开复学评估会议。", ("return",),
             StatusChange("suspended", "enrolled")),
    StepSpec("after_return", "复学后跟踪", 14),
)
"""The steps in the order they run (危机评估 → 告知家长 → 联系医院 → 转介单 → 就诊反馈 →
就诊后跟踪 → 复学评估 → 复学后跟踪)."""

SPECS: dict[str, StepSpec] = {s.code: s for s in STEP_TABLE}
STEPS: tuple[str, ...] = tuple(SPECS)
STEP_LABELS: dict[str, str] = {s.code: s.label for s in STEP_TABLE}


def spec(code: str) -> StepSpec:
    """The step's row; an unknown code is the teacher's typo (CLI) or a bug."""
    found = SPECS.get(code)
    if found is None:
        raise BadInputError(f"未知的转介步骤：{code}。可选：{'、'.join(STEP_LABELS.values())}。")
    return found


def step_code(value: str) -> str:
    """A step named by its code, its label, or its label's first words (告知家长 for
    告知家长（告知书回执）), as a teacher types it on the command line."""
    value = value.strip()
    for s in STEP_TABLE:
        if value in (s.code, s.label, s.label.split("（")[0]):
            return s.code
    return spec(value).code  # refuses, listing the steps


def check_details(step: str, note: str, details: StepDetails,
                  hospitals: Sequence[str]) -> StepDetails:
    """What `step` stores of `details`, after its own check."""
    return spec(step).check(note, details, hospitals)


def recorded(rows: Iterable[ReferralStep]) -> dict[str, ReferralStep]:
    """The newest version of each step recorded (done or skipped), by step code."""
    return {r.step: r for r in current(rows)}


def step_rows(opened_on: date, rows: Iterable[ReferralStep],
              full: bool = True) -> tuple[StepRow, ...]:
    """All steps in order: recorded ones as stored, the rest pending with a due date
    for the first of them. Without `full`, notes are left blank (class teacher)."""
    done = recorded(rows)
    out: list[StepRow] = []
    previous: date | None = opened_on
    for step in STEP_TABLE:
        row = done.get(step.code)
        if row is not None:
            out.append(StepRow(row.id, step.code, row.due_on, row.done_on, row.done_by,
                               row.note if full else "", row.skipped,
                               row.skip_reason if full else "",
                               **{name: getattr(row, name) if full or name not in SEALED_FIELDS
                                  else getattr(NO_DETAILS, name) for name in FIELDS}))
            previous = row.done_on
            continue
        due = (previous + timedelta(days=step.days)
               if previous and step.days is not None else None)
        out.append(StepRow(None, step.code, due, None, "", "", False, "",
                           **vars(NO_DETAILS)))
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
