"""Writing a report file and its audit entries as one act.

The file is written inside the transaction that records who printed it: if the file
cannot be written nothing is recorded, and if recording fails the file is removed — the
audit log never names a print that did not happen, nor misses one that did.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.errors import BadInputError
from app.services import audit
from app.store.handle import Store
from app.winfaults import classify_os_error

AuditEntry = tuple[str, str, str | int, str]
"""(action, target kind, target id, detail) — detail holds ids and counts only."""


def write_audited(store: Store, out: Path, data: bytes, entries: Sequence[AuditEntry]) -> None:
    written = False
    try:
        with store.write() as session:
            try:
                out.write_bytes(data)
            except OSError as err:
                raise classify_os_error(err, out) or BadInputError(
                    f"无法写入 {out}（目录不存在、只读或磁盘已满？）。",
                    detail=f"{type(err).__name__}: {err.errno}") from None
            written = True
            for action, kind, target, detail in entries:
                audit.record(session, store.user.username, action, kind, target, detail)
    except BaseException:
        if written:
            out.unlink(missing_ok=True)
        raise
