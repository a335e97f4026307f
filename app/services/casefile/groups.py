"""Group sessions (团体辅导): one session, a record in every member's file.

The session is one row (date, topic, minutes, a note sealed for staff); each member gets
a counselling record of kind "group" linked to it, written through the same checked,
audited path as any record (entries.insert_entry), so the file, the class teacher's
summary and the history treat it like the rest. The session's minutes count once in
the counsellor's group hours (statistics/workload.py), not once per student.
"""

from __future__ import annotations

from datetime import date

from app.changes import Changes, ChangesWithId
from app.errors import BadInputError
from app.models import GroupSession
from app.services.capabilities import WRITE_CASEFILE, require
from app.services.casefile.access import check_minutes, check_past, check_text, load_student
from app.services.casefile.entries import insert_entry
from app.store.handle import Store

TOPIC_LIMIT = 100


def add_group_session(store: Store, held_on: date, topic: str, minutes: int,
                      student_ids: list[int], note: str = "") -> ChangesWithId:
    """Record a group session and its members' records in one transaction; returns the
    session's id."""
    require(store, WRITE_CASEFILE)
    topic = check_text(topic, "请填写团体辅导的主题。")
    if len(topic) > TOPIC_LIMIT:
        raise BadInputError(f"团体辅导的主题不能超过 {TOPIC_LIMIT} 个字。")
    check_past(held_on, "辅导日期")
    if check_minutes(minutes, "辅导时长") is None:
        raise BadInputError("请填写辅导时长（分钟）。")
    members = sorted(set(student_ids))
    if len(members) < 2:
        raise BadInputError("团体辅导至少要有两名学生参加，请勾选参加的学生。")
    username = store.user.username
    with store.write() as session:
        for sid in members:
            load_student(session, sid)
        group = GroupSession(held_on=held_on, topic=topic, minutes=minutes,
                             note=(note or "").strip(), created_by=username)
        session.add(group)
        session.flush()
        for sid in members:
            insert_entry(session, username, "counselling", sid, held_on=held_on, kind="group",
                         content=f"团体辅导：{topic}", participants=f"团体辅导 {len(members)} 人",
                         minutes=minutes, group_id=group.id)
        return ChangesWithId(group.id, Changes(casefile=members))
