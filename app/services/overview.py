"""The home overview (首页) for counselling staff: the school at a glance.

Per grade and class of the students in school: how many are enrolled, how many were
screened this term, how many of those the screening flags (their latest valid result
of some instrument in the term suggests a level — the term rule of statistics/term.py,
per instrument), and how many are at each warning level now. Beside it the work waiting
(today's list in counts) and the trend: the same screening figures for the last terms.

Only counts leave this module — no name, no 学籍号 — so reading it is not audited as a
listing; each figure on screen opens the audited list it counts. Counselling staff only
(READ_CONFIDENTIAL): a class of 40 with "危机 1" points at a student.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Campaign, SchoolClass, ScreeningResult, Student
from app.services.capabilities import READ_CONFIDENTIAL, require
from app.services.roster.file import class_display_name, grade_display_name
from app.services.today import pending_work
from app.services.warning.decisions import IN_SCHOOL
from app.services.warning.levels import current_levels
from app.store.handle import Store
from app.terms import current_term, term_text

LEVELS = ("general", "key", "crisis")
TREND_TERMS = 4
"""Terms shown in the trend: two school years, enough to see a spring against an autumn."""


@dataclass(frozen=True)
class Figures:
    """One row of the overview: a class, a grade (class_name is the grade's name and
    `class_id` None) or the school (grade 0)."""

    grade: int
    class_id: int | None
    name: str
    enrolled: int
    screened: int
    flagged: int
    levels: dict[str, int]


@dataclass(frozen=True)
class TermTrend:
    year: int
    term: int
    label: str
    screened: int
    flagged: int


@dataclass(frozen=True)
class WorkCounts:
    urgent: int
    due_today: int
    overdue: int
    review_pending: int


@dataclass(frozen=True)
class Overview:
    term: tuple[int, int]
    term_label: str
    rows: tuple[Figures, ...]
    """The school first, then each grade followed by its classes."""
    work: WorkCounts
    trend: tuple[TermTrend, ...]
    """Oldest first; terms with at least one campaign."""


def school_overview(store: Store, today: date | None = None) -> Overview:
    require(store, READ_CONFIDENTIAL)
    today = today or date.today()
    year, term = current_term(today)
    with store.read() as session:
        students = session.execute(
            select(Student.id, SchoolClass.id, SchoolClass.grade, SchoolClass.number)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .where(Student.status.in_(IN_SCHOOL))).all()
        class_of = {sid: (cid, grade, number) for sid, cid, grade, number in students}
        screened, flagged = _screening(session, year, term)
        levels = {sid: now.level for sid, now in current_levels(session).items()
                  if sid in class_of}
        work = pending_work(session, today)
        trend = _trend(session)
    rows = _rows(class_of, screened, flagged, levels)
    return Overview((year, term), term_text(year, term), rows, WorkCounts(
        urgent=len(work.urgent), due_today=len(work.due_today),
        overdue=len(work.overdue_followups) + len(work.overdue_steps)
        + len(work.overdue_plan_reviews),
        review_pending=sum(q.pending for q in work.review_queues)), trend)


def _screening(session: Session, year: int, term: int) -> tuple[set[int], set[int]]:
    """Who has any result in the term, and who is flagged by the latest valid result of
    some instrument (suggested levels are sealed: compared after reading, never in SQL)."""
    r = ScreeningResult
    rows = session.execute(
        select(r.student_id, r.instrument_code, r.valid, r.suggested_level, r.taken_at, r.id,
               Campaign.starts_on, Campaign.id)
        .join(Campaign, Campaign.id == r.campaign_id)
        .where(Campaign.school_year == year, Campaign.term == term)).all()
    screened = {row[0] for row in rows}
    latest: dict[tuple[int, str], tuple] = {}
    for sid, code, valid, suggested, taken_at, rid, starts_on, cid in rows:
        if not valid:
            continue
        order = (starts_on or date.min, cid, taken_at or datetime.min, rid)
        old = latest.get((sid, code))
        if old is None or order > old[0]:
            latest[(sid, code)] = (order, suggested)
    flagged = {sid for (sid, _code), (_order, suggested) in latest.items()
               if suggested in LEVELS}
    return screened, flagged


def _rows(class_of: dict[int, tuple[int, int, int]], screened: set[int], flagged: set[int],
          levels: dict[int, str]) -> tuple[Figures, ...]:
    counts: dict[tuple, Counter] = {}
    for sid, (cid, grade, number) in class_of.items():
        for key in (("school",), ("grade", grade), ("class", grade, number, cid)):
            c = counts.setdefault(key, Counter())
            c["enrolled"] += 1
            c["screened"] += sid in screened
            c["flagged"] += sid in flagged
            if levels.get(sid) in LEVELS:
                c[levels[sid]] += 1

    def figures(key: tuple, grade: int, class_id: int | None, name: str) -> Figures:
        c = counts.get(key, Counter())
        return Figures(grade, class_id, name, c["enrolled"], c["screened"], c["flagged"],
                       {level: c[level] for level in LEVELS})

    out = [figures(("school",), 0, None, "全校")]
    for grade in sorted({g for _cid, g, _n in class_of.values()}):
        out.append(figures(("grade", grade), grade, None, grade_display_name(grade)))
        for key in sorted(k for k in counts if k[0] == "class" and k[1] == grade):
            out.append(figures(key, grade, key[3], class_display_name(grade, key[2])))
    return tuple(out)


def _trend(session: Session) -> tuple[TermTrend, ...]:
    """The screening figures of the last terms that had campaigns, each as it was: every
    student screened then, including those who have since left."""
    terms = sorted(set(session.execute(select(Campaign.school_year, Campaign.term)
                                       .distinct()).all()))[-TREND_TERMS:]
    out = []
    for year, term in terms:
        screened, flagged = _screening(session, year, term)
        out.append(TermTrend(year, term, term_text(year, term), len(screened), len(flagged)))
    return tuple(out)
