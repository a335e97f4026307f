"""`Store`: an unlocked database and the user who unlocked it.

Every service takes a Store. It hands out short sessions — `read()` for queries,
`write()` for one transaction that commits at the end or rolls back on any error —
and never keeps one open across dialogs. `close()` (logout, auto-lock) disposes the
engine and forgets the key, so nothing stays decrypted in memory longer than needed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.errors import StoreError
from app.store.engine import IMMEDIATE
from app.store.instance_lock import InstanceLock


@dataclass(frozen=True)
class CurrentUser:
    username: str
    display_name: str
    role: str  # "admin", "counselor" or "class_teacher"
    class_id: int | None = None


class Store:
    def __init__(self, path: Path, engine: Engine, db_key: bytes, user: CurrentUser,
                 lock: InstanceLock) -> None:
        self.path = path
        self.user = user
        self._engine: Engine | None = engine
        self._db_key: bytes | None = db_key
        self._lock = lock

    @property
    def is_open(self) -> bool:
        return self._engine is not None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise StoreError("数据库已锁定，请重新登录。")
        return self._engine

    @property
    def db_key(self) -> bytes:
        """For wrapping a new user's key slot; only while unlocked."""
        if self._db_key is None:
            raise StoreError("数据库已锁定，请重新登录。")
        return self._db_key

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work: all of it is committed, or none of it."""
        with Session(self.engine, expire_on_commit=False) as session:
            # The first use of the session begins the transaction: make it BEGIN IMMEDIATE.
            session.connection(execution_options={IMMEDIATE: True})
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        self._engine = None
        self._db_key = None
        self._lock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
