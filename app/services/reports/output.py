"""Writing a report file and its audit entries as one act.

The file is written (atomically, app/atomic.py) inside the transaction that records who
printed it: if the file cannot be written nothing is recorded, and if recording fails
the file is removed — the audit log never names a print that did not happen, nor misses
one that did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.atomic import write_atomic
from app.changes import Changes
from app.services import audit
from app.store.handle import Store

AuditEntry = tuple[str, str, str | int, str]
"""(action, target kind, target id, detail) — detail holds ids and counts only."""


@dataclass(frozen=True)
class PrintedReport:
    """A report written: `kind` is its code in kinds.REPORTS, `scope` what it covers as
    a teacher reads it, `students` the students printed (individual reports) or the
    sheets counted (a group report)."""

    kind: str
    path: Path
    scope: str
    students: int
    changes: Changes = field(kw_only=True)


def write_audited(store: Store, out: Path, data: bytes, entries: Sequence[AuditEntry]) -> None:
    written = False
    try:
        with store.write() as session:
            write_atomic(out, data, private=True)
            written = True
            for action, kind, target, detail in entries:
                audit.record(session, store.user.username, action, kind, target, detail)
    except BaseException:
        if written:
            out.unlink(missing_ok=True)
        raise
