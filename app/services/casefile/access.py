"""Who may see a student's file, and the checks every entry into it shares.

Counselling staff (管理员, 心理教师) see and edit everything. A 班主任 may read a summary
of the students in their own class (a 年级组长: their grade) and nothing else; they write
nothing in the file itself, and what they notice reaches the counselling teacher as a
反映 (app/services/signals/). The checks raise our own errors with the Chinese
message a teacher reads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import BadInputError, PermissionDeniedError
from app.labels import ROLES, label
from app.models import Student
from app.services import audit
from app.services.capabilities import READ_CLASS_SUMMARY, READ_CONFIDENTIAL, may
from app.services.classes import scope
from app.store.handle import Store


def load_student(session: Session, student_id: int) -> Student:
    student = session.get(Student, student_id)
    if student is None:
        raise BadInputError("找不到该学生，可能已被删除或编号有误。")
    return student


def in_scope(session: Session, store: Store, student_id: int) -> bool:
    """Whether the student is among those the signed-in user sees (classes.scope)."""
    return session.scalar(select(Student.id).where(
        Student.id == student_id, scope(store.user))) is not None


def check_can_read(session: Session, store: Store, student: Student) -> bool:
    """True for the full file, False for the class teacher's summary; else refuse."""
    role = store.user.role
    seen = in_scope(session, store, student.id)
    if seen and may(role, READ_CONFIDENTIAL):
        return True
    if seen and may(role, READ_CLASS_SUMMARY):
        return False
    raise PermissionDeniedError("您只能查看本班（年级组长：本年级）学生的档案摘要。")


T = TypeVar("T")


def read_audited(store: Store, student_id: int,
                 read: Callable[[Session, Student, bool], T]) -> T:
    """`read(session, student, full)` in one write session when the account may read the
    student's file (`full` as check_can_read says); a refusal is audited
    ("student_open_denied", with the role) and committed before it is raised, so an
    attempt on another class's student stays in the log. `read` records its own event."""
    with store.write() as session:
        student = load_student(session, student_id)
        try:
            full = check_can_read(session, store, student)
        except PermissionDeniedError as err:
            audit.record(session, store.user.username, "student_open_denied", "student",
                         student_id, label(ROLES, store.user.role))
            denied = err
        else:
            return read(session, student, full)
    raise denied


def check_code(table: dict[str, str], code: str, what: str) -> None:
    if code not in table:
        raise BadInputError(f"未知的{what}：{code}。可选：{'、'.join(table.values())}。")


def check_past(day: date | None, what: str, today: date | None = None) -> date:
    """Records say what happened, so their dates cannot lie in the future."""
    if day is None:
        raise BadInputError(f"请填写{what}。")
    if day > (today or date.today()):
        raise BadInputError(f"{what}不能晚于今天。")
    return day


def check_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise BadInputError(message)
    return value


MAX_MINUTES = 600


def check_minutes(minutes: int | None, what: str) -> int | None:
    """A duration in whole minutes (a school day at most), or None when not recorded."""
    if minutes is None:
        return None
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not (
            0 < minutes <= MAX_MINUTES):
        raise BadInputError(f"{what}须是 1 到 {MAX_MINUTES} 之间的分钟数。")
    return minutes
