"""The SQLCipher engine: raw 256-bit key, WAL, foreign keys, temp data in memory.

The key is given as a raw key (`PRAGMA key = "x'…'"`), which skips SQLCipher's own
KDF: the Argon2id work is done once, by the key slot. The dialect issues the PRAGMA from
the URL's password, quoted as an identifier, which is exactly the raw-key syntax.

SQLite's Python driver opens transactions on its own schedule; we take that over (the
SQLAlchemy recipe for pysqlite) so that `BEGIN` or `BEGIN IMMEDIATE` is ours to choose:
a write session takes the write lock before it reads, so a hash chain or a counter it
reads cannot change under it.
"""

from __future__ import annotations

from pathlib import Path

import sqlcipher3
from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from app.errors import StoreError
from app.store.damage import watch_for_damage
from app.store.faults import database_fault

IMMEDIATE = "qingxin_immediate"


def _silence_sqlcipher_log() -> None:
    """SQLCipher prints "hmac check failed" lines on stderr for a wrong key; the user
    gets our Chinese message instead. The level is process-wide, so set it once."""
    conn = sqlcipher3.connect(":memory:")
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
    finally:
        conn.close()


_silence_sqlcipher_log()


def create_encrypted_engine(db_path: Path, key: bytes) -> Engine:
    if len(key) != 32:
        raise ValueError("database key must be 32 bytes")
    url = URL.create("sqlite+pysqlcipher", password=f"x'{key.hex()}'", database=str(db_path))
    engine = create_engine(
        url,
        poolclass=QueuePool,
        pool_size=2,
        max_overflow=4,
        connect_args={"check_same_thread": False},
        # Parameters are student data: keep them out of exception messages and logs.
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            cur.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as err:
            fault = database_fault(err, Path(db_path))
            if fault is not None:  # a full disk or a read-only folder, not a wrong key
                raise fault from None
            raise StoreError(
                "数据库文件无法解密：它已损坏，或与密钥文件不是同一套。请从备份恢复。",
                detail="sqlite_master unreadable with the unwrapped key",
            ) from None
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA temp_store = MEMORY")
        cur.execute("PRAGMA busy_timeout = 5000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        immediate = conn.get_execution_options().get(IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    watch_for_damage(engine, Path(db_path))
    return engine
