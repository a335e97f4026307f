"""A campaign's stored results as plain rows: for the results table, Excel/CSV export
and the group reports. Viewing them is audited (they are students' scores)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.models import SchoolClass, ScreeningResult, Student
from app.services import audit
from app.services.capabilities import READ_CONFIDENTIAL, require
from app.services.roster.file import class_display_name
from app.store.handle import Store


@dataclass(frozen=True)
class ResultRow:
    student_id: int
    student_no: str
    name: str
    gender: str
    grade: int
    class_name: str
    taken_at: datetime | None
    source: str
    valid: bool
    total: float | None
    scales: dict[str, float | None]
    bands: dict[str, str | None]
    critical: tuple[int, ...]
    warning: str
    notes: tuple[str, ...]


def campaign_results(store: Store, campaign_id: int) -> list[ResultRow]:
    require(store, READ_CONFIDENTIAL)
    query = (select(ScreeningResult, Student.student_no, Student.name, Student.gender,
                    SchoolClass.grade, SchoolClass.number)
             .join(Student, Student.id == ScreeningResult.student_id)
             .join(SchoolClass, SchoolClass.id == Student.class_id)
             .where(ScreeningResult.campaign_id == campaign_id)
             .order_by(SchoolClass.grade, SchoolClass.number, Student.student_no))
    return audit.audited_listing(
        store, "screening_results", "campaign", "份",
        lambda session: [_row(r, no, name, gender, grade, number)
                         for r, no, name, gender, grade, number in session.execute(query)],
        target_id=campaign_id)


def _row(r: ScreeningResult, no: str, name: str, gender: str, grade: int,
         number: int) -> ResultRow:
    record = json.loads(r.scores)
    return ResultRow(
        student_id=r.student_id, student_no=no, name=name, gender=gender, grade=grade,
        class_name=class_display_name(grade, number), taken_at=r.taken_at, source=r.source,
        valid=r.valid, total=r.total, scales=record.get("scales", {}),
        bands=record.get("bands", {}), critical=tuple(record.get("critical", ())),
        warning=r.suggested_level, notes=tuple(record.get("notes", ())))
