"""Screening campaigns (测评批次): which instrument, which classes, who takes part.

Creating a campaign lists every enrolled student of its classes as 应测 (due). A teacher
then marks leave (请假), exemption (免测) or exclusion (已排除) — those students do not
count against completion — and consent (知情同意) where the deployment policy asks.

A campaign can be corrected (name, term, dates, classes) and an empty one deleted, but
stored results are records of what happened: a class with results stays in its
campaign, and a campaign with results is never deleted. Audit details name fields and
class ids, never the campaign's name (a teacher may have typed a student's name into it).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.changes import Changes
from app.errors import BadInputError, QingxinError
from app.instruments import load_instrument
from app.labels import CAMPAIGN_FIELDS, CONSENT, PARTICIPATION, label
from app.models import (
    Campaign,
    FollowUp,
    LevelDecision,
    Participation,
    SchoolClass,
    SchoolYear,
    ScreeningResult,
    Student,
    campaign_class,
)
from app.services import audit
from app.services.capabilities import RUN_SCREENING, require
from app.services.classes import ClassRow, student_counts
from app.services.roster.file import class_display_name
from app.services.screening.consent import check_grades
from app.store.handle import Store


@dataclass(frozen=True)
class CampaignRow:
    id: int
    name: str
    instrument_code: str
    school_year: int
    term: int
    starts_on: date | None
    ends_on: date | None
    due: int
    done: int
    first_taken: datetime | None = None
    """The earliest and latest answer sheet's time: the dates a campaign without planned
    dates (made from the command line, or imported late) was actually taken on."""
    last_taken: datetime | None = None
    changes: Changes | None = field(default=None, kw_only=True, compare=False, repr=False)
    """What a write that returns the row changed (`create_campaign`); None when read."""

    @property
    def completion(self) -> float:
        return self.done / self.due if self.due else 0.0


@dataclass(frozen=True)
class ClassCompletion:
    class_id: int
    class_name: str
    due: int
    done: int
    leave: int
    exempt: int
    excluded: int


@dataclass(frozen=True)
class CampaignSetup:
    """What the edit dialog starts from: the campaign, its classes, and how many results
    each of them holds (a class with results cannot leave the campaign)."""

    campaign: CampaignRow
    classes: tuple[ClassRow, ...]
    results_by_class: dict[int, int]


@dataclass(frozen=True)
class CampaignChanged:
    """What `update_campaign` did, for the views that show campaigns."""

    campaign: CampaignRow
    students_added: int
    students_removed: int
    changes: Changes = field(kw_only=True)


@dataclass(frozen=True)
class CampaignDeleted:
    campaign_id: int
    changes: Changes = field(kw_only=True)


def create_campaign(store: Store, name: str, instrument_code: str,
                    class_ids: list[int] | None = None, term: int = 1,
                    starts_on: date | None = None, ends_on: date | None = None,
                    school_year: int | None = None, grade_reason: str = "",
                    grades_policy: str = "reason") -> CampaignRow:
    """A campaign of the current school year unless `school_year` (its first calendar
    year) says otherwise. Without `class_ids`, every current class of the instrument's
    grades; chosen classes outside those grades need `grade_reason`, kept with the
    campaign, or are refused by `grades_policy` (screening/consent.py)."""
    require(store, RUN_SCREENING)
    name = _checked_name(name)
    instrument = load_instrument(instrument_code)
    with store.write() as session:
        if session.scalar(select(Campaign.id).where(Campaign.name == name)) is not None:
            raise BadInputError(f"测评批次“{name}”已存在。")
        year = school_year or session.scalar(
            select(SchoolYear.start_year).where(SchoolYear.is_current))
        query = select(SchoolClass).where(SchoolClass.archived_year == 0)
        if class_ids is not None:
            query = query.where(SchoolClass.id.in_(class_ids))
        else:
            query = query.where(SchoolClass.grade.between(instrument.grade_min,
                                                          instrument.grade_max))
        classes = list(session.scalars(query))
        if not classes:
            raise BadInputError("请至少选择一个班级。")
        reason = check_grades(instrument, classes, grades_policy, grade_reason)
        campaign = Campaign(name=name, instrument_code=instrument.code, school_year=year or 0,
                            term=term, starts_on=starts_on, ends_on=ends_on,
                            created_by=store.user.username, classes=classes,
                            grade_reason=reason)
        session.add(campaign)
        session.flush()
        _add_participation(session, campaign.id, [c.id for c in classes])
        audit.record(session, store.user.username, "campaign_created", "campaign", campaign.id,
                     f"量表 {instrument.label}")
        campaign_id = campaign.id
    return replace(get_campaign(store, campaign_id), changes=Changes(campaigns=(campaign_id,)))


def campaign_setup(store: Store, campaign_id: int) -> CampaignSetup:
    require(store, RUN_SCREENING)
    campaign = get_campaign(store, campaign_id)
    counts = student_counts()
    with store.read() as session:
        rows = session.execute(
            select(SchoolClass.id, SchoolClass.grade, SchoolClass.number, counts.c.n)
            .join(campaign_class, campaign_class.c.class_id == SchoolClass.id)
            .outerjoin(counts, counts.c.class_id == SchoolClass.id)
            .where(campaign_class.c.campaign_id == campaign_id)
            .order_by(SchoolClass.grade, SchoolClass.number)).all()
        results = _results_by_class(session, campaign_id)
    classes = tuple(ClassRow(i, g, n, class_display_name(g, n), c or 0) for i, g, n, c in rows)
    return CampaignSetup(campaign, classes, results)


def update_campaign(store: Store, campaign_id: int, *, name: str, class_ids: list[int],
                    term: int, starts_on: date | None,
                    ends_on: date | None, school_year: int | None = None,
                    grade_reason: str | None = None,
                    grades_policy: str = "reason") -> CampaignChanged:
    """Replace the campaign's name, term, dates and classes. A class added brings its
    enrolled students in as 应测; a class removed takes its students' participation
    with it, and is refused while any of its students has a result in this campaign.
    Classes outside the instrument's grades need a reason (the one kept, unless
    `grade_reason` gives another), as at creation."""
    require(store, RUN_SCREENING)
    name = _check_fields(name, class_ids, term, starts_on, ends_on)
    with store.write() as session:
        campaign = _campaign(session, campaign_id)
        if session.scalar(select(Campaign.id).where(Campaign.name == name,
                                                    Campaign.id != campaign_id)) is not None:
            raise BadInputError(f"测评批次“{name}”已存在。")
        wanted = set(class_ids)
        current = {c.id: c for c in campaign.classes}
        new = list(session.scalars(select(SchoolClass).where(
            SchoolClass.id.in_(wanted - set(current)), SchoolClass.archived_year == 0)))
        if len(new) != len(wanted - set(current)):
            raise BadInputError("所选班级中有的已不存在或已毕业，请刷新后重新选择。")
        gone = [c for cid, c in current.items() if cid not in wanted]
        _refuse_classes_with_results(session, campaign_id, gone)
        removed = _remove_participation(session, campaign_id, [c.id for c in gone])
        campaign.classes = [c for c in campaign.classes if c.id in wanted] + new
        campaign.grade_reason = check_grades(
            load_instrument(campaign.instrument_code), campaign.classes, grades_policy,
            campaign.grade_reason if grade_reason is None else grade_reason)
        added = _add_participation(session, campaign_id, [c.id for c in new])
        fields = [f for f, old, value in (("name", campaign.name, name),
                                          ("school_year", campaign.school_year,
                                           school_year or campaign.school_year),
                                          ("term", campaign.term, term),
                                          ("starts_on", campaign.starts_on, starts_on),
                                          ("ends_on", campaign.ends_on, ends_on))
                  if old != value]
        campaign.name, campaign.term = name, term
        campaign.school_year = school_year or campaign.school_year
        campaign.starts_on, campaign.ends_on = starts_on, ends_on
        audit.record(session, store.user.username, "campaign_updated", "campaign", campaign_id,
                     f"修改 {'、'.join(CAMPAIGN_FIELDS[f] for f in fields) or '无'}；"
                     f"班级 增 {_class_names(new)} 减 {_class_names(gone)}；"
                     f"参测 增 {added} 人 减 {removed} 人")
    return CampaignChanged(get_campaign(store, campaign_id), added, removed,
                           changes=Changes(campaigns=(campaign_id,)))


def delete_campaign(store: Store, campaign_id: int) -> CampaignDeleted:
    """Delete a campaign made by mistake, with its participation list. Refused once it
    holds any result, or is named by a warning decision or follow-up: those are records
    of what happened and keep their campaign."""
    require(store, RUN_SCREENING)
    with store.write() as session:
        campaign = _campaign(session, campaign_id)
        results = session.scalar(select(func.count(ScreeningResult.id))
                                 .where(ScreeningResult.campaign_id == campaign_id)) or 0
        if results:
            raise BadInputError(
                f"测评批次“{campaign.name}”已有 {results} 份测评结果，不能删除：测评结果是已经"
                "发生的记录，需要保留。批次名称、学期、日期或班级有误，请用“编辑批次”改正。")
        referenced = sum(session.scalar(select(func.count(model.id))
                                        .where(model.campaign_id == campaign_id)) or 0
                         for model in (LevelDecision, FollowUp))
        if referenced:
            raise BadInputError(f"测评批次“{campaign.name}”已被 {referenced} 条预警或随访记录"
                                "引用，不能删除。")
        participants = _remove_participation(session, campaign_id, None)
        instrument = instrument_label(campaign.instrument_code)
        session.delete(campaign)
        audit.record(session, store.user.username, "campaign_deleted", "campaign", campaign_id,
                     f"量表 {instrument}，参测 {participants} 人")
    return CampaignDeleted(campaign_id, changes=Changes(campaigns=(campaign_id,)))


def instrument_label(code: str) -> str:
    """The instrument as a teacher knows it (患者健康问卷抑郁量表（PHQ-9）), for an audit
    detail; its code when the school has since removed the definition."""
    try:
        return load_instrument(code).label
    except QingxinError:
        return code


def _class_names(classes: list[SchoolClass]) -> str:
    return "、".join(class_display_name(c.grade, c.number)
                    for c in sorted(classes, key=lambda c: (c.grade, c.number))) or "无"


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise BadInputError("请填写测评批次名称。")
    return name


def _check_fields(name: str, class_ids: list[int], term: int, starts_on: date | None,
                  ends_on: date | None) -> str:
    name = _checked_name(name)
    if term not in (1, 2):
        raise BadInputError("学期应为第一或第二学期。")
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        raise BadInputError("结束日期不能早于开始日期。")
    if not class_ids:
        raise BadInputError("请至少选择一个班级。")
    return name


def _campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise BadInputError("找不到该测评批次，可能已被删除。")
    return campaign


def _results_by_class(session: Session, campaign_id: int) -> dict[int, int]:
    """Results of this campaign by the student's current class."""
    return {class_id: n for class_id, n in session.execute(
        select(Student.class_id, func.count(ScreeningResult.id))
        .join(Student, Student.id == ScreeningResult.student_id)
        .where(ScreeningResult.campaign_id == campaign_id)
        .group_by(Student.class_id))}


def _refuse_classes_with_results(session: Session, campaign_id: int,
                                 classes: list[SchoolClass]) -> None:
    results = _results_by_class(session, campaign_id)
    held = [c for c in classes if results.get(c.id)]
    if held:
        names = "、".join(f"{class_display_name(c.grade, c.number)}（{results[c.id]} 份）"
                         for c in held)
        raise BadInputError(f"{names}已有测评结果，不能从本批次中移除：测评结果是已经发生的"
                            "记录。该班学生若不应计入完成率，可在“参测名单”中标为“已排除”。")


def _remove_participation(session: Session, campaign_id: int,
                          class_ids: list[int] | None) -> int:
    """Participation rows of the campaign (of students now in `class_ids`, or all)."""
    query = delete(Participation).where(Participation.campaign_id == campaign_id)
    if class_ids is not None:
        if not class_ids:
            return 0
        query = query.where(Participation.student_id.in_(
            select(Student.id).where(Student.class_id.in_(class_ids))))
    return session.execute(query).rowcount or 0


def _add_participation(session: Session, campaign_id: int, class_ids: list[int]) -> int:
    """Enrolled students of `class_ids` who are not on the list yet (one may have moved
    from a class already in the campaign)."""
    if not class_ids:
        return 0
    listed = select(Participation.student_id).where(Participation.campaign_id == campaign_id)
    student_ids = list(session.scalars(select(Student.id).where(
        Student.class_id.in_(class_ids), Student.status == "enrolled",
        Student.id.not_in(listed))))
    session.add_all(Participation(campaign_id=campaign_id, student_id=sid)
                    for sid in student_ids)
    return len(student_ids)


def _rows(store: Store, where=None) -> list[CampaignRow]:  # type: ignore[no-untyped-def]
    due = (select(func.count(Participation.id))
           .where(Participation.campaign_id == Campaign.id, Participation.status == "due")
           .scalar_subquery())
    done = (select(func.count(ScreeningResult.id))
            .where(ScreeningResult.campaign_id == Campaign.id).scalar_subquery())
    taken = [select(agg(ScreeningResult.taken_at))
             .where(ScreeningResult.campaign_id == Campaign.id).scalar_subquery()
             for agg in (func.min, func.max)]
    query = select(Campaign.id, Campaign.name, Campaign.instrument_code, Campaign.school_year,
                   Campaign.term, Campaign.starts_on, Campaign.ends_on, due, done, *taken)
    if where is not None:
        query = query.where(where)
    with store.read() as session:
        return [CampaignRow(*r) for r in session.execute(query.order_by(Campaign.id.desc()))]


def list_campaigns(store: Store) -> list[CampaignRow]:
    require(store, RUN_SCREENING)
    return _rows(store)


def get_campaign(store: Store, campaign_id: int) -> CampaignRow:
    rows = _rows(store, Campaign.id == campaign_id)
    if not rows:
        raise BadInputError("找不到该测评批次。")
    return rows[0]


def find_campaign(store: Store, name: str) -> CampaignRow:
    rows = _rows(store, Campaign.name == name.strip())
    if not rows:
        raise BadInputError(f"找不到测评批次“{name}”。")
    return rows[0]


def set_participation(store: Store, campaign_id: int, student_id: int, status: str,
                      consent: str | None = None, note: str = "") -> None:
    require(store, RUN_SCREENING)
    if status not in PARTICIPATION:
        raise BadInputError(f"未知的参测状态：{status}")
    if consent is not None and consent not in CONSENT:
        raise BadInputError(f"未知的知情同意状态：{consent}")
    with store.write() as session:
        part = session.scalar(select(Participation).where(
            Participation.campaign_id == campaign_id, Participation.student_id == student_id))
        if part is None:
            raise BadInputError("该学生不在本测评批次中。")
        part.status = status
        if consent is not None:
            part.consent = consent
        part.note = note
        audit.record(session, store.user.username, "student_edit", "participation",
                     student_id, f"测评批次 编号 {campaign_id}：{label(PARTICIPATION, status)}")


def class_completion(store: Store, campaign_id: int) -> list[ClassCompletion]:
    """Per class: 应测 (due) and how many of them have a result, plus the excused."""
    require(store, RUN_SCREENING)
    with store.read() as session:
        rows = session.execute(
            select(SchoolClass.id, SchoolClass.grade, SchoolClass.number,
                   Participation.status, func.count(Participation.id),
                   func.count(ScreeningResult.id))
            .join(Student, Student.id == Participation.student_id)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .outerjoin(ScreeningResult, (ScreeningResult.student_id == Participation.student_id)
                       & (ScreeningResult.campaign_id == campaign_id))
            .where(Participation.campaign_id == campaign_id)
            .group_by(SchoolClass.id, Participation.status)
            .order_by(SchoolClass.grade, SchoolClass.number)).all()
    table: dict[int, dict] = {}
    for class_id, grade, number, status, count, done in rows:
        entry = table.setdefault(class_id, {"name": class_display_name(grade, number),
                                            "due": 0, "done": 0, "leave": 0, "exempt": 0,
                                            "excluded": 0})
        entry[status] += count
        if status == "due":
            entry["done"] += done
    return [ClassCompletion(cid, e["name"], e["due"], e["done"], e["leave"], e["exempt"],
                            e["excluded"]) for cid, e in table.items()]
