"""Encrypted copies of the database, made while it is open.

SQLite's online backup API copies page by page into a second SQLCipher file keyed with
the same raw key, so the copy is never plaintext, not even in a temp file. The key-slot
file travels with it: without it the copy cannot be opened.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import sqlcipher3

from app.atomic import create_private, write_atomic
from app.errors import StoreError
from app.paths import keyslot_path
from app.winfaults import FileFault, replace_retrying


def encrypted_copy(db_path: Path, key: bytes, dest: Path) -> None:
    """Copy `db_path` into `dest` (and its key slots beside it); dest must not exist."""
    if dest.exists():
        raise StoreError(f"备份文件 {dest.name} 已存在。")
    pragma = f"PRAGMA key = \"x'{key.hex()}'\""
    tmp = dest.with_name(dest.name + ".partial")
    src = sqlcipher3.connect(str(db_path))
    try:
        create_private(tmp)
        src.execute(pragma)
        out = sqlcipher3.connect(str(tmp))
        try:
            out.execute(pragma)
            src.backup(out)
        finally:
            out.close()
        write_atomic(keyslot_path(dest), keyslot_path(db_path).read_bytes(), private=True,
                     error=StoreError)
        replace_retrying(tmp, dest)
    except (OSError, sqlcipher3.Error, StoreError) as err:
        tmp.unlink(missing_ok=True)
        keyslot_path(dest).unlink(missing_ok=True)
        if isinstance(err, FileFault):
            raise
        raise StoreError("备份失败（磁盘已满、只读或被拔出？），原数据库未受影响。",
                         detail=f"{type(err).__name__}") from None
    finally:
        src.close()


def timestamped_name(prefix: str) -> str:
    return f"{prefix}-{datetime.now().strftime('%Y%m%d-%H%M%S')}.db"
