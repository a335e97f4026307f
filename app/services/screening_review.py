"""After a screening campaign: the students whose suggested level differs from their
current one, for a teacher to review one by one (筛查后复核).

The suggestion uses this campaign's result with the student's active risk factors and
recent signals, so accepting it is consistent with the rules everywhere else. A student
leaves the queue once a level is decided after the result was stored (through this
queue or from the file); "interview" (先约谈再定) schedules a 约谈 follow-up and keeps the
student in the queue, marked, until the level is decided.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import BadInputError
from app.instruments.warning import WarningLevel
from app.labels import REVIEW_ACTIONS
from app.models import (
    Campaign,
    FollowUp,
    ReportedSignal,
    RiskFactor,
    SchoolClass,
    ScreeningResult,
    Student,
)
from app.services import audit
from app.services.entries import insert_entry
from app.services.file_access import check_code
from app.services.followup import DEFAULT_POLICY, FollowupPolicy, next_school_day
from app.services.levels import LevelNow, current_levels
from app.services.permissions import STAFF, require
from app.services.roster_file import class_display_name
from app.services.versions import is_current
from app.services.warning_rules import (
    DEFAULT_RULES,
    RulePolicy,
    Suggestion,
    choose_evidence,
    suggest_level,
)
from app.services.warnings import IN_SCHOOL, Decision, record_decision
from app.store.handle import Store


@dataclass(frozen=True)
class ReviewItem:
    campaign_id: int
    result_id: int
    result_stored_at: datetime
    student_id: int
    student_no: str
    name: str
    class_name: str
    current_level: str
    suggested: Suggestion
    interview_due: date | None


@dataclass(frozen=True)
class _Evidence:
    """A stored result in the shape the rules read."""

    campaign_name: str
    instrument_code: str
    taken_on: date | None
    suggested_level: str
    critical_items: tuple[int, ...]


def campaign_review_queue(store: Store, campaign_id: int,
                          today: date | None = None,
                          rules: RulePolicy = DEFAULT_RULES) -> list[ReviewItem]:
    """Most severe suggestion first. Listing is audited once ("warning_list")."""
    require(store, *STAFF)
    with store.write() as session:
        items = review_items(session, campaign_id, today or date.today(), rules)
        audit.record(session, store.user.username, "warning_list", "campaign", campaign_id,
                     f"review {len(items)} 人")
    return items


def review_items(session: Session, campaign_id: int, today: date,
                 rules: RulePolicy = DEFAULT_RULES,
                 levels: dict[int, LevelNow] | None = None) -> list[ReviewItem]:
    """The queue inside a caller's session; `levels` (current_levels) may be shared by
    callers that build several queues at once."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise BadInputError("找不到该测评批次。")
    in_campaign = select(ScreeningResult.student_id).where(
        ScreeningResult.campaign_id == campaign_id).scalar_subquery()
    factors: dict[int, list[str]] = defaultdict(list)
    for r in session.scalars(select(RiskFactor).where(RiskFactor.student_id.in_(in_campaign),
                                                      is_current(RiskFactor))):
        if r.noted_on <= today and (r.resolved_on is None or r.resolved_on > today):
            factors[r.student_id].append(r.code)
    signals: dict[int, list[ReportedSignal]] = defaultdict(list)
    for s in session.scalars(select(ReportedSignal).where(
            ReportedSignal.student_id.in_(in_campaign), is_current(ReportedSignal))):
        signals[s.student_id].append(s)
    interviews: dict[int, date] = {}
    for f in session.scalars(select(FollowUp).where(FollowUp.campaign_id == campaign_id,
                                                    FollowUp.kind == "interview",
                                                    is_current(FollowUp))):
        interviews[f.student_id] = f.due_on
    levels = current_levels(session) if levels is None else levels
    r = ScreeningResult
    query = (select(r.id, r.student_id, r.created_at, r.taken_at, r.instrument_code,
                    r.suggested_level, r.critical_items, Student.student_no, Student.name,
                    SchoolClass.grade, SchoolClass.number)
             .join(Student, Student.id == r.student_id)
             .join(SchoolClass, SchoolClass.id == Student.class_id)
             .where(r.campaign_id == campaign_id, Student.status.in_(IN_SCHOOL)))
    items = []
    for (rid, sid, stored_at, taken_at, code, level_code, critical, no, name, grade,
         number) in session.execute(query):
        decision = levels.get(sid)
        if decision is not None and decision.created_at >= stored_at:
            continue
        evidence = _Evidence(campaign.name, code, taken_at.date() if taken_at else None,
                             level_code, tuple(int(i) for i in critical.split(",") if i))
        _, recent = choose_evidence([], signals[sid], today, rules)
        suggested = suggest_level([evidence], factors[sid], recent, rules)
        level = decision.level if decision else "none"
        if suggested.level != level:
            items.append(ReviewItem(campaign_id, rid, stored_at, sid, no, name,
                                    class_display_name(grade, number), level, suggested,
                                    interviews.get(sid)))
    items.sort(key=lambda i: (-WarningLevel(i.suggested.level).severity, i.student_no))
    return items


@dataclass(frozen=True)
class ReviewOutcome:
    action: str
    decision: Decision | None
    interview_due: date | None


def resolve_review(store: Store, item: ReviewItem, action: str, level: str | None = None,
                   reason: str = "", today: date | None = None,
                   policy: FollowupPolicy = DEFAULT_POLICY) -> ReviewOutcome:
    """accept: decide the suggested level; change: decide `level` (reason required);
    interview: schedule a 约谈 and decide later."""
    require(store, *STAFF)
    check_code(REVIEW_ACTIONS, action, "处理方式")
    today = today or date.today()
    username = store.user.username
    with store.write() as session:
        decision = current_levels(session).get(item.student_id)
        if decision is not None and decision.created_at >= item.result_stored_at:
            raise BadInputError("该学生在本次测评后已确定过预警等级，请刷新待复核名单。")
        if action == "interview":
            if item.interview_due is not None:
                raise BadInputError(f"已安排约谈（{item.interview_due:%Y-%m-%d}），"
                                    "约谈后请确定预警等级。")
            due = next_school_day(today + timedelta(days=policy.interview_days), policy)
            insert_entry(session, username, "follow_up", item.student_id, kind="interview",
                         due_on=due, done_on=None, done_by="", note="",
                         campaign_id=item.campaign_id)
            return ReviewOutcome(action, None, due)
        if action == "accept":
            level = item.suggested.level
            reason = reason.strip() or _accept_reason(item.suggested)
        elif level is None:
            raise BadInputError("请选择要确定的预警等级。")
        elif not reason.strip():
            raise BadInputError("不采用建议等级时，请填写理由。")
        return ReviewOutcome(action, record_decision(
            session, username, item.student_id, level, reason, item.suggested, today,
            item.campaign_id, policy), None)


def _accept_reason(suggested: Suggestion) -> str:
    why = "：" + "；".join(suggested.reasons) if suggested.reasons else ""
    return f"接受测评后的建议等级（{suggested.label}）{why}"
