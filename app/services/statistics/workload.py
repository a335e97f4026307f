"""The counselling room's workload: individual hours, group hours and students seen,
per week or per term.

Individual hours add up the minutes of face-to-face records (INDIVIDUAL_KINDS: 个体辅导,
面谈评估, 危机干预) outside group sessions; group hours add each group session once,
however many students came; students seen are the distinct students of both. Records
without a duration (written before durations were kept, or left blank) count no time
and are counted apart, so a low figure can be told from a missing one. Only current
versions count (a corrected record once, a withdrawn one not at all). No student is
named, so this reads no file and is not audited.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from app.errors import BadInputError
from app.labels import WORKLOAD_PERIODS
from app.models import CounsellingRecord, GroupSession
from app.services.capabilities import WRITE_CASEFILE, require
from app.services.casefile.versions import is_current
from app.store.handle import Store
from app.terms import current_term, term_text

INDIVIDUAL_KINDS = ("individual", "assessment", "crisis")
PERIODS = WORKLOAD_PERIODS


@dataclass
class WorkloadRow:
    period: str
    """"2026-11-30 至 2026-12-06", or "2026-2027学年第一学期"."""
    starts_on: date
    individual_minutes: int = 0
    group_minutes: int = 0
    individual_sessions: int = 0
    group_sessions: int = 0
    without_duration: int = 0
    students: set[int] = field(default_factory=set)

    @property
    def individual_hours(self) -> float:
        return round(self.individual_minutes / 60, 1)

    @property
    def group_hours(self) -> float:
        return round(self.group_minutes / 60, 1)

    @property
    def students_seen(self) -> int:
        return len(self.students)


def _period(day: date, by: str) -> tuple[date, str]:
    if by == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, f"{monday:%Y-%m-%d} 至 {monday + timedelta(days=6):%Y-%m-%d}"
    year, term = current_term(day)
    return date(year, 8, 1) if term == 1 else date(year + 1, 2, 1), term_text(year, term)


def workload(store: Store, start: date, end: date, by: str = "week",
             counsellor: str | None = None) -> list[WorkloadRow]:
    """Rows per period from `start` to `end` (inclusive), oldest first; `counsellor`
    (a username) limits it to what they recorded, None is the whole room."""
    require(store, WRITE_CASEFILE)
    if by not in PERIODS:
        raise BadInputError("统计周期只能是 week（按周）或 term（按学期）。")
    if end < start:
        raise BadInputError("结束日期不能早于开始日期。")
    rows: dict[date, WorkloadRow] = {}

    def row(day: date) -> WorkloadRow:
        starts_on, words = _period(day, by)
        return rows.setdefault(starts_on, WorkloadRow(words, starts_on))

    r = CounsellingRecord
    records = (select(r.held_on, r.kind, r.minutes, r.student_id, r.group_id)
               .where(r.held_on >= start, r.held_on <= end, is_current(r)))
    groups = select(GroupSession.id, GroupSession.held_on, GroupSession.minutes).where(
        GroupSession.held_on >= start, GroupSession.held_on <= end)
    if counsellor is not None:
        records = records.where(r.created_by == counsellor)
        groups = groups.where(GroupSession.created_by == counsellor)
    members: dict[int, set[int]] = defaultdict(set)
    with store.read() as session:
        for held_on, kind, minutes, sid, group_id in session.execute(records):
            if group_id is not None:
                members[group_id].add(sid)
            elif kind in INDIVIDUAL_KINDS:
                target = row(held_on)
                target.individual_sessions += 1
                target.individual_minutes += minutes or 0
                target.without_duration += minutes is None
                target.students.add(sid)
        for gid, held_on, minutes in session.execute(groups):
            target = row(held_on)
            target.group_sessions += 1
            target.group_minutes += minutes
            target.students |= members[gid]
    return [rows[k] for k in sorted(rows)]
