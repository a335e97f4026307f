"""Copying an encrypted database, and checking a copy before anyone relies on it.

The store's one page copy, used by backups, re-keying and the copy made before a
migration. `copy_pages` uses SQLite's online backup API between two SQLCipher
connections keyed with the same raw key: pages are decrypted from the source and
encrypted again into the target inside SQLCipher, so the copy is never plaintext, not
even in a temp file, and the program can keep running while it is made. `check_copy`
then reads every page back (each page's HMAC, then SQLite's own structure check) before
the copy is named a backup: a USB stick with bad blocks is found now, not on the day the
backup is needed. Services catch `SQLiteError` / `DatabaseError` from here and never
import the driver themselves.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlcipher3

import app.store.engine  # noqa: F401  (silences SQLCipher's own log before any connection)
from app.atomic import PRIVATE_MODE, create_private, write_atomic
from app.errors import StoreError
from app.paths import keyslot_path
from app.winfaults import FileFault, replace_retrying

SQLiteError = sqlcipher3.Error
DatabaseError = sqlcipher3.DatabaseError
Step = Callable[[int, int], None]
"""`step(done, total)` between blocks of a copy; it may raise to stop it (a Progress's
`step` raises Cancelled)."""


def _no_step(_done: int, _total: int) -> None:
    return None


PAGES_PER_STEP = 256
"""Pages copied between progress reports (1 MiB at SQLCipher's 4 KiB pages); also how
often a cancel or a fault can interrupt the copy."""
CHUNK = 1 << 20


def keyed(path: Path, key: bytes) -> sqlcipher3.Connection:
    """A plain SQLCipher connection opened with the raw database key."""
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


def keyed_read_only(path: Path, key: bytes) -> sqlcipher3.Connection:
    """`keyed`, read-only: a look into a backup on a stick must not write beside it."""
    conn = sqlcipher3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True,
                              isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    return conn


def copy_pages(source_path: Path, key: bytes, target_path: Path, step: Step = _no_step,
               target_key: bytes | None = None) -> None:
    """Copy the live database into a new file. The copy ends in rollback-journal mode,
    so a backup is one self-contained file (no -wal beside it to lose). With
    `target_key` the copy is encrypted under that key instead (re-keying)."""
    create_private(target_path)
    source = keyed(source_path, key)
    try:
        target = keyed(target_path, target_key or key)
        try:
            source.backup(target, pages=PAGES_PER_STEP,
                          progress=lambda _status, remaining, total:
                          step(total - remaining, total))
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
    finally:
        source.close()


@dataclass(frozen=True)
class CopyCheck:
    problem: str
    """"" when the copy is sound; else "undecryptable" (wrong key or not a database)
    or "damaged" (a page fails its HMAC or SQLite's structure check)."""
    detail: str = ""
    revision: str | None = None
    school_name: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def check_copy(path: Path, key: bytes) -> CopyCheck:
    """Read the whole file with `key`: every page's HMAC, the b-tree structure, the
    schema revision and the school's name (to show the user what they are restoring)."""
    try:
        conn = keyed(path, key)
    except sqlcipher3.Error as err:
        return CopyCheck("undecryptable", type(err).__name__)
    try:
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as err:
            return _unreadable_schema(conn, path, type(err).__name__)
        try:
            bad = [row[0] for row in conn.execute("PRAGMA cipher_integrity_check")]
            if bad:
                return CopyCheck("damaged", bad[0][:200])
            first = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
            if first != "ok":
                return CopyCheck("damaged", str(first)[:200])
            revision = _scalar(conn, "SELECT version_num FROM alembic_version")
            school = _scalar(conn, "SELECT name FROM school ORDER BY id LIMIT 1") or ""
        except sqlcipher3.DatabaseError as err:
            return CopyCheck("damaged", f"{type(err).__name__}: {err}"[:200])
        return CopyCheck("", revision=revision, school_name=str(school))
    finally:
        conn.close()


def _unreadable_schema(conn: sqlcipher3.Connection, path: Path, detail: str) -> CopyCheck:
    """SQLite says "not a database" both for a wrong key and for a damaged schema page.
    The pages' HMACs tell them apart: under a wrong key every page fails; in a damaged
    file with the right key only the damaged ones do."""
    try:
        bad = [row[0] for row in conn.execute("PRAGMA cipher_integrity_check")]
        page_size = int(conn.execute("PRAGMA cipher_page_size").fetchone()[0])
    except sqlcipher3.DatabaseError:
        return CopyCheck("undecryptable", detail)
    pages = max(1, path.stat().st_size // page_size)
    if bad and len(bad) < pages:
        return CopyCheck("damaged", bad[0][:200])
    return CopyCheck("undecryptable", detail)


def _scalar(conn: sqlcipher3.Connection, sql: str) -> str | None:
    try:
        row = conn.execute(sql).fetchone()
    except sqlcipher3.OperationalError:  # no such table: not a Qingxin database
        return None
    return None if row is None else row[0]


def copy_file(source: Path, target: Path, step: Step = _no_step) -> None:
    """A byte copy of an already encrypted file into a new file, flushed to the disk.
    `target` must not exist: nothing is ever overwritten by a copy. Owner-only, as the
    copies are of the database and its key slots."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    with open(source, "rb") as fin, os.fdopen(os.open(target, flags, PRIVATE_MODE), "wb") as fout:
        total = os.fstat(fin.fileno()).st_size
        done = 0
        while block := fin.read(CHUNK):
            fout.write(block)
            done += len(block)
            step(done, total)
        fout.flush()
        os.fsync(fout.fileno())


def encrypted_copy(db_path: Path, key: bytes, dest: Path) -> None:
    """Copy `db_path` into `dest` with its key slots beside it (the copy made before a
    migration: without the slots it could not be opened); dest must not exist."""
    if dest.exists():
        raise StoreError(f"备份文件 {dest.name} 已存在。")
    tmp = dest.with_name(dest.name + ".partial")
    try:
        copy_pages(db_path, key, tmp)
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


def timestamped_name(prefix: str) -> str:
    return f"{prefix}-{datetime.now().strftime('%Y%m%d-%H%M%S')}.db"
