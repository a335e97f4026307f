"""The home screen's work list (今日工作): what is due today and what is overdue.

At the top, what cannot wait (`urgent`): first the 反映 from the warning network not
yet read and decided (signals/reports.py), due the day they were filed; then the
same-day face-to-face assessment (当天面谈评估) of every critical answer (PHQ-9 item 9,
MHT 85/97 …, on a valid or an invalid sheet) stored in the last year, due the day the
result was stored and listed until an assessment record (ASSESSMENT_KINDS) held on or
after the day of the answer is written for that student; then the open items of crisis
checklists (warning/crisis.py). Below: follow-ups (定期随访, 筛查后约谈), the next step
of each open referral, plan reviews (一生一策评估), the tasks of case conferences
(会诊, casefile/conference.py), and the screening review queues of this school year's
campaigns. A class teacher gets nothing here: the list names
students across the school.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from app.labels import (
    ASSESSMENT_KINDS,
    CRISIS_ITEMS,
    FOLLOWUP_KINDS,
    SIGNAL_SEVERITIES,
    SIGNAL_SOURCES,
)
from app.models import (
    Campaign,
    CarePlan,
    ConferenceTask,
    CounsellingRecord,
    FollowUp,
    PlanReview,
    SchoolClass,
    SchoolYear,
    ScreeningResult,
    SignalReport,
    Student,
)
from app.services import audit
from app.services.capabilities import READ_CONFIDENTIAL, require
from app.services.casefile.snapshot import critical_list
from app.services.casefile.versions import is_current
from app.services.referral.steps import STEP_LABELS
from app.services.referral.workflow import referral_rows
from app.services.roster.file import class_display_name
from app.services.screening.review import EvidenceReader, review_items
from app.services.warning.decisions import IN_SCHOOL
from app.services.warning.levels import current_levels
from app.services.warning.rules import critical_answers_text
from app.store.handle import Store

#: How far back a critical answer without an assessment stays on the list.
ASSESSMENT_WINDOW_DAYS = 365
#: Kinds of work listed at the top, in this order.
URGENT_KINDS = ("signal", "assessment", "crisis_item")


@dataclass(frozen=True)
class WorkItem:
    kind: str  # "signal", "assessment", "crisis_item", "follow_up", "referral_step",
    # "plan_review", "conference_task"
    ref_id: int  # report, result, follow-up, referral, plan or 会诊 task id
    student_id: int
    student_no: str
    name: str
    class_name: str
    what: str
    due_on: date
    overdue_days: int


@dataclass(frozen=True)
class QueueSummary:
    campaign_id: int
    campaign_name: str
    pending: int


@dataclass(frozen=True)
class TodayWork:
    urgent: tuple[WorkItem, ...]
    due_today: tuple[WorkItem, ...]
    overdue_followups: tuple[WorkItem, ...]
    overdue_steps: tuple[WorkItem, ...]
    overdue_plan_reviews: tuple[WorkItem, ...]
    review_queues: tuple[QueueSummary, ...]
    overdue_tasks: tuple[WorkItem, ...] = ()
    """会诊 tasks past their due date (casefile/conference.py)."""

    @property
    def empty(self) -> bool:
        return not (self.items or self.review_queues)

    @property
    def items(self) -> tuple[WorkItem, ...]:
        """Everything in the order a teacher works it: urgent first, then the most
        overdue (the order of the screen and of `qingxin today`)."""
        rest = sorted((*self.overdue_steps, *self.overdue_followups,
                       *self.overdue_plan_reviews, *self.overdue_tasks, *self.due_today),
                      key=lambda i: (-i.overdue_days, i.due_on, i.student_no))
        return (*self.urgent, *rest)


def today_work(store: Store, today: date | None = None) -> TodayWork:
    """Audited once as a listing ("warning_list"): it names students."""
    require(store, READ_CONFIDENTIAL)
    today = today or date.today()
    with store.write() as session:
        work = _work(session, today)
        count = len(work.items)
        audit.record(session, store.user.username, "warning_list", "student", "",
                     f"今日工作 {count} 项")
    return work


def _work(session: Session, today: date) -> TodayWork:
    students = {r[0]: (r[1], r[2], class_display_name(r[3], r[4])) for r in session.execute(
        select(Student.id, Student.student_no, Student.name, SchoolClass.grade,
               SchoolClass.number).join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(Student.status.in_(IN_SCHOOL)))}

    def item(kind: str, ref_id: int, sid: int, what: str, due: date) -> WorkItem | None:
        if sid not in students:
            return None
        no, name, class_name = students[sid]
        return WorkItem(kind, ref_id, sid, no, name, class_name, what, due,
                        max(0, (today - due).days))

    items: list[WorkItem | None] = list(_assessments(session, today, item))
    for rid, sid, source, severity, filed_at in session.execute(
            select(SignalReport.id, SignalReport.student_id, SignalReport.source,
                   SignalReport.severity, SignalReport.filed_at)
            .where(SignalReport.decision.is_(None))):
        items.append(item("signal", rid, sid, f"新反映：{SIGNAL_SOURCES.get(source, source)}"
                          f"反映，{SIGNAL_SEVERITIES.get(severity, severity)}",
                          local_date(filed_at)))
    for fid, sid, kind, due in session.execute(
            select(FollowUp.id, FollowUp.student_id, FollowUp.kind, FollowUp.due_on)
            .where(FollowUp.done_on.is_(None), FollowUp.due_on <= today, is_current(FollowUp))):
        items.append(item("crisis_item" if kind in CRISIS_ITEMS else "follow_up", fid, sid,
                          FOLLOWUP_KINDS[kind], due))
    for r in referral_rows(session, today):
        step = r.next_step
        if step is not None and step.due_on is not None and step.due_on <= today:
            items.append(item("referral_step", r.referral.id, r.student_id,
                              f"转介：{STEP_LABELS[step.step]}", step.due_on))
    items.extend(_plan_reviews(session, today, item))
    # A task's wording is sealed (staff key): read, never filtered on, in SQL.
    for tid, sid, what, owner, due in session.execute(
            select(ConferenceTask.id, ConferenceTask.student_id, ConferenceTask.what,
                   ConferenceTask.owner, ConferenceTask.due_on)
            .where(ConferenceTask.done_on.is_(None), ConferenceTask.due_on <= today)):
        items.append(item("conference_task", tid, sid, f"会诊任务：{what}（{owner}）", due))
    found = sorted((i for i in items if i is not None),
                   key=lambda i: (-i.overdue_days, i.student_no))
    urgent = sorted((i for i in found if i.kind in URGENT_KINDS),
                    key=lambda i: (URGENT_KINDS.index(i.kind), -i.overdue_days, i.student_no,
                                   i.ref_id))
    found = [i for i in found if i.kind not in URGENT_KINDS]
    return TodayWork(
        urgent=tuple(urgent),
        due_today=tuple(i for i in found if i.overdue_days == 0),
        overdue_followups=tuple(i for i in found if i.overdue_days and i.kind == "follow_up"),
        overdue_steps=tuple(i for i in found if i.overdue_days and i.kind == "referral_step"),
        overdue_plan_reviews=tuple(i for i in found
                                   if i.overdue_days and i.kind == "plan_review"),
        overdue_tasks=tuple(i for i in found
                            if i.overdue_days and i.kind == "conference_task"),
        review_queues=_queues(session, today))


def _assessments(session: Session, today: date,
                 item: Callable[[str, int, int, str, date], WorkItem | None],
                 ) -> list[WorkItem | None]:
    """Critical answers stored in the window without an assessment since the answer."""
    assessed: dict[int, date] = dict(session.execute(
        select(CounsellingRecord.student_id, func.max(CounsellingRecord.held_on))
        .where(CounsellingRecord.kind.in_(ASSESSMENT_KINDS), is_current(CounsellingRecord))
        .group_by(CounsellingRecord.student_id)).all())
    since = datetime.combine(today - timedelta(days=ASSESSMENT_WINDOW_DAYS), time())
    r = ScreeningResult
    # critical_items is sealed (staff key): compared after reading, never in SQL.
    open_ones = []
    for rid, sid, critical, taken_at, stored_at, campaign in session.execute(
            select(r.id, r.student_id, r.critical_items, r.taken_at, r.created_at,
                   Campaign.name).join(Campaign, Campaign.id == r.campaign_id)
            .where(r.created_at >= since)):
        if not critical:
            continue
        stored_on = local_date(stored_at)
        answered_on = min(taken_at.date(), stored_on) if taken_at else stored_on
        if sid not in assessed or assessed[sid] < answered_on:
            open_ones.append((rid, sid, critical_list(critical), stored_on, campaign))
    documents = {rid: (code, scores, answers) for rid, code, scores, answers in session.execute(
        select(r.id, r.instrument_code, r.scores, r.answers)
        .where(r.id.in_([o[0] for o in open_ones])))}
    read = EvidenceReader()
    out = []
    for rid, sid, items, stored_on, campaign in open_ones:
        code, scores, answers = documents[rid]
        _, shown = read(code, json.loads(scores) if scores else {}, answers)
        given = {c.item: c.answer for c in shown.critical} if shown else {}
        what = f"当天面谈评估：「{campaign}」关键题{critical_answers_text(items, given)}"
        out.append(item("assessment", rid, sid, what, stored_on))
    return out


def local_date(utc: datetime) -> date:
    """The day on the school's clock of a timestamp stored as naive UTC."""
    return utc.replace(tzinfo=UTC).astimezone().date()


def _plan_reviews(session: Session, today: date,
                  item: Callable[[str, int, int, str, date], WorkItem | None],
                  ) -> list[WorkItem | None]:
    """Plans whose next review (from the plan or its latest review) is due by today."""
    plans = {r.student_id: r for r in session.execute(
        select(CarePlan.id, CarePlan.student_id, CarePlan.next_review_on, CarePlan.created_at)
        .where(is_current(CarePlan)))}
    latest: dict[int, Row] = {}
    for r in session.execute(select(PlanReview.student_id, PlanReview.next_review_on,
                                    PlanReview.created_at)
                             .where(is_current(PlanReview))
                             .order_by(PlanReview.reviewed_on, PlanReview.id)):
        latest[r.student_id] = r
    out = []
    for sid, plan in plans.items():
        review = latest.get(sid)
        if review is not None and review.created_at >= plan.created_at:
            due = review.next_review_on
        else:
            due = plan.next_review_on
        if due is not None and due <= today:
            out.append(item("plan_review", plan.id, sid, "一生一策计划评估", due))
    return out


def _queues(session: Session, today: date) -> tuple[QueueSummary, ...]:
    year = session.scalar(select(SchoolYear.start_year).where(SchoolYear.is_current))
    campaigns = session.execute(select(Campaign.id, Campaign.name)
                                .where(Campaign.school_year == year).order_by(Campaign.id))
    levels = current_levels(session)
    out = []
    for cid, name in campaigns:
        pending = len(review_items(session, cid, today, levels=levels, with_evidence=False))
        if pending:
            out.append(QueueSummary(cid, name, pending))
    return tuple(out)


def pending_work(session: Session, today: date) -> TodayWork:
    """Today's work inside the caller's session, not audited: for figures that name no
    student (the home overview's counts); a list that names students goes through
    `today_work`."""
    return _work(session, today)
