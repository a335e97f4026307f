"""The current warning level of students, read from the append-only decisions.

The newest decision is the current level; a student never decided is "none". "Since"
is the first day of the newest unbroken run at the current level, so re-confirming a
level at a review does not reset how long a student has been on the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import LevelDecision

NONE = "none"


def current_level(session: Session, student_id: int) -> str:
    level = session.scalar(select(LevelDecision.level)
                           .where(LevelDecision.student_id == student_id)
                           .order_by(LevelDecision.id.desc()).limit(1))
    return level or NONE


class LevelNow(NamedTuple):
    level: str
    decided_on: date
    created_at: datetime


def current_levels(session: Session) -> dict[int, LevelNow]:
    """The newest decision of every student ever decided, by student id (plain rows:
    lists of a whole school read this, and ORM objects would cost seconds)."""
    newest = (select(func.max(LevelDecision.id))
              .group_by(LevelDecision.student_id).scalar_subquery())
    rows = session.execute(select(LevelDecision.student_id, LevelDecision.level,
                                  LevelDecision.decided_on, LevelDecision.created_at)
                           .where(LevelDecision.id.in_(newest)))
    return {sid: LevelNow(level, on, at) for sid, level, on, at in rows}


class DecisionLike(Protocol):
    level: str
    decided_on: date


def level_since(decisions: Sequence[DecisionLike]) -> date | None:
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
