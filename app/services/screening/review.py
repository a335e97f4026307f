"""After a screening campaign: the students whose suggested level differs from their
current one, for a teacher to review with the evidence in front of her (筛查后复核).

The suggestion uses this campaign's result with the student's active risk factors and
recent signals, so accepting it is consistent with the rules everywhere else. Each item
carries the evidence of its sheet (app/instruments/evidence.py: total and band, scales
above their cut-off with scores, critical answers, validity flags, proration) and the
student's last level. A student leaves the queue once a level is decided after the
result was stored (through this queue or from the file); "interview" (先约谈再定)
schedules a 约谈 follow-up and keeps the student in the queue, marked, until the level
is decided.

疑似无效 sheets (valid False: lie scale, too fast, all one option …) are not warning
suggestions: they form the campaign's re-test list (重测/面谈, `retest_list`). A
critical answer on one still makes the same-day assessment task (today.py).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.changes import Changes, in_file
from app.errors import BadInputError, QingxinError
from app.instruments import Instrument
from app.instruments.evidence import Evidence, evidence
from app.instruments.warning import WARNING_LABELS, WarningLevel
from app.labels import REVIEW_ACTIONS
from app.models import (
    Campaign,
    FollowUp,
    ReportedSignal,
    RiskFactor,
    SchoolClass,
    SchoolYear,
    ScreeningResult,
    Student,
)
from app.services import audit
from app.services.capabilities import READ_CONFIDENTIAL, WRITE_CASEFILE, require
from app.services.casefile.access import check_code
from app.services.casefile.entries import insert_entry
from app.services.casefile.followup import DEFAULT_POLICY, FollowupPolicy, next_school_day
from app.services.casefile.snapshot import critical_answers, critical_list
from app.services.casefile.versions import is_current
from app.services.roster.file import class_display_name
from app.services.statistics.campaign import instrument_for
from app.services.warning.decisions import IN_SCHOOL, Decision, record_decision
from app.services.warning.levels import LevelNow, current_levels
from app.services.warning.rules import (
    DEFAULT_RULES,
    RulePolicy,
    SheetFacts,
    Suggestion,
    choose_evidence,
    suggest_level,
)
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
    grade: int = 0
    instrument: str = ""
    """The instrument's label (e.g. 心理健康诊断测验（MHT）)."""
    instrument_code: str = ""
    level_decided_on: date | None = None
    evidence: Evidence | None = None
    """None only when the instrument's definition cannot be loaded any more."""


def campaign_review_queue(store: Store, campaign_id: int | None,
                          today: date | None = None,
                          rules: RulePolicy = DEFAULT_RULES) -> list[ReviewItem]:
    """Most severe suggestion first; `campaign_id` None: every campaign of the current
    school year. Listing is audited once ("warning_list")."""
    require(store, READ_CONFIDENTIAL)
    today = today or date.today()
    with store.write() as session:
        ids = [campaign_id] if campaign_id is not None else year_campaigns(session)
        levels = current_levels(session)
        items = [i for cid in ids for i in review_items(session, cid, today, rules, levels)]
        items.sort(key=_order)
        audit.record(session, store.user.username, "warning_list", "campaign",
                     campaign_id if campaign_id is not None else "",
                     f"复核名单 {len(items)} 人")
    return items


def year_campaigns(session: Session) -> list[int]:
    """The campaigns of the current school year, oldest first."""
    year = session.scalar(select(SchoolYear.start_year).where(SchoolYear.is_current))
    return list(session.scalars(select(Campaign.id).where(Campaign.school_year == year)
                                .order_by(Campaign.id)))


def _order(item: ReviewItem) -> tuple[int, str, int]:
    return (-WarningLevel(item.suggested.level).severity, item.student_no, item.campaign_id)


def review_items(session: Session, campaign_id: int, today: date,
                 rules: RulePolicy = DEFAULT_RULES,
                 levels: dict[int, LevelNow] | None = None,
                 with_evidence: bool = True) -> list[ReviewItem]:
    """The queue inside a caller's session; `levels` (current_levels) may be shared by
    callers that build several queues at once, and callers that only count (今日工作)
    skip reading the evidence."""
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
    show = EvidenceReader(with_evidence)
    items = []
    for row in _results(session, campaign_id, valid=True):
        (rid, sid, stored_at, taken_at, code, level_code, critical, scores, answers, no,
         name, grade, number) = row
        decision = levels.get(sid)
        if decision is not None and decision.created_at >= stored_at:
            continue
        # Counting (今日工作) reads a document only for the answer named in a reason.
        doc = json.loads(scores) if scores and (show.enabled or critical) else {}
        label, shown = show(code, doc, answers)
        given = ({c.item: c.answer for c in shown.critical if c.answer} if shown
                 else critical_answers(doc))
        rule_row = SheetFacts(campaign.name, code, taken_at.date() if taken_at else None,
                              level_code, critical_list(critical), True, given)
        _, recent = choose_evidence([], signals[sid], today, rules)
        suggested = suggest_level([rule_row], factors[sid], recent, rules)
        level = decision.level if decision else "none"
        if suggested.level != level:
            items.append(ReviewItem(
                campaign_id, rid, stored_at, sid, no, name, class_display_name(grade, number),
                level, suggested, interviews.get(sid), grade, label, code,
                decision.decided_on if decision else None, shown))
    items.sort(key=_order)
    return items


def _results(session: Session, campaign_id: int, valid: bool) -> Iterable[tuple]:
    r = ScreeningResult
    return session.execute(
        select(r.id, r.student_id, r.created_at, r.taken_at, r.instrument_code,
               r.suggested_level, r.critical_items, r.scores, r.answers, Student.student_no,
               Student.name, SchoolClass.grade, SchoolClass.number)
        .join(Student, Student.id == r.student_id)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(r.campaign_id == campaign_id, r.valid.is_(valid),
               Student.status.in_(IN_SCHOOL))).all()


class EvidenceReader:
    """Evidence of stored documents (app/instruments/evidence.py) with each instrument
    loaded once; `enabled` False skips the work for callers that only count."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.instruments: dict[str, Instrument | None] = {}

    def __call__(self, code: str, doc: dict, answers: str) -> tuple[str, Evidence | None]:
        if not self.enabled:
            return code, None
        if code not in self.instruments:
            try:
                self.instruments[code] = instrument_for(code)
            except QingxinError:
                self.instruments[code] = None
        instrument = self.instruments[code]
        if instrument is None:
            return code, None
        values = json.loads(answers) if answers else None
        return instrument.label, evidence(instrument, doc, values)


@dataclass(frozen=True)
class ReviewFilter:
    """The queue's filters; None accepts everything."""

    grade: int | None = None
    class_name: str | None = None
    instrument: str | None = None
    suggestion: str | None = None

    def accepts(self, item: ReviewItem) -> bool:
        return ((self.grade is None or item.grade == self.grade)
                and (self.class_name is None or item.class_name == self.class_name)
                and (self.instrument is None or item.instrument_code == self.instrument)
                and (self.suggestion is None or item.suggested.level == self.suggestion))


def decision_counts(items: Iterable[ReviewItem], action: str,
                    level: str | None = None) -> dict[str, int]:
    """How many of `items` get which level (most severe first) if `action` is applied:
    accept gives each its own suggestion, change gives all `level`."""
    check_code(REVIEW_ACTIONS, action, "处理方式")
    if action == "interview":
        return {}
    counts = Counter(i.suggested.level if action == "accept" else level for i in items)
    return {code: counts[code] for code in WARNING_LABELS if counts[code]}


def confirmation_text(items: list[ReviewItem], action: str, level: str | None = None) -> str:
    """The sentence a teacher confirms before several students are decided at once:
    将为 12 名学生确定预警等级：重点关注 8 人，一般关注 4 人。"""
    counts = decision_counts(items, action, level)
    if action == "interview":
        return f"将为 {len(items)} 名学生安排筛查后约谈，约谈后再确定预警等级。"
    parts = "，".join(f"{WARNING_LABELS[code]} {n} 人" for code, n in counts.items())
    return f"将为 {len(items)} 名学生确定预警等级：{parts}。"


@dataclass(frozen=True)
class RetestItem:
    """A 疑似无效 sheet: why, and any critical answer on it (which still raises the
    same-day assessment)."""

    campaign_id: int
    result_id: int
    student_id: int
    student_no: str
    name: str
    grade: int
    class_name: str
    instrument: str
    validity_note: str
    evidence: Evidence | None


def retest_list(store: Store, campaign_id: int) -> list[RetestItem]:
    """The campaign's 重测/面谈 list: invalid sheets, those with a critical answer first.
    Audited as a listing ("warning_list")."""
    require(store, WRITE_CASEFILE)
    with store.write() as session:
        items = retest_items(session, campaign_id)
        audit.record(session, store.user.username, "warning_list", "campaign", campaign_id,
                     f"重测名单 {len(items)} 人")
    return items


def retest_items(session: Session, campaign_id: int) -> list[RetestItem]:
    if session.get(Campaign, campaign_id) is None:
        raise BadInputError("找不到该测评批次。")
    notes = dict(session.execute(select(ScreeningResult.id, ScreeningResult.validity_note)
                                 .where(ScreeningResult.campaign_id == campaign_id,
                                        ScreeningResult.valid.is_(False))).all())
    show = EvidenceReader()
    items = []
    for (rid, sid, _stored, _taken, code, _level, critical, scores, answers, no, name, grade,
         number) in _results(session, campaign_id, valid=False):
        label, shown = show(code, json.loads(scores) if scores else {}, answers)
        items.append((not critical, no, RetestItem(
            campaign_id, rid, sid, no, name, grade, class_display_name(grade, number), label,
            notes.get(rid, ""), shown)))
    return [item for *_, item in sorted(items, key=lambda t: (t[0], t[1]))]


@dataclass(frozen=True)
class ReviewOutcome:
    action: str
    decision: Decision | None
    interview_due: date | None
    changes: Changes = field(kw_only=True)


def resolve_review(store: Store, item: ReviewItem, action: str, level: str | None = None,
                   reason: str = "", today: date | None = None,
                   policy: FollowupPolicy = DEFAULT_POLICY) -> ReviewOutcome:
    """accept: decide the suggested level; change: decide `level` (reason required);
    interview: schedule a 约谈 and decide later."""
    require(store, WRITE_CASEFILE)
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
            return ReviewOutcome(action, None, due, changes=in_file(item.student_id))
        if action == "accept":
            level = item.suggested.level
            reason = reason.strip() or _accept_reason(item.suggested)
        elif level is None:
            raise BadInputError("请选择要确定的预警等级。")
        elif not reason.strip():
            raise BadInputError("不采用建议等级时，请填写理由。")
        return ReviewOutcome(action, record_decision(
            session, username, item.student_id, level, reason, item.suggested, today,
            item.campaign_id, policy), None, changes=in_file(item.student_id, levels=True))


def _accept_reason(suggested: Suggestion) -> str:
    why = "：" + "；".join(suggested.reasons) if suggested.reasons else ""
    return f"接受测评后的建议等级（{suggested.label}）{why}"
