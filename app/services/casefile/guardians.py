"""Guardians (家长/监护人): who to call about a student, kept current by the school.

The roster import fills them from the 学籍 file; teachers correct and add to them here
(a second contact, a grandparent for a 留守 student, a note such as 寄宿、周末回家). The
letters that go home and the 家校沟通 list read them, so a phone that is not a phone is
refused at the door, naming the field. Every change is audited on the student; the
audit detail names the relation only, never the guardian's name or number.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.changes import Changes, ChangesWithId, in_file
from app.errors import BadInputError
from app.labels import GUARDIAN_RELATIONS as RELATIONS
from app.models import Guardian
from app.phones import normal_phone
from app.services import audit
from app.services.capabilities import WRITE_CASEFILE, require
from app.services.casefile.access import load_student
from app.store.handle import Store

MAX_NAME = 60
MAX_NOTE = 200


@dataclass(frozen=True)
class GuardianRow:
    id: int
    name: str
    relation: str
    phone: str
    note: str


def _checked(name: str, relation: str, phone: str, note: str) -> tuple[str, str, str, str]:
    name = (name or "").strip()
    if not name:
        raise BadInputError("请填写家长姓名。")
    if len(name) > MAX_NAME:
        raise BadInputError(f"家长姓名过长（最多 {MAX_NAME} 个字）。")
    relation = (relation or "").strip()
    if relation not in RELATIONS:
        raise BadInputError(f"未知的与学生关系：{relation or '（空）'}。"
                            f"可选：{'、'.join(RELATIONS)}。")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise BadInputError(f"备注过长（最多 {MAX_NOTE} 个字）。")
    return name, relation, normal_phone(phone), note


def list_guardians(store: Store, student_id: int) -> list[GuardianRow]:
    """Read for an edit: audited as a read of the student's file (who saw the numbers)."""
    require(store, WRITE_CASEFILE)
    with store.write() as session:
        load_student(session, student_id)
        rows = [GuardianRow(g.id, g.name, g.relation, g.phone, g.note) for g in session.scalars(
            select(Guardian).where(Guardian.student_id == student_id).order_by(Guardian.id))]
        audit.record(session, store.user.username, "guardian_list", "student", student_id,
                     f"{len(rows)} 位家长")
    return rows


def set_guardian(store: Store, student_id: int, *, name: str, relation: str, phone: str,
                 note: str = "", guardian_id: int | None = None) -> ChangesWithId:
    """Add a guardian, or change one: the one with `guardian_id`, else the student's
    guardian of the same name (so `qingxin guardian set` run twice updates, not
    duplicates). Returns the guardian's id."""
    require(store, WRITE_CASEFILE)
    name, relation, phone, note = _checked(name, relation, phone, note)
    with store.write() as session:
        student = load_student(session, student_id)
        if guardian_id is not None:
            guardian = session.get(Guardian, guardian_id)
            if guardian is None or guardian.student_id != student.id:
                raise BadInputError("找不到这位家长的记录，可能已被删除。")
        else:
            guardian = next((g for g in student.guardians if g.name == name), None)
        added = guardian is None
        if guardian is None:
            guardian = Guardian(student_id=student.id)
            session.add(guardian)
        guardian.name, guardian.relation, guardian.phone, guardian.note = \
            name, relation, phone, note
        session.flush()
        audit.record(session, store.user.username, "guardian_added" if added
                     else "guardian_changed", "student", student.id, relation)
        return ChangesWithId(guardian.id, in_file(student.id))


def remove_guardian(store: Store, student_id: int, guardian_id: int) -> Changes:
    require(store, WRITE_CASEFILE)
    with store.write() as session:
        guardian = session.get(Guardian, guardian_id)
        if guardian is None or guardian.student_id != student_id:
            raise BadInputError("找不到这位家长的记录，可能已被删除。")
        relation = guardian.relation
        session.delete(guardian)
        audit.record(session, store.user.username, "guardian_removed", "student",
                     student_id, relation)
    return in_file(student_id)
