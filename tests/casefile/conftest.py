"""A small school for the student-file tests: two classes, students with guardians,
inserted directly (the roster reader is tested elsewhere)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import pytest

from app.models import Guardian, SchoolClass, Student
from app.services.accounts.auth import unlock
from app.services.accounts.users import create_user
from app.store.handle import Store

CT_PASSWORD = "pass-word-1"


@dataclass(frozen=True)
class School:
    class_ids: tuple[int, int]
    students: tuple[int, ...]  # the first five in class 1, the rest in class 2


@pytest.fixture
def school(store: Store) -> School:
    with store.write() as session:
        classes = [SchoolClass(grade=7, number=1), SchoolClass(grade=7, number=2)]
        session.add_all(classes)
        session.flush()
        students = []
        for i in range(10):
            student = Student(student_no=f"S2026{i:04d}", name=f"测试学生{i}", gender="MF"[i % 2],
                              birth_date=date(2013, 3, 1 + i),
                              class_id=classes[0 if i < 5 else 1].id)
            student.guardians.append(Guardian(name=f"家长{i}", relation="母亲",
                                              phone=f"1380000{i:04d}"))
            students.append(student)
        session.add_all(students)
        session.flush()
        return School((classes[0].id, classes[1].id), tuple(s.id for s in students))


@pytest.fixture
def class_teacher(store: Store, school: School, db_path) -> Iterator[Callable[[], Store]]:
    """Call it (after the admin has set up data) to log in as the 班主任 of class 1
    instead of the admin: one store per database at a time."""
    opened: list[Store] = []

    def login() -> Store:
        create_user(store, "ct", "班主任", "class_teacher", CT_PASSWORD,
                    class_id=school.class_ids[0])
        store.close()
        opened.append(unlock(db_path, "ct", CT_PASSWORD))
        return opened[0]

    yield login
    for ct in opened:
        ct.close()
