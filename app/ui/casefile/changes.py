"""The "what changed" value a casefile write broadcasts (see app/ui/store_context.py).

Every write to a student's file returns a `FileChanged` naming the student, so the
file window showing that student reloads itself and the warning, referral and
today's-work lists reload too; other pages ignore it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FileChanged:
    student_id: int
    what: str  # the entry kind written: "counselling", "level", "referral_step" …
    result: Any = None  # what the service returned (an id, a Decision …)


@dataclass(frozen=True)
class ReviewDone:
    """Students of a screening review queue were decided or given an interview."""

    campaign_id: int
    student_ids: tuple[int, ...]
    action: str  # "accept", "change" or "interview"


def touches(change: object, student_id: int) -> bool:
    """Whether a broadcast change wrote to this student's file."""
    if isinstance(change, FileChanged):
        return change.student_id == student_id
    return isinstance(change, ReviewDone) and student_id in change.student_ids
