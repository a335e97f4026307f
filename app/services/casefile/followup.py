"""Follow-ups of students on the warning list, and the school calendar their dates obey.

Deciding a level schedules the first follow-up; completing one schedules the next, an
interval after the day it was done. Intervals are whole days per level — 危机 7 (weekly:
a crisis cannot wait a month), 重点关注 14, 一般关注 90 — and deploy.toml's `[followup]`
may change each (app/deployment.py). Due dates are stored already moved onto a school
day, so "due" and "overdue" are plain date comparisons everywhere.

Calendar rules (a choice, documented here and in the user guide):
- A due date that falls on a day without school moves forward to the first school day
  after it, never backwards (a follow-up cannot be due before its interval has passed).
  Days without school are the holiday ranges of the settings (start and end inclusive)
  and, unless `weekends_off` is off, Saturdays and Sundays; `workdays` lists make-up
  school days (调休上课) that count as school days even on a weekend.
- Referral steps do not wait for holidays: a crisis does not take a holiday.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.changes import Changes, in_file
from app.deployment import DEFAULT_FOLLOWUP_DAYS, Deployment
from app.errors import BadInputError
from app.labels import CRISIS_ITEMS
from app.models import FollowUp
from app.services.capabilities import WRITE_CASEFILE, require
from app.services.casefile.access import check_past
from app.services.casefile.entries import insert_entry, load_entry, revise_entry
from app.services.casefile.versions import current
from app.services.warning.levels import current_level
from app.store.handle import Store

#: The longest stretch without school the calendar accepts (a summer holiday is ~60 days).
MAX_DAYS_WITHOUT_SCHOOL = 120


@dataclass(frozen=True)
class FollowupPolicy:
    days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_FOLLOWUP_DAYS))
    holidays: tuple[tuple[date, date], ...] = ()
    weekends_off: bool = True
    workdays: tuple[date, ...] = ()
    interview_days: int = 7

    def __post_init__(self) -> None:
        for start, end in self.holidays:
            if end < start:
                raise BadInputError(f"假期设置有误：{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
                                    "的结束日期早于开始日期。")
        if any(days < 1 for days in self.days.values()):
            raise BadInputError("随访间隔至少为 1 天。")


DEFAULT_POLICY = FollowupPolicy()


def policy_for(deployment: Deployment) -> FollowupPolicy:
    """The intervals the district's deploy.toml set (the defaults without one)."""
    return FollowupPolicy(days=dict(deployment.followup_days))


def is_school_day(day: date, policy: FollowupPolicy = DEFAULT_POLICY) -> bool:
    if day in policy.workdays:
        return True
    if policy.weekends_off and day.weekday() >= 5:
        return False
    return not any(start <= day <= end for start, end in policy.holidays)


def next_school_day(day: date, policy: FollowupPolicy = DEFAULT_POLICY) -> date:
    """`day` if there is school that day, else the first school day after it."""
    for offset in range(MAX_DAYS_WITHOUT_SCHOOL + 1):
        candidate = day + timedelta(days=offset)
        if is_school_day(candidate, policy):
            return candidate
    raise BadInputError(f"假期设置有误：{day:%Y-%m-%d} 之后 {MAX_DAYS_WITHOUT_SCHOOL} 天内"
                        "没有上学日。")


def due_after(start: date, level: str, policy: FollowupPolicy = DEFAULT_POLICY) -> date:
    """When the next routine follow-up of a student at `level` falls due."""
    return next_school_day(start + timedelta(days=policy.days[level]), policy)


def open_followups(session: Session, student_id: int) -> list[FollowUp]:
    rows = current(session.scalars(select(FollowUp).where(FollowUp.student_id == student_id)))
    return sorted((r for r in rows if r.done_on is None), key=lambda r: r.due_on)


def plan_routine(session: Session, username: str, student_id: int, level: str,
                 since: date, policy: FollowupPolicy) -> date | None:
    """After a level decision: make sure a routine follow-up is due in time.

    With none open, one is scheduled an interval after `since`; an open one due later
    than that (the level went up) is brought forward. Level "none" schedules nothing and
    leaves open follow-ups for the teacher to complete or withdraw. Returns the due date.
    """
    if level not in policy.days:
        return None
    due = due_after(since, level, policy)
    routine = [f for f in open_followups(session, student_id) if f.kind == "routine"]
    if not routine:
        insert_entry(session, username, "follow_up", student_id, kind="routine", due_on=due,
                     done_on=None, done_by="", note="", campaign_id=None)
        return due
    if routine[0].due_on > due:
        revise_entry(session, username, "follow_up", routine[0], "预警等级提高，随访提前",
                     due_on=due)
        return due
    return routine[0].due_on


def schedule_followup(store: Store, student_id: int, due_on: date, note: str = "",
                      kind: str = "routine") -> int:
    require(store, WRITE_CASEFILE)
    with store.write() as session:
        return insert_entry(session, store.user.username, "follow_up", student_id,
                            kind=kind, due_on=due_on, done_on=None, done_by="", note=note,
                            campaign_id=None).id


@dataclass(frozen=True)
class FollowupDone:
    done_id: int
    next_id: int | None
    next_due: date | None
    changes: Changes = field(kw_only=True)


def complete_followup(store: Store, followup_id: int, done_on: date, note: str,
                      done_by: str = "", policy: FollowupPolicy = DEFAULT_POLICY,
                      schedule_next: bool = True) -> FollowupDone:
    """Record a follow-up as done and, while the student is on the list, plan the next.
    Crisis checklist items are done through app/services/warning/crisis.py, which asks for what
    each must record."""
    require(store, WRITE_CASEFILE)
    done_on = check_past(done_on, "随访日期")
    with store.write() as session:
        old = load_entry(session, "follow_up", followup_id)
        assert isinstance(old, FollowUp)
        if old.kind in CRISIS_ITEMS:
            raise BadInputError("这是危机处置清单中的事项，请在“危机处置清单”中登记。")
        if old.done_on is not None:
            raise BadInputError(f"这次随访已于 {old.done_on:%Y-%m-%d} 完成，不能重复登记。")
        username = store.user.username
        done = revise_entry(session, username, "follow_up", old, "完成随访", done_on=done_on,
                            done_by=done_by.strip() or store.user.display_name or username,
                            note=note.strip())
        level = current_level(session, old.student_id)
        others = [f for f in open_followups(session, old.student_id) if f.kind == "routine"]
        if not schedule_next or level not in policy.days or others:
            return FollowupDone(done.id, None, None, changes=in_file(old.student_id))
        nxt = insert_entry(session, username, "follow_up", old.student_id, kind="routine",
                           due_on=due_after(done_on, level, policy), done_on=None,
                           done_by="", note="", campaign_id=None)
        assert isinstance(nxt, FollowUp)
        return FollowupDone(done.id, nxt.id, nxt.due_on, changes=in_file(old.student_id))
