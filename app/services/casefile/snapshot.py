"""Opening a student's 一生一策 file as one snapshot (`open_file`).

The whole file is read in one transaction with a handful of indexed queries (one per
kind of entry), so it stays well under the 200 ms a screen can wait even after ten
years of records (`python -m bench --only file`). Opening is audited ("student_open") in the
same transaction. Lists are oldest first, so a trend reads left to right.

A 班主任 gets the summary of a student in their own class: the level, the plan's
category, people responsible and review dates, the pairings, follow-up dates and
contacts, but no confidential record, no counselling content, no screening scores, no
plan goals or measures and no notes. Those are sealed columns
(app/models/sealed.py) that a class teacher's session cannot open, so the summary never
loads them (`_entities` defers them) rather than loading and blanking them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, defer

from app.errors import BadInputError
from app.models import (
    Campaign,
    CarePlan,
    CounsellingRecord,
    FollowUp,
    Guardian,
    LevelDecision,
    Pairing,
    PlanReview,
    Referral,
    ReferralAssessment,
    ReferralStep,
    ReportedSignal,
    RiskFactor,
    SchoolClass,
    ScreeningResult,
    SignalReport,
    Student,
)
from app.models.sealed import sealed_names
from app.services import audit
from app.services.accounts.user_names import display_names
from app.services.casefile.access import read_audited
from app.services.casefile.conference import conference_rows
from app.services.casefile.plans import pairing_gap
from app.services.casefile.rows import (
    CounsellingRow,
    DecisionRow,
    FollowUpRow,
    GuardianRow,
    PairingRow,
    PlanReviewRow,
    PlanRow,
    Profile,
    ReferralAssessmentRow,
    ReferralRow,
    RiskFactorRow,
    ScreeningRow,
    SignalRow,
    StudentFile,
)
from app.services.casefile.versions import current, newest_ids
from app.services.referral.attachments import attachment_rows
from app.services.referral.steps import step_rows
from app.services.roster.file import class_display_name
from app.services.warning.levels import level_since
from app.store.handle import Store

WITHHELD = "（保密）"
"""What a summary shows in place of a text the class teacher may not read: an empty cell
would read as "nothing was written"."""


def open_file(store: Store, student_id: int, today: date | None = None) -> StudentFile:
    """The student's file (full for staff, a summary for their class teacher), audited;
    so is a refusal (a class teacher trying another class's student), which commits
    before the refusal is raised."""
    def read(session: Session, student: Student, full: bool) -> StudentFile:
        snapshot = build_file(session, student, full, today or date.today())
        audit.record(session, store.user.username, "student_open", "student", student_id,
                     "完整档案" if full else "摘要（班主任可见部分）")
        return snapshot

    return read_audited(store, student_id, read)


def find_student(store: Store, student_no: str) -> int:
    """The id of the student with this 学籍号 (for the command line and search boxes)."""
    with store.read() as session:
        sid = session.scalar(select(Student.id).where(Student.student_no == student_no.strip()))
    if sid is None:
        raise BadInputError(f"没有学籍号为 {student_no} 的学生。")
    return sid


def build_file(session: Session, student: Student, full: bool, today: date) -> StudentFile:
    """The snapshot, inside a caller's session (letters and rules reuse it)."""
    sid = student.id
    school_class = session.get(SchoolClass, student.class_id)
    assert school_class is not None
    decisions = list(session.scalars(_entities(LevelDecision, full).where(
        LevelDecision.student_id == sid).order_by(LevelDecision.id)))
    names = display_names(session)
    history = tuple(_decision(d, full, names) for d in decisions)
    plan, reviews = _plan(session, sid, full)
    pairings = tuple(_pairing(p, full)
                     for p in _current(session, Pairing, sid, full, "started_on"))
    level = history[-1] if history else None
    return StudentFile(
        full=full,
        profile=Profile(sid, student.student_no, student.name, student.gender,
                        student.birth_date, school_class.grade, school_class.number,
                        school_class.id, student.status),
        class_name=class_display_name(school_class.grade, school_class.number),
        guardians=tuple(GuardianRow(g.name, g.relation, g.phone, g.note) for g in session.scalars(
            select(Guardian).where(Guardian.student_id == sid).order_by(Guardian.id))),
        level=level,
        level_since=level_since(decisions),
        warning_history=history,
        risk_factors=tuple(_risk(r, full)
                           for r in _current(session, RiskFactor, sid, full, "noted_on")),
        screening=screening_rows(session, sid) if full else (),
        counselling=tuple(_counselling(c, full, names)
                          for c in _current(session, CounsellingRecord, sid, full, "held_on")
                          if full or not c.confidential),
        plan=plan,
        plan_reviews=reviews,
        pairings=pairings,
        pairing_gap=pairing_gap(level.level if level else "none", pairings, today),
        signals=_signals(session, sid, full),
        followups=tuple(_followup(f, full)
                        for f in _current(session, FollowUp, sid, full, "due_on")),
        referrals=_referrals(session, sid, full, names),
        conferences=conference_rows(session, sid) if full else (),
        referral_assessments=_assessments(session, sid, names) if full else (),
        attachments=attachment_rows(session, sid, full),
    )


def _entities(model: type, full: bool) -> Select:
    """`select(model)`, without its sealed columns for a summary (deferred: reading one
    would fail, loudly, for a session without the staff key)."""
    query = select(model)
    if full:
        return query
    return query.options(*(defer(getattr(model, name))
                           for name in sealed_names(model.__table__)))


def _current(session: Session, model: type, student_id: int, full: bool,
             by: str = "id") -> list:
    """Current versions of one student's entries, in order of their date (then id)."""
    rows = current(session.scalars(_entities(model, full)
                                   .where(model.student_id == student_id)))
    return sorted(rows, key=lambda r: (getattr(r, by), r.id))


def _decision(d: LevelDecision, full: bool, names: dict[str, str]) -> DecisionRow:
    """`decided_by` as the teacher's display name (the account name if it has none)."""
    return DecisionRow(d.id, d.level, d.reason if full else WITHHELD, d.suggested_level,
                       tuple(json.loads(d.suggested_reasons)) if full else (), d.decided_on,
                       names.get(d.decided_by, d.decided_by), d.campaign_id)


def _risk(r: RiskFactor, full: bool) -> RiskFactorRow:
    return RiskFactorRow(r.id, r.code, r.noted_on, r.source if full else WITHHELD,
                         r.note if full else WITHHELD, r.resolved_on, r.supersedes_id is not None)


def _counselling(c: CounsellingRecord, full: bool, names: dict[str, str]) -> CounsellingRow:
    return CounsellingRow(c.id, c.held_on, c.kind, c.participants if full else WITHHELD,
                          c.content if full else WITHHELD, c.next_step if full else WITHHELD,
                          c.confidential, names.get(c.created_by, c.created_by),
                          c.supersedes_id is not None, c.minutes, c.group_id)


def _signals(session: Session, sid: int, full: bool) -> tuple[SignalRow, ...]:
    """The signals, each with the 反映 it came from and that report's status (the
    report links the entry as it was filed; a corrected entry keeps its report)."""
    filed = session.execute(
        select(SignalReport.id, SignalReport.signal_id, SignalReport.decision)
        .where(SignalReport.student_id == sid, SignalReport.signal_id.is_not(None))).all()
    newest = newest_ids(session, ReportedSignal, (signal_id for _r, signal_id, _d in filed))
    reports = {newest[signal_id]: (rid, decision) for rid, signal_id, decision in filed}
    return tuple(
        SignalRow(s.id, s.source, s.reporter if full else WITHHELD, s.reported_on,
                  s.description if full else WITHHELD, s.severity, s.supersedes_id is not None,
                  *reports.get(s.id, (None, None)))
        for s in _current(session, ReportedSignal, sid, full, "reported_on"))


def _followup(f: FollowUp, full: bool) -> FollowUpRow:
    return FollowUpRow(f.id, f.kind, f.due_on, f.done_on, f.done_by,
                       f.note if full else WITHHELD, f.campaign_id, f.done_at, f.referral_id)


def _pairing(p: Pairing, full: bool) -> PairingRow:
    return PairingRow(p.id, p.role, p.person, p.started_on, p.ended_on,
                      p.note if full else WITHHELD)


def _plan(session: Session, sid: int, full: bool,
          ) -> tuple[PlanRow | None, tuple[PlanReviewRow, ...]]:
    plans = _current(session, CarePlan, sid, full)
    reviews = _current(session, PlanReview, sid, full, "reviewed_on")
    rows = tuple(PlanReviewRow(r.id, r.plan_id, r.reviewed_on, r.outcome,
                               r.note if full else WITHHELD, r.next_review_on) for r in reviews)
    if not plans:
        return None, rows
    plan = plans[-1]
    latest = reviews[-1] if reviews else None
    if latest is not None and latest.created_at >= plan.created_at:
        next_review, closed = latest.next_review_on, latest.outcome == "close"
    else:
        next_review, closed = plan.next_review_on, False
    return PlanRow(plan.id, plan.category, plan.goals if full else WITHHELD,
                   plan.measures if full else WITHHELD, plan.responsible,
                   next_review, closed, plan.created_at, plan.created_by,
                   plan.supersedes_id is not None), rows


def screening_rows(session: Session, sid: int) -> tuple[ScreeningRow, ...]:
    query = (select(ScreeningResult, Campaign.name, Campaign.starts_on, Campaign.ends_on)
             .join(Campaign, Campaign.id == ScreeningResult.campaign_id)
             .where(ScreeningResult.student_id == sid))
    rows = []
    for r, name, starts_on, ends_on in session.execute(query):
        taken = r.taken_at.date() if r.taken_at else (starts_on or ends_on)
        doc = json.loads(r.scores) if r.scores else {}
        rows.append(ScreeningRow(
            r.id, r.campaign_id, name, r.instrument_code, taken, r.taken_at is None, r.total,
            r.valid, r.suggested_level, critical_list(r.critical_items),
            tuple(doc.get("bands", {}).items()), critical_answers(doc)))
    return tuple(sorted(rows, key=lambda s: (s.taken_on or date.min, s.result_id)))


def critical_list(text: str) -> tuple[int, ...]:
    """ScreeningResult.critical_items ("9" or "85,97") as item numbers."""
    return tuple(int(i) for i in text.split(",") if i.strip())


def critical_answers(doc: dict) -> dict[int, str]:
    """The stored document's "critical_answers" ({"9": "几乎每天"}) by item number;
    documents stored before they were kept have none."""
    return {int(item): str(answer) for item, answer in doc.get("critical_answers", {}).items()}


def _referrals(session: Session, sid: int, full: bool,
               names: dict[str, str]) -> tuple[ReferralRow, ...]:
    referrals = list(session.scalars(_entities(Referral, full)
                                     .where(Referral.student_id == sid).order_by(Referral.id)))
    steps: dict[int, list[ReferralStep]] = {r.id: [] for r in referrals}
    if referrals:
        for step in session.scalars(_entities(ReferralStep, full).where(
                ReferralStep.referral_id.in_(list(steps))).order_by(ReferralStep.id)):
            steps[step.referral_id].append(step)
    return tuple(replace(referral_row(r, steps[r.id], full),
                         opened_by=names.get(r.opened_by, r.opened_by)) for r in referrals)


def _assessments(session: Session, sid: int,
                 names: dict[str, str]) -> tuple[ReferralAssessmentRow, ...]:
    return tuple(
        ReferralAssessmentRow(a.id, a.assessed_on, names.get(a.assessed_by, a.assessed_by),
                              tuple((code, text) for code, text in json.loads(a.indications)),
                              a.recommendation, tuple(json.loads(a.reasons)), a.note)
        for a in session.scalars(select(ReferralAssessment).where(
            ReferralAssessment.student_id == sid).order_by(ReferralAssessment.id)))


def referral_row(r: Referral, steps: Sequence[ReferralStep], full: bool = True) -> ReferralRow:
    return ReferralRow(
        r.id, r.opened_on, r.opened_by,
        tuple((code, text) for code, text in json.loads(r.indications)) if full else (),
        r.recommendation, tuple(json.loads(r.reasons)) if full else (),
        r.note if full else WITHHELD, step_rows(r.opened_on, steps, full))
