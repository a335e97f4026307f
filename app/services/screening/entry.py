"""What the screening screens need beyond import and results: a campaign's students
with their participation and result, and the "what changed" values of the small
writes (a typed answer sheet, an on-screen sheet, participation marks).

The GUI broadcasts the value a service returns, and each open view decides from its
type whether to reload (see app/ui/store_context.py); the wrappers here exist so that
typed entry, the kiosk and participation marking announce themselves like an import.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.changes import Changes
from app.errors import BadInputError
from app.instruments import Instrument, load_instrument
from app.models import Campaign, Participation, SchoolClass, ScreeningResult, Student
from app.services import audit
from app.services.capabilities import RUN_SCREENING, require
from app.services.roster.file import class_display_name
from app.services.screening.campaigns import set_participation
from app.services.screening.importing import save_answer_string, save_answers
from app.store.handle import Store

UNANSWERED_MARK = "-"


@dataclass(frozen=True)
class ParticipantRow:
    """One student of a campaign: participation, consent and the stored result if any."""

    student_id: int
    student_no: str
    name: str
    gender: str
    class_id: int
    class_name: str
    status: str
    consent: str
    note: str
    source: str | None
    """Where the stored result came from ("import", "entry", "kiosk"); None: no result."""
    total: float | None
    warning: str | None
    answer_text: str
    """The stored answers as an answer string ("1011-0…"), "" when it cannot be one."""

    @property
    def has_result(self) -> bool:
        return self.source is not None


@dataclass(frozen=True)
class AnswersSaved:
    """One sheet stored by typing (entry) or on screen (kiosk)."""

    campaign_id: int
    student_id: int
    source: str
    total: float | None
    warning: str
    valid: bool
    critical: tuple[int, ...]
    changes: Changes = field(kw_only=True)


@dataclass(frozen=True)
class ParticipationChanged:
    campaign_id: int
    student_ids: tuple[int, ...]
    status: str
    changes: Changes = field(kw_only=True)


def campaign_students(store: Store, campaign_id: int,
                      class_id: int | None = None) -> list[ParticipantRow]:
    """The campaign's students (of one class, if given) in class and 学籍号 order.

    Audited as a view of results, since rows carry totals and suggested levels.
    """
    require(store, RUN_SCREENING)
    query = (select(Student.id, Student.student_no, Student.name, Student.gender,
                    SchoolClass.id, SchoolClass.grade, SchoolClass.number,
                    Participation.status, Participation.consent, Participation.note,
                    ScreeningResult.source, ScreeningResult.total,
                    ScreeningResult.suggested_level, ScreeningResult.answers)
             .join(Student, Student.id == Participation.student_id)
             .join(SchoolClass, SchoolClass.id == Student.class_id)
             .outerjoin(ScreeningResult,
                        (ScreeningResult.student_id == Participation.student_id)
                        & (ScreeningResult.campaign_id == campaign_id))
             .where(Participation.campaign_id == campaign_id)
             .order_by(SchoolClass.grade, SchoolClass.number, Student.student_no))
    if class_id is not None:
        query = query.where(SchoolClass.id == class_id)
    with store.write() as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None:
            raise BadInputError("找不到该测评批次。")
        digits = _digit_table(load_instrument(campaign.instrument_code))
        rows = [ParticipantRow(
            student_id=sid, student_no=no, name=name, gender=gender, class_id=cid,
            class_name=class_display_name(grade, number), status=status, consent=consent,
            note=note, source=source, total=total, warning=warning,
            answer_text=_answer_text(answers, digits))
            for (sid, no, name, gender, cid, grade, number, status, consent, note, source,
                 total, warning, answers) in session.execute(query)]
        audit.record(session, store.user.username, "screening_results", "campaign",
                     campaign_id, f"{_class_name(session, class_id)}：{len(rows)} 人"
                     if class_id is not None else f"{len(rows)} 人")
    return rows


def _digit_table(instrument: Instrument) -> dict[float, str] | None:
    """Option value → the character an answer string uses; None if values are not digits."""
    values = [o.value for o in instrument.options]
    if not all(float(v).is_integer() and 0 <= v <= 9 for v in values):
        return None
    return {float(v): str(int(v)) for v in values}


def _answer_text(answers: str | None, digits: dict[float, str] | None) -> str:
    if not answers or digits is None:
        return ""
    try:
        values = json.loads(answers)
    except ValueError:
        return ""
    chars = [UNANSWERED_MARK if v is None else digits.get(float(v), "?") for v in values]
    return "" if "?" in chars else "".join(chars)


def _saved(campaign_id: int, student_id: int, source: str, record: dict) -> AnswersSaved:
    return AnswersSaved(campaign_id, student_id, source, record["total"], record["warning"],
                        bool(record["valid"]), tuple(record["critical"]),
                        changes=Changes(campaigns=(campaign_id,)))


def enter_answer_string(store: Store, campaign_id: int, student_id: int,
                        text: str, consent_policy: str = "none") -> AnswersSaved:
    """答题卡录入: one typed answer string, checked and scored (save_answer_string)."""
    record = save_answer_string(store, campaign_id, student_id, text, consent_policy)
    return _saved(campaign_id, student_id, "entry", record)


def save_kiosk_answers(store: Store, campaign_id: int, student_id: int,
                       values: Sequence[float | None], seconds: float | None = None,
                       consent_policy: str = "none") -> AnswersSaved:
    """本机作答: the sheet a student answered on the counselling PC, in `seconds` from
    the first item to 提交 (a sheet clicked through too fast is 疑似无效)."""
    record = save_answers(store, campaign_id, student_id, list(values), "kiosk",
                          seconds=seconds, consent_policy=consent_policy)
    return _saved(campaign_id, student_id, "kiosk", record)


def mark_participation(store: Store, campaign_id: int, student_ids: Sequence[int],
                       status: str, consent: str | None = None,
                       note: str = "") -> ParticipationChanged:
    """Mark several students at once (a class's absentees), each audited on its own."""
    for student_id in student_ids:
        set_participation(store, campaign_id, student_id, status, consent, note)
    return ParticipationChanged(campaign_id, tuple(student_ids), status,
                                changes=Changes(campaigns=(campaign_id,)))


def _class_name(session: Session, class_id: int) -> str:
    """The class as the audit log's reader knows it (初一(3)班), not its id."""
    found = session.get(SchoolClass, class_id)
    return class_display_name(found.grade, found.number) if found else f"班级 编号 {class_id}"
