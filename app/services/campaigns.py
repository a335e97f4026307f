"""Screening campaigns (测评批次): which instrument, which classes, who takes part.

Creating a campaign lists every enrolled student of its classes as 应测 (due). A teacher
then marks leave (请假), exemption (免测) or exclusion (已排除) — those students do not
count against completion — and consent (知情同意) where the deployment policy asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from app.errors import BadInputError
from app.instruments import load_instrument
from app.labels import CONSENT, PARTICIPATION
from app.models import Campaign, Participation, SchoolClass, SchoolYear, ScreeningResult, Student
from app.services import audit
from app.services.permissions import STAFF, require
from app.services.roster_file import class_display_name
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


def create_campaign(store: Store, name: str, instrument_code: str,
                    class_ids: list[int] | None = None, term: int = 1,
                    starts_on: date | None = None, ends_on: date | None = None) -> CampaignRow:
    require(store, *STAFF)
    name = name.strip()
    if not name:
        raise BadInputError("请填写测评批次名称。")
    instrument = load_instrument(instrument_code)
    with store.write() as session:
        if session.scalar(select(Campaign.id).where(Campaign.name == name)) is not None:
            raise BadInputError(f"测评批次“{name}”已存在。")
        year = session.scalar(select(SchoolYear.start_year).where(SchoolYear.is_current))
        query = select(SchoolClass).where(SchoolClass.archived_year == 0)
        if class_ids is not None:
            query = query.where(SchoolClass.id.in_(class_ids))
        classes = list(session.scalars(query))
        if not classes:
            raise BadInputError("请至少选择一个班级。")
        campaign = Campaign(name=name, instrument_code=instrument.code, school_year=year or 0,
                            term=term, starts_on=starts_on, ends_on=ends_on,
                            created_by=store.user.username, classes=classes)
        session.add(campaign)
        session.flush()
        student_ids = session.scalars(select(Student.id).where(
            Student.class_id.in_([c.id for c in classes]), Student.status == "enrolled"))
        session.add_all(Participation(campaign_id=campaign.id, student_id=sid)
                        for sid in student_ids)
        audit.record(session, store.user.username, "campaign_created", "campaign", campaign.id,
                     instrument.code)
        campaign_id = campaign.id
    return get_campaign(store, campaign_id)


def _rows(store: Store, where=None) -> list[CampaignRow]:  # type: ignore[no-untyped-def]
    due = (select(func.count(Participation.id))
           .where(Participation.campaign_id == Campaign.id, Participation.status == "due")
           .scalar_subquery())
    done = (select(func.count(ScreeningResult.id))
            .where(ScreeningResult.campaign_id == Campaign.id).scalar_subquery())
    query = select(Campaign.id, Campaign.name, Campaign.instrument_code, Campaign.school_year,
                   Campaign.term, Campaign.starts_on, Campaign.ends_on, due, done)
    if where is not None:
        query = query.where(where)
    with store.read() as session:
        return [CampaignRow(*r) for r in session.execute(query.order_by(Campaign.id.desc()))]


def list_campaigns(store: Store) -> list[CampaignRow]:
    require(store, *STAFF)
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
    require(store, *STAFF)
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
                     student_id, f"campaign {campaign_id}: {status}")


def class_completion(store: Store, campaign_id: int) -> list[ClassCompletion]:
    """Per class: 应测 (due) and how many of them have a result, plus the excused."""
    require(store, *STAFF)
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
