"""Roster import and the yearly promotion, each as preview → confirm → one transaction.

The preview reads the file and compares it with the database; nothing is written. The
apply step compares again inside its write transaction (the database may have changed
while the teacher looked at the preview) and writes everything or nothing. Students are
matched by 学籍号 only: names repeat, 学籍号 do not.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, selectinload

from app.changes import Changes
from app.errors import BadInputError
from app.models import ClassMove, Guardian, School, SchoolClass, SchoolYear, Student, utcnow
from app.services import audit
from app.services.capabilities import MANAGE_ROSTER, require
from app.services.progress import NO_PROGRESS, Progress
from app.services.roster.file import (
    RosterFile,
    RosterRow,
    RowProblem,
    class_display_name,
    read_roster,
)
from app.store.handle import Store

IN_SCHOOL = ("enrolled", "suspended")


@dataclass(frozen=True)
class RosterChange:
    row_number: int
    student_no: str
    name: str
    kind: str  # "add", "update", "move"
    details: tuple[str, ...] = ()
    gender: str = ""  # the file's, as a code of app.labels.GENDERS (checked in the preview)


@dataclass
class RosterPreview:
    file_name: str
    rows: list[RosterRow]
    added: list[RosterChange] = field(default_factory=list)
    updated: list[RosterChange] = field(default_factory=list)
    moved: list[RosterChange] = field(default_factory=list)
    unchanged: int = 0
    rejected: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.updated or self.moved)


@dataclass(frozen=True)
class RosterChanges:
    """What an applied import changed; views use it to decide whether to reload."""

    added: int
    updated: int
    moved: int
    changes: Changes = field(kw_only=True)


def preview_roster_import(store: Store, path: Path) -> RosterPreview:
    require(store, MANAGE_ROSTER)
    roster = read_roster(path)
    with store.read() as session:
        return _diff(session, roster, path.name)


def apply_roster_import(store: Store, preview: RosterPreview,
                        progress: Progress = NO_PROGRESS) -> RosterChanges:
    """New students go in as bulk inserts (a school's roster is thousands of rows);
    the few updates and moves go through the ORM."""
    require(store, MANAGE_ROSTER)
    with store.write() as session:
        fresh = _diff(session, RosterFile(rows=preview.rows), preview.file_name)
        added = {c.student_no for c in fresh.added}
        changed = {c.student_no for c in fresh.updated + fresh.moved}
        rows = [r for r in preview.rows if r.student_no in added or r.student_no in changed]
        class_ids = _class_ids(session, {(r.grade, r.class_number) for r in rows})
        progress.step(0, len(rows))
        _insert_new(session, [r for r in rows if r.student_no in added], class_ids)
        progress.step(len(added), len(rows))
        _update_existing(session, [r for r in rows if r.student_no in changed], class_ids)
        audit.record(session, store.user.username, "roster_import", "roster", "",
                     f"新增 {len(fresh.added)}，更新 {len(fresh.updated)}，"
                     f"调班 {len(fresh.moved)}")
        progress.step(len(rows), len(rows))
    return RosterChanges(len(fresh.added), len(fresh.updated), len(fresh.moved),
                         changes=Changes(students=True))


def _insert_new(session: Session, rows: list[RosterRow],
                class_ids: dict[tuple[int, int], int]) -> None:
    if not rows:
        return
    now = utcnow()
    ids = dict(session.execute(insert(Student).returning(Student.student_no, Student.id), [
        {"student_no": r.student_no, "name": r.name, "gender": r.gender,
         "birth_date": r.birth_date, "class_id": class_ids[(r.grade, r.class_number)],
         "status": "enrolled", "created_at": now, "updated_at": now} for r in rows]).all())
    session.execute(insert(ClassMove), [
        {"student_id": ids[r.student_no], "from_class_id": None,
         "to_class_id": class_ids[(r.grade, r.class_number)], "reason": "import",
         "moved_at": now} for r in rows])
    guardians = [{"student_id": ids[r.student_no], "name": r.guardian_name or "",
                  "phone": r.guardian_phone or "", "relation": "", "note": ""}
                 for r in rows if r.guardian_name or r.guardian_phone]
    if guardians:
        session.execute(insert(Guardian), guardians)


def _update_existing(session: Session, rows: list[RosterRow],
                     class_ids: dict[tuple[int, int], int]) -> None:
    students = {s.student_no: s for s in session.scalars(
        select(Student).options(selectinload(Student.guardians))
        .where(Student.student_no.in_([r.student_no for r in rows])))}
    for row in rows:
        student = students[row.student_no]
        class_id = class_ids[(row.grade, row.class_number)]
        if student.class_id != class_id:
            session.add(ClassMove(student_id=student.id, from_class_id=student.class_id,
                                  to_class_id=class_id, reason="import"))
            student.class_id = class_id
        student.name = row.name
        student.gender = row.gender
        if row.birth_date is not None:
            student.birth_date = row.birth_date
        contact = (row.guardian_name or "", row.guardian_phone or "")
        if any(contact) and contact not in {(g.name, g.phone) for g in student.guardians}:
            student.guardians.append(Guardian(name=contact[0], phone=contact[1]))


def _class_ids(session: Session, needed: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """Ids of the active classes the rows name, creating the ones that do not exist yet."""
    ids = {(c.grade, c.number): c.id for c in session.scalars(
        select(SchoolClass).where(SchoolClass.archived_year == 0))}
    for grade, number in sorted(needed - ids.keys()):
        cls = SchoolClass(grade=grade, number=number)
        session.add(cls)
        session.flush()
        ids[(grade, number)] = cls.id
    return ids


def _diff(session: Session, roster: RosterFile, file_name: str) -> RosterPreview:
    preview = RosterPreview(file_name=file_name, rows=list(roster.rows),
                            rejected=list(roster.problems), notes=list(roster.notes))
    existing = {
        r.student_no: r for r in session.execute(
            select(Student.student_no, Student.name, Student.gender, Student.birth_date,
                   SchoolClass.grade, SchoolClass.number)
            .join(SchoolClass, Student.class_id == SchoolClass.id))
    }
    for row in roster.rows:
        old = existing.get(row.student_no)
        new_class = class_display_name(row.grade, row.class_number)
        if old is None:
            preview.added.append(RosterChange(row.row_number, row.student_no, row.name, "add",
                                              (new_class,), row.gender))
            continue
        details = []
        if old.name != row.name:
            details.append(f"姓名：{old.name} → {row.name}")
        if old.gender != row.gender:
            details.append("性别更正")
        if row.birth_date is not None and old.birth_date != row.birth_date:
            details.append("出生日期更正")
        if (old.grade, old.number) != (row.grade, row.class_number):
            preview.moved.append(RosterChange(
                row.row_number, row.student_no, row.name, "move",
                (f"{class_display_name(old.grade, old.number)} → {new_class}", *details),
                row.gender))
        elif details:
            preview.updated.append(RosterChange(row.row_number, row.student_no, row.name,
                                                "update", tuple(details), row.gender))
        else:
            preview.unchanged += 1
    return preview


@dataclass(frozen=True)
class PromotionStep:
    class_id: int
    old_name: str
    new_name: str  # "" when the class graduates
    students: int


@dataclass
class PromotionPreview:
    from_year: int
    to_year: int
    steps: list[PromotionStep]

    changes: Changes | None = field(default=None, kw_only=True, compare=False, repr=False)
    """What `apply_promotion`, which returns the plan it carried out, changed; None in a
    preview."""

    @property
    def graduating(self) -> int:
        return sum(s.students for s in self.steps if not s.new_name)


def preview_promotion(store: Store) -> PromotionPreview:
    """Every class moves up one grade; the top grade graduates."""
    require(store, MANAGE_ROSTER)
    with store.read() as session:
        return _promotion_plan(session)


def _promotion_plan(session: Session) -> PromotionPreview:
    top = session.scalar(select(School.top_grade)) or 9
    year = session.scalar(select(SchoolYear).where(SchoolYear.is_current))
    if year is None:
        raise BadInputError("数据库中没有当前学年。")
    per_class = dict(session.execute(
        select(Student.class_id, func.count(Student.id))
        .where(Student.status.in_(IN_SCHOOL)).group_by(Student.class_id)
    ).all())
    steps = []
    for cls in session.scalars(select(SchoolClass).where(SchoolClass.archived_year == 0)
                               .order_by(SchoolClass.grade.desc(), SchoolClass.number)):
        new = "" if cls.grade >= top else class_display_name(cls.grade + 1, cls.number)
        steps.append(PromotionStep(cls.id, class_display_name(cls.grade, cls.number), new,
                                   per_class.get(cls.id, 0)))
    return PromotionPreview(year.start_year, year.start_year + 1, steps)


def apply_promotion(store: Store, preview: PromotionPreview) -> PromotionPreview:
    """Top grade first, so a class never lands on a grade/number still taken."""
    require(store, MANAGE_ROSTER)
    with store.write() as session:
        plan = _promotion_plan(session)
        if plan.from_year != preview.from_year:
            raise BadInputError("学年已经升级过了，请重新预览。")
        for step in plan.steps:
            cls = session.get_one(SchoolClass, step.class_id)
            if step.new_name:
                cls.grade += 1
            else:
                cls.archived_year = plan.from_year
                for student in session.scalars(select(Student).where(
                        Student.class_id == cls.id, Student.status.in_(IN_SCHOOL))):
                    student.status = "graduated"
            session.flush()
        current = session.scalar(select(SchoolYear).where(SchoolYear.is_current))
        assert current is not None
        current.is_current = False
        session.add(SchoolYear(start_year=plan.to_year,
                               starts_on=date(plan.to_year, 9, 1), is_current=True))
        audit.record(session, store.user.username, "promotion", "school_year",
                     plan.to_year, f"升级 {len(plan.steps)} 个班，毕业 {plan.graduating} 人")
    return replace(plan, changes=Changes(students=True))
