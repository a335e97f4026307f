"""Adding, correcting and withdrawing entries of a student's file, and their history.

Each kind of entry is described once (`KINDS`: its model, coded fields, dates that must
not lie in the future, required texts, what a correction may change), so adding and
correcting check the same rules. Every write records one "student_edit" audit event on
the student, naming the entry by id only; reading an entry's history records
"student_open". Corrections need a reason: the original stays for the auditor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.changes import ChangesWithId, in_file
from app.errors import BadInputError
from app.labels import (
    ASSESSMENT_KINDS,
    COUNSELLING_KINDS,
    ENTRY_KINDS,
    FOLLOWUP_KINDS,
    PAIRING_ROLES,
    PLAN_CATEGORIES,
    PLAN_OUTCOMES,
    RISK_FACTORS,
    SIGNAL_DECISIONS,
    SIGNAL_SEVERITIES,
    SIGNAL_SOURCES,
)
from app.models import (
    CarePlan,
    CounsellingRecord,
    FollowUp,
    Pairing,
    PlanReview,
    Referral,
    ReferralStep,
    ReportedSignal,
    RiskFactor,
    SignalReport,
    Versioned,
)
from app.services import audit
from app.services.accounts.user_names import display_names
from app.services.capabilities import READ_CONFIDENTIAL, WRITE_CASEFILE, require
from app.services.casefile.access import (
    check_code,
    check_minutes,
    check_past,
    check_text,
    load_student,
)
from app.services.casefile.versions import chain, content_fields, is_current, new_version
from app.services.referral.status import undo_step
from app.services.referral.steps import check_last_step
from app.store.handle import Store


@dataclass(frozen=True)
class EntryKind:
    model: type[Versioned]
    editable: frozenset[str]
    codes: Mapping[str, tuple[dict[str, str], str]] = field(default_factory=dict)
    past_dates: Mapping[str, str] = field(default_factory=dict)
    optional_past_dates: Mapping[str, str] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)
    order: tuple[tuple[str, str, str], ...] = ()
    durations: Mapping[str, str] = field(default_factory=dict)

    def check(self, values: dict[str, Any]) -> dict[str, Any]:
        for name, (table, what) in self.codes.items():
            if name in values:
                check_code(table, values[name], what)
        for name, what in self.past_dates.items():
            if name in values:
                check_past(values[name], what)
        for name, what in self.optional_past_dates.items():
            if values.get(name) is not None:
                check_past(values[name], what)
        for name, message in self.texts.items():
            if name in values:
                values[name] = check_text(values[name], message)
        for name, what in self.durations.items():
            if name in values:
                values[name] = check_minutes(values[name], what)
        for earlier, later, message in self.order:
            if values.get(earlier) and values.get(later) and values[later] < values[earlier]:
                raise BadInputError(message)
        return values


KINDS: dict[str, EntryKind] = {
    "risk_factor": EntryKind(
        RiskFactor, frozenset({"code", "noted_on", "source", "note", "resolved_on"}),
        codes={"code": (RISK_FACTORS, "处境不利因素")},
        past_dates={"noted_on": "发现日期"}, optional_past_dates={"resolved_on": "解除日期"},
        order=(("noted_on", "resolved_on", "解除日期不能早于发现日期。"),)),
    "counselling": EntryKind(
        CounsellingRecord,
        frozenset({"held_on", "kind", "participants", "content", "next_step", "confidential",
                   "minutes"}),
        codes={"kind": (COUNSELLING_KINDS, "辅导类型")}, past_dates={"held_on": "辅导日期"},
        texts={"content": "请填写辅导内容或记录要点。"}, durations={"minutes": "辅导时长"}),
    "signal": EntryKind(
        ReportedSignal,
        frozenset({"source", "reporter", "reported_on", "description", "severity"}),
        codes={"source": (SIGNAL_SOURCES, "信息来源"),
               "severity": (SIGNAL_SEVERITIES, "严重程度")},
        past_dates={"reported_on": "反映日期"}, texts={"description": "请填写反映的情况。"}),
    "pairing": EntryKind(
        Pairing, frozenset({"role", "person", "started_on", "ended_on", "note"}),
        codes={"role": (PAIRING_ROLES, "结对角色")}, past_dates={"started_on": "结对开始日期"},
        optional_past_dates={"ended_on": "结对结束日期"},
        texts={"person": "请填写结对人员姓名。"},
        order=(("started_on", "ended_on", "结对结束日期不能早于开始日期。"),)),
    "plan": EntryKind(
        CarePlan,
        frozenset({"category", "goals", "measures", "responsible", "next_review_on"}),
        codes={"category": (PLAN_CATEGORIES, "计划类别")},
        texts={"goals": "请填写辅导目标。", "measures": "请填写干预措施。"}),
    "plan_review": EntryKind(
        PlanReview, frozenset({"reviewed_on", "outcome", "note", "next_review_on"}),
        codes={"outcome": (PLAN_OUTCOMES, "评估结论")}, past_dates={"reviewed_on": "评估日期"}),
    "follow_up": EntryKind(
        FollowUp, frozenset({"due_on", "done_on", "done_by", "note", "done_at", "referral_id"}),
        codes={"kind": (FOLLOWUP_KINDS, "随访类型")},
        optional_past_dates={"done_on": "随访日期"}),
    "referral_step": EntryKind(
        ReferralStep, frozenset({"done_on", "done_by", "note"}),
        past_dates={"done_on": "完成日期"}),
}


def student_of(session: Session, row: Versioned) -> int:
    if isinstance(row, ReferralStep):
        referral = session.get(Referral, row.referral_id)
        assert referral is not None
        return referral.student_id
    return row.student_id  # type: ignore[attr-defined, no-any-return]


def insert_entry(session: Session, username: str, entry_kind: str, student_id: int,
                 **values: Any) -> Versioned:
    """Check and add a new entry inside the caller's write transaction, audited."""
    spec = KINDS[entry_kind]
    load_student(session, student_id)
    row = spec.model(student_id=student_id, created_by=username, **spec.check(values))
    session.add(row)
    session.flush()
    audit.record(session, username, "student_edit", "student", student_id,
                 f"新增{ENTRY_KINDS[entry_kind]}（记录 编号 {row.id}）")
    return row


def revise_entry(session: Session, username: str, entry_kind: str, old: Versioned,
                 reason: str, *, withdrawn: bool = False, **changes: Any) -> Versioned:
    """Add a checked version of `old` inside the caller's transaction, audited."""
    spec = KINDS[entry_kind]
    not_editable = set(changes) - spec.editable
    if not_editable:
        raise BadInputError(f"这类记录不能这样更正：{'、'.join(sorted(not_editable))}。")
    merged = {name: getattr(old, name) for name in content_fields(spec.model)} | changes
    spec.check(merged)
    row = new_version(session, old, username, reason, withdrawn=withdrawn,
                      **{name: merged[name] for name in changes})
    verb = "撤回" if withdrawn else "更正"
    audit.record(session, username, "student_edit", "student", student_of(session, row),
                 f"{verb}{ENTRY_KINDS[entry_kind]}（记录 编号 {old.id} → {row.id}）")
    return row


def complete_open(session: Session, username: str, student_id: int, kind: str,
                  done_on: date, note: str, **details: Any) -> list[Versioned]:
    """Complete every open follow-up of `kind` of a student (a crisis checklist item
    that another record settles: an assessment written, a referral opened)."""
    done = []
    for row in session.scalars(select(FollowUp).where(
            FollowUp.student_id == student_id, FollowUp.kind == kind,
            FollowUp.done_on.is_(None), is_current(FollowUp))):
        done.append(revise_entry(session, username, "follow_up", row, "完成", done_on=done_on,
                                 done_by=username, note=note, **details))
    return done


def load_entry(session: Session, kind: str, record_id: int) -> Versioned:
    if kind not in KINDS:
        raise BadInputError(f"未知的记录类型：{kind}")
    row = session.get(KINDS[kind].model, record_id)
    if row is None:
        raise BadInputError("找不到这条记录，可能编号有误。")
    return row


def add_risk_factor(store: Store, student_id: int, code: str, noted_on: date,
                    source: str = "", note: str = "") -> ChangesWithId:
    require(store, WRITE_CASEFILE)
    with store.write() as session:
        return ChangesWithId(insert_entry(
            session, store.user.username, "risk_factor", student_id, code=code,
            noted_on=noted_on, source=source, note=note).id, in_file(student_id))


def resolve_risk_factor(store: Store, risk_factor_id: int,
                        resolved_on: date) -> ChangesWithId:
    return end_entry(store, "risk_factor", risk_factor_id, "resolved_on", resolved_on,
                     "已解除", "该因素已于 {day} 解除。")


def end_entry(store: Store, kind: str, entry_id: int, field: str, on: date, reason: str,
              refusal: str) -> ChangesWithId:
    """Mark a versioned entry ended on a day (a risk factor resolved, a pairing ended): a
    new version with `field` set to `on`, `reason` as its note; the history keeps that it
    was open. Refused when it has ended already (`refusal` names the day as {day})."""
    require(store, WRITE_CASEFILE)
    with store.write() as session:
        old = load_entry(session, kind, entry_id)
        ended = getattr(old, field)
        if ended is not None:
            raise BadInputError(refusal.format(day=f"{ended:%Y-%m-%d}"))
        return ChangesWithId(revise_entry(session, store.user.username, kind, old, reason,
                                          **{field: on}).id,
                             in_file(old.student_id))


def add_counselling(store: Store, student_id: int, held_on: date, kind: str, content: str,
                    participants: str = "", next_step: str = "",
                    confidential: bool = False, minutes: int | None = None) -> ChangesWithId:
    """Home–school contacts are the kinds home_visit, phone and three_way. An assessment
    (ASSESSMENT_KINDS) also completes the crisis checklist's 面谈评估 if one is open; the
    same-day task of a critical answer reads the record itself (today.py)."""
    require(store, WRITE_CASEFILE)
    with store.write() as session:
        username = store.user.username
        row = insert_entry(session, username, "counselling", student_id, held_on=held_on,
                           kind=kind, content=content, participants=participants,
                           next_step=next_step, confidential=confidential,
                           minutes=minutes)
        if kind in ASSESSMENT_KINDS:
            complete_open(session, username, student_id, "crisis_assess", held_on,
                          f"见 {held_on:%Y-%m-%d} 的{COUNSELLING_KINDS[kind]}记录")
        return ChangesWithId(row.id, in_file(student_id))


def add_signal(store: Store, student_id: int, source: str, reported_on: date,
               description: str, severity: str = "ordinary", reporter: str = "",
               decision: str | None = None) -> ChangesWithId:
    """The counselling room records a 反映 (登记反映 in the file: what a parent said on
    the phone, what a 心理委员 came to say). Like a 反映 the network files, it gets a
    status (a SignalReport, signals/reports.py) and heads 今日工作 until it is decided —
    writing down what was said is not yet deciding what to do about it; a teacher who
    has already decided gives `decision` (SIGNAL_DECISIONS) and it is recorded at once,
    as decided by them. Returns the file entry's id."""
    require(store, WRITE_CASEFILE)
    if decision is not None:
        check_code(SIGNAL_DECISIONS, decision, "处理结果")
    username = store.user.username
    with store.write() as session:
        row = insert_entry(session, username, "signal", student_id, source=source,
                           reported_on=reported_on, description=description,
                           severity=severity, reporter=reporter)
        assert isinstance(row, ReportedSignal)
        report = SignalReport(student_id=student_id, source=row.source,
                              severity=row.severity, seen_on=row.reported_on,
                              filed_by=username, signal_id=row.id)
        if decision is not None:
            report.decision, report.decided_by = decision, username
            report.decided_on = date.today()
        session.add(report)
        session.flush()
        audit.record(session, username, "signal_filed", "student", student_id,
                     f"反映 编号 {report.id}")
        if decision is not None:
            audit.record(session, username, "signal_decided", "student", student_id,
                         f"反映 编号 {report.id}：{SIGNAL_DECISIONS[decision]}")
        return ChangesWithId(row.id, in_file(student_id))


def correct_entry(store: Store, entry_kind: str, record_id: int, reason: str,
                  **changes: Any) -> ChangesWithId:
    """A new version of the entry with `changes`; the version corrected stays visible."""
    require(store, WRITE_CASEFILE)
    reason = check_text(reason, "更正记录时请说明原因。")
    if not changes:
        raise BadInputError("没有要更正的内容。")
    with store.write() as session:
        old = load_entry(session, entry_kind, record_id)
        return ChangesWithId(revise_entry(session, store.user.username, entry_kind, old, reason,
                                          **changes).id,
                             in_file(student_of(session, old),
                                     referrals=entry_kind == "referral_step"))


def withdraw_entry(store: Store, kind: str, record_id: int, reason: str) -> ChangesWithId:
    """Withdraw an entry made by mistake: it leaves the lists but not the history.

    A referral step can be withdrawn only while it is the referral's last one, so the
    workflow never has a hole in it; withdrawing one that made the student 休学 (or 在读
    again) gives back the status they had, unless something changed it since
    (referral/status.py).
    """
    require(store, WRITE_CASEFILE)
    reason = check_text(reason, "撤回记录时请说明原因。")
    with store.write() as session:
        old = load_entry(session, kind, record_id)
        if isinstance(old, ReferralStep):
            check_last_step(session, old)
            undo_step(session, store.user.username, old)
        step = kind == "referral_step"  # may give the student their status back
        return ChangesWithId(revise_entry(session, store.user.username, kind, old, reason,
                                          withdrawn=True).id,
                             in_file(student_of(session, old), referrals=step, students=step))


@dataclass(frozen=True)
class EntryVersion:
    """One version as the auditor sees it: its fields and who made it, when and why."""

    id: int
    supersedes_id: int | None
    created_at: datetime
    created_by: str
    change_reason: str
    withdrawn: bool
    fields: dict[str, Any]


def entry_history(store: Store, kind: str, record_id: int) -> list[EntryVersion]:
    """Every version of one entry, original first (the auditor's view)."""
    require(store, READ_CONFIDENTIAL)
    with store.write() as session:
        load_entry(session, kind, record_id)
        versions = chain(session, KINDS[kind].model, record_id)
        names = content_fields(KINDS[kind].model)
        audit.record(session, store.user.username, "student_open", "student",
                     student_of(session, versions[0]),
                     f"查看{ENTRY_KINDS[kind]}的修改历史（记录 编号 {record_id}）")
        who = display_names(session)
        return [EntryVersion(v.id, v.supersedes_id, v.created_at,
                             who.get(v.created_by, v.created_by),
                             v.change_reason, v.withdrawn,
                             {name: getattr(v, name) for name in names}) for v in versions]
