"""Opening an encrypted database with a key that a slot has unwrapped.

Order matters: check that this user may write the folder's files, take the
single-instance lock, build the engine (which proves the key),
migrate (with a backup first), then look up the account. Any failure undoes the earlier
steps, so a refused login leaves no lock and no open connection behind.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import StoreError, WrongPasswordError
from app.models import User
from app.models.sealed import attach_staff_key
from app.paths import backup_dir
from app.store import migrate
from app.store.backup import encrypted_copy, timestamped_name
from app.store.engine import create_encrypted_engine
from app.store.folder_access import check_writable
from app.store.handle import CurrentUser, Store
from app.store.instance_lock import InstanceLock
from app.store.keyslots import DATABASE, STAFF_KEY


def open_store(db_path: Path, keys: dict[str, bytes], username: str) -> Store:
    if not db_path.exists():
        raise StoreError(f"找不到数据库文件 {db_path.name}。")
    check_writable(db_path)
    lock = InstanceLock(db_path)
    lock.acquire()
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
    except BaseException:
        if engine is not None:
            engine.dispose()
        lock.release()
        raise


def _backup_before_migration(db_path: Path, key: bytes, revision: str | None) -> None:
    folder = backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    encrypted_copy(db_path, key, folder / timestamped_name(f"before-migration-{revision}"))
