"""Opening an encrypted database with a key that a slot has unwrapped.

Order matters: check that this user may write the folder's files, take the
single-instance lock, build the engine (which proves the key),
migrate (with a backup first), then look up the account. Any failure undoes the earlier
steps, so a refused login leaves no lock and no open connection behind.
"""

from __future__ import annotations

from pathlib import Path

import sqlcipher3
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.errors import WrongPasswordError
from app.models import User
from app.models.sealed import attach_staff_key
from app.paths import backup_dir
from app.store import migrate, scratch
from app.store.copies import encrypted_copy, timestamped_name
from app.store.engine import create_encrypted_engine
from app.store.faults import check_database_path, database_fault, os_fault
from app.store.folder_access import check_writable
from app.store.handle import CurrentUser, Store
from app.store.instance_lock import InstanceLock
from app.store.keyslots import DATABASE, STAFF_KEY


def open_store(db_path: Path, keys: dict[str, bytes], username: str) -> Store:
    check_database_path(db_path)
    try:
        check_writable(db_path)
    except OSError as err:  # a read-only medium (EROFS); ACL refusals say not_writable
        raise os_fault(err, db_path) from None
    lock = InstanceLock(db_path)
    lock.acquire()
    scratch.sweep(db_path)  # temporary files of a killed run: ours alone now
    engine = None
    try:
        key = keys[DATABASE]
        engine = create_encrypted_engine(db_path, key)
        attach_staff_key(engine, keys.get(STAFF_KEY))
        migrate.upgrade(engine, before=lambda rev: _backup_before_migration(db_path, key, rev))
        with Session(engine) as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                raise WrongPasswordError("用户名或密码不正确。")
            if not user.active:
                raise WrongPasswordError("该账户已停用，请联系管理员。")
            current = CurrentUser(user.username, user.display_name, user.role, user.class_id)
        return Store(db_path, engine, keys, current, lock)
    except (OSError, sqlcipher3.Error) as err:
        _undo(engine, lock)
        fault = database_fault(err, db_path)
        if fault is None:
            raise
        raise fault from None
    except BaseException:
        _undo(engine, lock)
        raise


def _undo(engine: Engine | None, lock: InstanceLock) -> None:
    if engine is not None:
        engine.dispose()
    lock.release()


def _backup_before_migration(db_path: Path, key: bytes, revision: str | None) -> None:
    folder = backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    encrypted_copy(db_path, key, folder / timestamped_name(f"before-migration-{revision}"))
