"""The school's current classes, for pickers (a 班主任's class, a campaign's classes)
that must offer a class even before any student is in it, and which classes an account
sees (`scope`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Subquery, func, select, true

from app.models import SchoolClass, Student
from app.services.capabilities import ROLE_TABLE, WHOLE_SCHOOL, may
from app.services.roster.file import class_display_name
from app.store.handle import CurrentUser, Store


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


def scope(user: CurrentUser) -> ColumnElement[bool]:
    """The students `user` sees, as a condition on Student: the whole school for staff,
    every current class of their class's grade for a 年级组长 (`Role.whole_grade`), their
    own class otherwise. One condition, so a list, a file and a 反映 agree on it."""
    if may(user.role, WHOLE_SCHOOL):
        return true()
    own = user.class_id or -1
    row = ROLE_TABLE.get(user.role)
    if row is None or not row.whole_grade:
        return Student.class_id == own
    grade = select(SchoolClass.grade).where(SchoolClass.id == own).scalar_subquery()
    return Student.class_id.in_(select(SchoolClass.id).where(
        SchoolClass.grade == grade, SchoolClass.archived_year == 0))
