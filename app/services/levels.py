"""The current warning level of students, read from the append-only decisions.

The newest decision is the current level; a student never decided is "none". "Since"
is the first day of the newest unbroken run at the current level, so re-confirming a
level at a review does not reset how long a student has been on the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import LevelDecision

NONE = "none"


def current_level(session: Session, student_id: int) -> str:
    level = session.scalar(select(LevelDecision.level)
                           .where(LevelDecision.student_id == student_id)
                           .order_by(LevelDecision.id.desc()).limit(1))
    return level or NONE


def current_levels(session: Session) -> dict[int, LevelDecision]:
    """The newest decision of every student ever decided, by student id."""
    newest = (select(func.max(LevelDecision.id))
              .group_by(LevelDecision.student_id).scalar_subquery())
    rows = session.scalars(select(LevelDecision).where(LevelDecision.id.in_(newest)))
    return {d.student_id: d for d in rows}


def level_since(decisions: Sequence[LevelDecision]) -> date | None:
    """Start of the newest run at the current level; `decisions` oldest first."""
    if not decisions:
        return None
    level = decisions[-1].level
    since = decisions[-1].decided_on
    for decision in reversed(decisions):
        if decision.level != level:
            break
        since = decision.decided_on
    return since
