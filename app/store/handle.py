"""`Store`: an unlocked database and the user who unlocked it.

Every service takes a Store. It hands out short sessions — `read()` for queries,
`write()` for one transaction that commits at the end or rolls back on any error —
and never keeps one open across dialogs. `close()` (logout, auto-lock) disposes the
engine and forgets the keys, so nothing stays decrypted in memory longer than needed.

`keys` are the named keys the user's slot opened (app/store/keyslots.py): always the
database key, under "database"; for staff also the staff key, under "staff", which the
engine carries for the sealed columns (app/models/sealed.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.errors import StoreError
from app.models.sealed import attach_staff_key
from app.store.engine import IMMEDIATE
from app.store.instance_lock import InstanceLock
from app.store.keyslots import DATABASE, STAFF_KEY
from app.store.write_gate import WriteGate


@dataclass(frozen=True)
class CurrentUser:
    username: str
    display_name: str
    role: str  # a row of app/services/capabilities.py ROLE_TABLE
    class_id: int | None = None


class Store:
    def __init__(self, path: Path, engine: Engine, keys: dict[str, bytes], user: CurrentUser,
                 lock: InstanceLock) -> None:
        self.path = path
        self.user = user
        self._engine: Engine | None = engine
        self._keys: dict[str, bytes] | None = dict(keys)
        self._lock = lock
        self._gate = WriteGate()
        self.new_recovery_code: str | None = None
        """A recovery code issued during this sign-in (the used one replaced, or a
        version-1 recovery slot upgraded): the GUI or CLI shows it once, then clears it."""

    @property
    def is_open(self) -> bool:
        return self._engine is not None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise StoreError("数据库已锁定，请重新登录。")
        return self._engine

    @property
    def keys(self) -> dict[str, bytes]:
        """For sealing to a new key slot; only while unlocked."""
        if self._keys is None:
            raise StoreError("数据库已锁定，请重新登录。")
        return dict(self._keys)

    @property
    def db_key(self) -> bytes:
        return self.keys[DATABASE]

    def take_keys(self, keys: dict[str, bytes]) -> None:
        """Hold more keys from now on (the staff key made or granted at sign-in)."""
        self._keys = {**self.keys, **keys}
        attach_staff_key(self.engine, self._keys.get(STAFF_KEY))

    def rekeyed(self, engine: Engine, keys: dict[str, bytes]) -> None:
        """Carry on with the re-keyed database (app/services/accounts/rekey.py swapped the files
        and opened `engine` on them); the old engine is gone already."""
        if self._engine is not None:
            self._engine.dispose()
        attach_staff_key(engine, keys.get(STAFF_KEY))
        self._engine = engine
        self._keys = dict(keys)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def writes_held(self) -> AbstractContextManager[None]:
        """Other threads' writes wait until the block ends (a re-key's copy and swap)."""
        return self._gate.held()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work: all of it is committed, or none of it."""
        with self._gate.write(), Session(self.engine, expire_on_commit=False) as session:
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
        self._keys = None
        self._lock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
