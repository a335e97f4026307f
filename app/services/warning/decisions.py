"""Deciding warning levels, and the dynamic key-student list (心理危机学生动态信息库).

The rules only suggest (warning/rules.py); a teacher decides, always with a reason, and
the suggestion in force at that moment is stored beside the decision, so a later reader
sees both what the rules said and what the teacher concluded. Decisions are never
changed: a new one is added. Deciding a level other than "none" makes sure a routine
follow-up is scheduled (casefile/followup.py); deciding 危机 for a student not at 危机 opens the
same-day crisis checklist (warning/crisis.py).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from app.changes import Changes, in_file
from app.instruments.warning import WARNING_LABELS, WarningLevel
from app.models import (
    FollowUp,
    LevelDecision,
    Pairing,
    ReportedSignal,
    RiskFactor,
    SchoolClass,
    Student,
)
from app.services import audit
from app.services.capabilities import (
    READ_CLASS_SUMMARY,
    WRITE_CASEFILE,
    require,
)
from app.services.casefile.access import check_code, check_past, check_text, load_student
from app.services.casefile.followup import DEFAULT_POLICY, FollowupPolicy, plan_routine
from app.services.casefile.plans import pairing_gap
from app.services.casefile.rows import StudentFile
from app.services.casefile.snapshot import screening_rows
from app.services.casefile.versions import current, is_current
from app.services.classes import scope
from app.services.roster.file import class_display_name
from app.services.warning.crisis import open_checklist
from app.services.warning.levels import current_level, level_since
from app.services.warning.rules import (
    DEFAULT_RULES,
    RulePolicy,
    Suggestion,
    choose_evidence,
    suggest_level,
)
from app.store.handle import Store

IN_SCHOOL = ("enrolled", "suspended")


def suggest_from_file(file: StudentFile, today: date,
                      rules: RulePolicy = DEFAULT_RULES) -> Suggestion:
    """The rules applied to an open (full) file, for the screen deciding a level."""
    screening, signals = choose_evidence(file.screening, file.signals, today, rules)
    factors = [r.code for r in file.risk_factors if r.active_on(today)]
    return suggest_level(screening, factors, signals, rules)


def suggestion_for(session: Session, student_id: int, today: date,
                   rules: RulePolicy = DEFAULT_RULES) -> Suggestion:
    factors = [r.code for r in current(session.scalars(
        select(RiskFactor).where(RiskFactor.student_id == student_id)))
        if r.noted_on <= today and (r.resolved_on is None or r.resolved_on > today)]
    signals = current(session.scalars(
        select(ReportedSignal).where(ReportedSignal.student_id == student_id)))
    screening, recent = choose_evidence(screening_rows(session, student_id), signals, today,
                                        rules)
    return suggest_level(screening, factors, recent, rules)


@dataclass(frozen=True)
class Decision:
    id: int
    level: str
    suggested: Suggestion
    followup_due: date | None
    changes: Changes = field(kw_only=True)


def record_decision(session: Session, username: str, student_id: int, level: str,
                    reason: str, suggested: Suggestion | None, decided_on: date,
                    campaign_id: int | None, policy: FollowupPolicy) -> Decision:
    """`decide_level` inside a caller's write transaction."""
    check_code(WARNING_LABELS, level, "预警等级")
    reason = check_text(reason, "请填写确定预警等级的理由。")
    check_past(decided_on, "确定日期")
    load_student(session, student_id)
    if suggested is None:
        suggested = suggestion_for(session, student_id, decided_on)
    before = current_level(session, student_id)
    decision = LevelDecision(student_id=student_id, level=level, reason=reason,
                             suggested_level=suggested.level,
                             suggested_reasons=json.dumps(list(suggested.reasons),
                                                          ensure_ascii=False),
                             decided_on=decided_on, decided_by=username,
                             campaign_id=campaign_id)
    session.add(decision)
    session.flush()
    audit.record(session, username, "warning_decided", "student", student_id,
                 f"定为{WARNING_LABELS[level]}（决定 编号 {decision.id}）")
    due = plan_routine(session, username, student_id, level, decided_on, policy)
    if level == "crisis" and before != "crisis":
        open_checklist(session, username, student_id, decided_on)
    return Decision(decision.id, level, suggested, due,
                    changes=in_file(student_id, levels=True))


def decide_level(store: Store, student_id: int, level: str, reason: str,
                 suggested: Suggestion | None = None, decided_on: date | None = None,
                 campaign_id: int | None = None,
                 policy: FollowupPolicy = DEFAULT_POLICY) -> Decision:
    """A teacher's decision, with reason; without `suggested`, the rules run now."""
    require(store, WRITE_CASEFILE)
    with store.write() as session:
        return record_decision(session, store.user.username, student_id, level, reason,
                               suggested, decided_on or date.today(), campaign_id, policy)


@dataclass(frozen=True)
class KeyStudentRow:
    student_id: int
    student_no: str
    name: str
    class_name: str
    level: str
    since: date | None
    next_due: date | None
    last_followup: date | None
    overdue_days: int
    pairing_gap: str

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0


def key_list(store: Store, today: date | None = None) -> list[KeyStudentRow]:
    """Everyone in school at a level above "none": since when, next follow-up, overdue.

    Staff see the whole school, a class teacher their own class. Most severe first,
    then the most overdue. Listing is audited once ("warning_list").
    """
    require(store, READ_CLASS_SUMMARY)
    day = today or date.today()
    return audit.audited_listing(store, "warning_list", "student", "人",
                                 lambda session: _key_rows(session, store, day))


def _key_rows(session: Session, store: Store, today: date) -> list[KeyStudentRow]:
    newest = (select(func.max(LevelDecision.id))
              .group_by(LevelDecision.student_id).scalar_subquery())
    query = (select(Student.id, Student.student_no, Student.name, SchoolClass.grade,
                    SchoolClass.number, LevelDecision.level)
             .join(SchoolClass, SchoolClass.id == Student.class_id)
             .join(LevelDecision, LevelDecision.student_id == Student.id)
             .where(LevelDecision.id.in_(newest), LevelDecision.level != "none",
                    Student.status.in_(IN_SCHOOL)))
    query = query.where(scope(store.user))
    students = {r[0]: r for r in session.execute(query)}
    # The listed students as a subquery, not a parameter list thousands long.
    ids = query.with_only_columns(Student.id).scalar_subquery()
    decisions: dict[int, list[Row]] = defaultdict(list)
    for d in session.execute(select(LevelDecision.student_id, LevelDecision.level,
                                    LevelDecision.decided_on)
                             .where(LevelDecision.student_id.in_(ids))
                             .order_by(LevelDecision.id)):
        decisions[d.student_id].append(d)
    open_due: dict[int, date] = {}
    last_done: dict[int, date] = {}
    for sid, due, done in session.execute(
            select(FollowUp.student_id, FollowUp.due_on, FollowUp.done_on)
            .where(FollowUp.student_id.in_(ids), is_current(FollowUp))):
        if done is None:
            open_due[sid] = min(due, open_due.get(sid, due))
        else:
            last_done[sid] = max(done, last_done.get(sid, done))
    pairings: dict[int, list[Row]] = defaultdict(list)
    for p in session.execute(select(Pairing.student_id, Pairing.role, Pairing.started_on,
                                    Pairing.ended_on)
                             .where(Pairing.student_id.in_(ids), is_current(Pairing))):
        pairings[p.student_id].append(p)
    rows = []
    for sid, (_, no, name, grade, number, level) in students.items():
        due = open_due.get(sid)
        rows.append(KeyStudentRow(
            sid, no, name, class_display_name(grade, number), level,
            level_since(decisions[sid]), due, last_done.get(sid),
            max(0, (today - due).days) if due else 0,
            pairing_gap(level, pairings[sid], today)))
    severity = {w.value: w.severity for w in WarningLevel}
    rows.sort(key=lambda r: (-severity[r.level], -r.overdue_days, r.next_due or date.max,
                             r.student_no))
    return rows
