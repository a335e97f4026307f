"""What a write changed: one value every GUI write broadcasts, and every view reads by
its fields (Anki's OpChanges, qt/aqt/operations/__init__.py).

Each page used to keep its own tuple of result types to reload on (the screening page
six of them), so a service returning a new type refreshed nothing, silently. Now
`StoreContext.mutate` cannot be called without saying what the operation changes, the
main window hands that one value to every page, and each page asks the fields it
shows (`change.students`, `change.campaign(id)` …). A write that changes nothing a view
shows (a PDF printed, a password changed) says `NOTHING`; it is still broadcast, since
every write leaves an audit event.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, init=False)
class Changes:
    students: bool
    """The roster: students or classes added, changed, moved or promoted."""
    campaigns: frozenset[int]
    """Screening campaigns created, edited or deleted, or their participation, answers
    or results."""
    casefile: frozenset[int]
    """Students whose file (一生一策) was written."""
    levels: bool
    """Warning levels decided (the student list's level column, the key-student list)."""
    referrals: bool
    """Referrals opened, their steps recorded or the referral ended."""
    users: bool
    """Accounts: created, their role, password or active state."""
    backups: bool
    """A backup was made (the reminder and the backup tab)."""

    def __init__(self, *, students: bool = False, campaigns: Iterable[int] = (),
                 casefile: Iterable[int] = (), levels: bool = False,
                 referrals: bool = False, users: bool = False, backups: bool = False
                 ) -> None:
        for name, value in (("students", students), ("campaigns", frozenset(campaigns)),
                            ("casefile", frozenset(casefile)), ("levels", levels),
                            ("referrals", referrals), ("users", users),
                            ("backups", backups)):
            object.__setattr__(self, name, value)

    def campaign(self, campaign_id: int) -> bool:
        """Whether this campaign's definition, participation or results changed."""
        return campaign_id in self.campaigns

    def file(self, student_id: int) -> bool:
        """Whether this student's file was written."""
        return student_id in self.casefile

    @property
    def records(self) -> bool:
        """Whether anything the counselling lists count changed: the roster, screening
        results, a file, a level or a referral (the warning and report pages)."""
        return bool(self.students or self.campaigns or self.casefile or self.levels
                    or self.referrals)


NOTHING = Changes()
"""For writes no view shows: printing, exporting, a password changed."""


def file_changes(student_ids: Iterable[int], what: str) -> Changes:
    """A write to these students' files of entry kind `what` ("level", "referral_step" …).
    A referral step may change the student's status (休学/在读), which the roster shows."""
    return Changes(casefile=student_ids, levels=what == "level", students=what == "referral_step",
                   referrals=what in ("referral", "referral_step"))
