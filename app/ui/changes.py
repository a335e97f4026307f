"""Adapter while the services learn to return their changes: `Changes` lives in
app/changes.py now."""

from __future__ import annotations

from collections.abc import Iterable

from app.changes import NOTHING, Changes

__all__ = ["NOTHING", "Changes", "file_changes"]


def file_changes(student_ids: Iterable[int], what: str) -> Changes:
    """A write to these students' files of entry kind `what` ("level", "referral_step" …).
    A referral step may change the student's status (休学/在读), which the roster shows."""
    return Changes(casefile=student_ids, levels=what == "level", students=what == "referral_step",
                   referrals=what in ("referral", "referral_step"))
