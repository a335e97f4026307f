"""What every benchmark job gets: the school, the working copy of its database, how
many runs, and whether this is the small smoke run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.services.accounts.auth import unlock
from app.store.handle import Store
from bench.school import PASSWORD, School

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Bench:
    school: School
    db: Path
    """A fresh copy of the school's database for this job: jobs write to it (audit
    events, imports), and the cached school stays as it was built."""
    work: Path
    runs: int
    smoke: bool

    def size(self, full: int, smoke: int) -> int:
        return smoke if self.smoke else full

    def store(self) -> Store:
        return unlock(self.db, "admin", PASSWORD)
