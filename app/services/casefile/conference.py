"""会诊 (case conferences): who met about a student, what they judged (研判), what they
decided, and the tasks that follow — each with an owner and a due date, listed in
今日工作 until done.

Attendees are names: accounts' display names picked from a list and free names (the
class teacher, a parent, a doctor) alike, since what the record must say is who was in
the room. The attendees, the judgement, the decisions and each task's wording are
sealed for staff; the owner and dates stay in clear for the work list. A conference is
not edited afterwards: a later conference records what changed. Writes are audited
"student_edit" on the student, by id only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.changes import Changes, ChangesWithId, in_file
from app.errors import BadInputError
from app.models import CaseConference, ConferenceTask, User
from app.services import audit
from app.services.accounts.user_names import display_names
from app.services.capabilities import WRITE_CASEFILE, require
from app.services.casefile.access import check_past, check_text, load_student
from app.services.casefile.rows import ConferenceRow, TaskRow
from app.store.handle import Store

NAME_LIMIT = 60


@dataclass(frozen=True)
class TaskInput:
    what: str
    owner: str
    due_on: date | None


def _names(attendees: list[str]) -> list[str]:
    names = list(dict.fromkeys(a.strip() for a in attendees if a and a.strip()))
    if not names:
        raise BadInputError("请填写参加会诊的人员（从账户中勾选或直接填写姓名）。")
    long = [n for n in names if len(n) > NAME_LIMIT]
    if long:
        raise BadInputError(f"参加人员「{long[0][:20]}…」的姓名过长（最多 {NAME_LIMIT} 个字）。")
    return names


def _tasks(tasks: list[TaskInput]) -> list[TaskInput]:
    checked = []
    for n, task in enumerate(tasks, start=1):
        what = check_text(task.what, f"第 {n} 项任务：请填写任务内容。")
        owner = check_text(task.owner, f"第 {n} 项任务：请填写负责人。")
        if len(owner) > NAME_LIMIT:
            raise BadInputError(f"第 {n} 项任务：负责人姓名过长（最多 {NAME_LIMIT} 个字）。")
        if task.due_on is None:
            raise BadInputError(f"第 {n} 项任务：请填写完成期限。")
        checked.append(TaskInput(what, owner, task.due_on))
    return checked


def add_conference(store: Store, student_id: int, held_on: date, attendees: list[str],
                   assessment: str, decisions: str, tasks: list[TaskInput]) -> ChangesWithId:
    """Record a conference and its tasks in one transaction; returns its id. Every
    field is checked before anything is written."""
    require(store, WRITE_CASEFILE)
    check_past(held_on, "会诊日期")
    names = _names(attendees)
    assessment = check_text(assessment, "请填写研判意见。")
    decisions = check_text(decisions, "请填写会诊决定。")
    checked = _tasks(tasks)
    username = store.user.username
    with store.write() as session:
        load_student(session, student_id)
        conference = CaseConference(student_id=student_id, held_on=held_on,
                                    attendees=json.dumps(names, ensure_ascii=False),
                                    assessment=assessment, decisions=decisions,
                                    created_by=username)
        session.add(conference)
        session.flush()
        for task in checked:
            assert task.due_on is not None
            session.add(ConferenceTask(conference_id=conference.id, student_id=student_id,
                                       what=task.what, owner=task.owner, due_on=task.due_on))
        audit.record(session, username, "student_edit", "student", student_id,
                     f"新增会诊记录（编号 {conference.id}，任务 {len(checked)} 项）")
        return ChangesWithId(conference.id, in_file(student_id))


def attendee_choices(store: Store) -> list[str]:
    """The active accounts' names, for ticking who attended."""
    require(store, WRITE_CASEFILE)
    with store.read() as session:
        return [name or username for username, name in session.execute(
            select(User.username, User.display_name).where(User.active.is_(True))
            .order_by(User.id))]


def complete_task(store: Store, task_id: int, done_on: date | None = None) -> Changes:
    require(store, WRITE_CASEFILE)
    day = check_past(done_on or date.today(), "完成日期")
    with store.write() as session:
        task = session.get(ConferenceTask, task_id)
        if task is None:
            raise BadInputError(f"找不到编号为 {task_id} 的会诊任务。")
        if task.done_on is not None:
            raise BadInputError(f"这项任务已于 {task.done_on:%Y-%m-%d} 完成。")
        task.done_on, task.done_by = day, store.user.username
        audit.record(session, store.user.username, "student_edit", "student",
                     task.student_id, f"完成会诊任务（编号 {task_id}）")
        return in_file(task.student_id)


def conference_rows(session: Session, student_id: int) -> tuple[ConferenceRow, ...]:
    """A student's conferences, oldest first (staff: the texts are sealed)."""
    names = display_names(session)
    tasks: dict[int, list[TaskRow]] = {}
    for t in session.scalars(select(ConferenceTask).where(
            ConferenceTask.student_id == student_id).order_by(ConferenceTask.id)):
        tasks.setdefault(t.conference_id, []).append(TaskRow(
            t.id, t.what, t.owner, t.due_on, t.done_on, names.get(t.done_by, t.done_by)))
    return tuple(
        ConferenceRow(c.id, c.held_on, tuple(json.loads(c.attendees)), c.assessment,
                      c.decisions, names.get(c.created_by, c.created_by),
                      tuple(tasks.get(c.id, ())))
        for c in session.scalars(select(CaseConference).where(
            CaseConference.student_id == student_id)
            .order_by(CaseConference.held_on, CaseConference.id)))
