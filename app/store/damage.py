"""A damaged database file says so, wherever the damage is met.

SQLCipher checks each page's HMAC when the page is read. Opening reads only the first
pages, so a flipped bit further in (a failing disk, a bad copy) shows up later, in the
first query that reads that page — as "database disk image is malformed" or "file is
not a database" deep inside SQLAlchemy, which the user would see as an internal error.
This hook turns every such error on a Qingxin engine into one `StoreError` that says
the file is damaged and how to restore it. Nothing is lost by the failed statement:
its transaction rolls back.
"""

from __future__ import annotations

from pathlib import Path

import sqlcipher3
from sqlalchemy import Engine, event

from app.errors import StoreError
from app.store.faults import database_fault

DAMAGED_MESSAGE = ("数据库文件已损坏（有数据页校验失败），不能继续使用。请不要再录入；"
                   "请用最近一次的备份恢复（界面中的“从备份恢复”，"
                   "或由信息老师运行 qingxin restore）。")
_DAMAGE_CODES = (sqlcipher3.SQLITE_CORRUPT, sqlcipher3.SQLITE_NOTADB)


def is_damage(err: BaseException | None) -> bool:
    code = getattr(err, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in _DAMAGE_CODES
    # Errors from the backup API carry no code; SQLite's wording for these is stable.
    return isinstance(err, sqlcipher3.DatabaseError) and any(
        text in str(err) for text in ("disk image is malformed", "file is not a database"))


def watch_for_damage(engine: Engine, db_path: Path) -> None:
    """Damage, and the file-system faults of app/store/faults.py, as one StoreError."""
    @event.listens_for(engine, "handle_error")
    def _damaged(context) -> None:  # type: ignore[no-untyped-def]
        if is_damage(context.original_exception):
            raise StoreError(DAMAGED_MESSAGE,
                             detail=str(context.original_exception)[:120]) from None
        fault = database_fault(context.original_exception, db_path)
        if fault is not None:
            raise fault from None
