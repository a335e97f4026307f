"""The school's current classes, for pickers (a 班主任's class, a campaign's classes)
that must offer a class even before any student is in it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Subquery, func, select

from app.models import SchoolClass, Student
from app.services.roster.file import class_display_name
from app.store.handle import Store


@dataclass(frozen=True)
class ClassRow:
    id: int
    grade: int
    number: int
    name: str
    students: int


def student_counts() -> Subquery:
    """Students on the roll (在读 or 休学) per class, as a subquery (class_id, n) to join:
    what a class picker says beside each class."""
    return (select(Student.class_id, func.count(Student.id).label("n"))
            .where(Student.status.in_(("enrolled", "suspended")))
            .group_by(Student.class_id).subquery())


def list_classes(store: Store) -> list[ClassRow]:
    counts = student_counts()
    with store.read() as session:
        rows = session.execute(
            select(SchoolClass.id, SchoolClass.grade, SchoolClass.number, counts.c.n)
            .outerjoin(counts, counts.c.class_id == SchoolClass.id)
            .where(SchoolClass.archived_year == 0)
            .order_by(SchoolClass.grade, SchoolClass.number)).all()
    return [ClassRow(i, g, n, class_display_name(g, n), c or 0) for i, g, n, c in rows]
