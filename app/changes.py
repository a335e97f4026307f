"""What a write changed: one value every writing service returns, the GUI broadcasts
once and every view reads by its fields (Anki's OpChanges, qt/aqt/operations/__init__.py).

A writing service knows what it wrote, so it says so in what it returns, in one of the
shapes Anki's backend uses:
- `Changes` itself, when the write has nothing else to give back (Anki's OpChanges);
- a result that carries one as `result.changes` (OpChangesWith…): the write's own
  result type has a `changes` field the service fills at its return (`RosterChanges`,
  `AnswersSaved`, `Decision` …); a new record's id is a `ChangesWithId`, an int that
  carries its changes, so callers keep using it as the id (a count, `ChangesWithCount`,
  likewise); any other value travels in
  `ChangesWith(value, changes)`.

`changes_of` reads it back (Anki's on_op_finished). `StoreContext.mutate` (app/ui)
broadcasts what it returns; a result that carries none fails the GUI tests, so a new
service cannot silently refresh nothing (the product then reloads every list). The CLI
calls the same services and ignores it. A write that changes nothing a view shows (a
PDF printed, a password changed) returns `NOTHING`: it is still broadcast, since every
write leaves an audit event.

No Qt here: this is a root module every layer may use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, init=False)
class Changes:
    students: bool
    """The roster: students or classes added, changed, moved or promoted, or a student's
    status (休学/在读) set by a referral step."""
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

    def __or__(self, other: Changes) -> Changes:
        """Both writes' changes (a batch of writes in one operation)."""
        return Changes(students=self.students or other.students,
                       campaigns=self.campaigns | other.campaigns,
                       casefile=self.casefile | other.casefile,
                       levels=self.levels or other.levels,
                       referrals=self.referrals or other.referrals,
                       users=self.users or other.users, backups=self.backups or other.backups)


NOTHING = Changes()
"""For writes no view shows: printing, exporting, a password changed."""


def in_file(student_id: int, *, levels: bool = False, referrals: bool = False,
            students: bool = False) -> Changes:
    """A write to one student's file, and what else it moved."""
    return Changes(casefile=(student_id,), levels=levels, referrals=referrals,
                   students=students)


class ChangesWithId(int):
    """The id of the record a write made, carrying what the write changed (Anki's
    OpChangesWithId). It is the int itself, so callers use it as the id."""

    changes: Changes

    def __new__(cls, value: int, changes: Changes) -> ChangesWithId:
        made = super().__new__(cls, value)
        made.changes = changes
        return made

    @property
    def id(self) -> int:
        return int(self)


class ChangesWithCount(ChangesWithId):
    """How many records a write touched, carrying what it changed (OpChangesWithCount)."""

    @property
    def count(self) -> int:
        return int(self)


@dataclass(frozen=True)
class ChangesWith(Generic[T]):
    """Any other value a write gives back, beside what it changed."""

    value: T
    changes: Changes


def together(results: Iterable[object]) -> ChangesWith[list[object]]:
    """Several writes run as one operation (a batch on the review queue): their results,
    and everything they changed."""
    done = list(results)
    changed = NOTHING
    for result in done:
        changed = changed | changes_of(result)
    return ChangesWith(done, changed)


def changes_of(result: object) -> Changes:
    """What a writing service's result says it changed: the result itself, or its
    `changes` (Anki's on_op_finished). A TypeError for anything else — a write that
    does not say what it changed is a bug, never a silent refresh of nothing."""
    if isinstance(result, Changes):
        return result
    carried = getattr(result, "changes", None)
    if isinstance(carried, Changes):
        return carried
    raise TypeError(f"a writing service returned {type(result).__name__}, which is not a "
                    "Changes and carries none (`.changes`): say what the write changed")
