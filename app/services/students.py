"""The student list as plain rows for tables, exports and search.

Rows are frozen dataclasses, never live ORM objects, so a Qt model can hold them after
the session is closed. A 班主任 sees only their own class. Each row carries the student's
current warning level (预警等级): the class teacher's summary of a student shows it too,
so their list may.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.models import SchoolClass, Student
from app.services import audit
from app.services.capabilities import LIST_STUDENTS, require
from app.services.classes import scope
from app.services.roster.file import class_display_name
from app.services.warning.levels import current_levels
from app.store.handle import Store


@dataclass(frozen=True)
class StudentRow:
    id: int
    student_no: str
    name: str
    gender: str
    birth_date: date | None
    grade: int
    class_number: int
    class_id: int
    class_name: str
    status: str
    level: str = "none"


def list_students(store: Store, include_left: bool = False) -> list[StudentRow]:
    """Everyone in school (and, with include_left, graduated and transferred students).

    Listing is audited once per call: it shows names, not files.
    """
    require(store, LIST_STUDENTS)
    query = (
        select(Student.id, Student.student_no, Student.name, Student.gender,
               Student.birth_date, SchoolClass.grade, SchoolClass.number, SchoolClass.id,
               Student.status)
        .join(SchoolClass, Student.class_id == SchoolClass.id)
        .order_by(SchoolClass.grade, SchoolClass.number, Student.student_no)
    )
    if not include_left:
        query = query.where(Student.status.in_(("enrolled", "suspended")))
    query = query.where(scope(store.user))
    with store.write() as session:
        levels = current_levels(session)
        rows = [StudentRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7],
                           class_display_name(r[5], r[6]), r[8],
                           levels[r[0]].level if r[0] in levels else "none")
                for r in session.execute(query)]
        audit.record(session, store.user.username, "student_list", "student", "",
                     f"{len(rows)} 人")
    return rows
