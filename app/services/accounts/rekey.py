"""Re-keying: a new database key, so that an old copy of the key file stops opening
the live database (a user removed, a role lowered).

Each remaining slot receives the new key sealed to its public key (keyslots.py), so no
one's password is needed. The database is re-encrypted into a new file, never in place,
and the pair (database, key file) is swapped so that a crash at any point leaves a pair
the next unlock can open:

1. New keys; the new slot file in memory: every version-2 slot gets the new keys under
   each name it keeps (`keep(slot)`; none = the slot goes). The database key is always
   replaced; so is any other key a slot gives up (the staff key, when a staff account
   is removed or lowered: its holder may have kept a copy). Version-1 slots cannot
   receive it and are dropped (their owners are named for the admin to set a password);
   a version-1 recovery slot is replaced by a slot for a new recovery code, shown once.
2. The pages are copied into `<db>.rekey-partial`, decrypted with the old key and
   encrypted with the new one inside SQLCipher (SQLite's backup API, with progress),
   then read back in full.
3. In that copy, in one transaction: the change that called for the re-key (e.g. the
   account deactivated), the school secrets rewrapped (school_keys.rewrap_secrets), the
   sealed columns re-sealed under a new staff key if it was replaced
   (staff_key.reseal), and the "rekey" audit event.
4. The new slot file is written as `<db>.keys.rekey-partial`.
5. Swap: the engine is closed, `-wal`/`-shm` removed (a stale WAL must never be replayed
   into the other file), the copy renamed over the database, then the key file over the
   key file. `finish_interrupted` (run before every unlock) ends a swap a crash cut in
   two: a lone key partial means the database was already renamed, so it is renamed
   too; a database partial means the swap never began, so both partials are removed.

Backups made before a re-key keep the old key and the old key file beside them: they
open as they always did (restore one, and re-key again if someone was removed since).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from app.atomic import fsync_dir
from app.errors import StoreError
from app.models.sealed import attach_staff_key
from app.paths import keyslot_path
from app.services import audit
from app.services.accounts.keyring import held
from app.services.accounts.staff_key import reseal
from app.services.district.school_keys import rewrap_secrets
from app.services.maintenance.backup import database_size
from app.services.maintenance.backup_faults import (
    check_folder,
    classify,
    damaged,
    fsync_file,
    remove_quietly,
)
from app.services.progress import NO_PROGRESS, Progress
from app.store import keyslots
from app.store.copies import check_copy, copy_pages, keyed
from app.store.engine import IMMEDIATE, create_encrypted_engine
from app.store.handle import Store
from app.store.keyslots import DATABASE, STAFF_KEY, Slot, SlotFile
from app.winfaults import FileFault, remove_retrying, replace_retrying

PARTIAL = ".rekey-partial"


@dataclass(frozen=True)
class RekeyResult:
    recovery_code: str | None = None
    """A new recovery code, when the old recovery slot could not take the new key (a
    version-1 slot): shown once, like at setup."""
    lost_access: list[str] = field(default_factory=list)
    """Users whose version-1 slot was dropped: an admin sets them a new password."""


def partials(db_path: Path) -> tuple[Path, Path]:
    keys = keyslot_path(db_path)
    return db_path.with_name(db_path.name + PARTIAL), keys.with_name(keys.name + PARTIAL)


def finish_interrupted(db_path: Path) -> None:
    """Complete or undo a swap that a crash interrupted (see the module doc, step 5)."""
    db_partial, keys_partial = partials(db_path)
    if db_partial.exists():
        remove_quietly(db_partial, keys_partial, _side(db_partial, "-wal"),
                       _side(db_partial, "-shm"), _side(db_partial, "-journal"))
    elif keys_partial.exists():
        replace_retrying(keys_partial, keyslot_path(db_path))


def rekey(store: Store, keep: Callable[[Slot], set[str]],
          change: Callable[[Session], None], progress: Progress = NO_PROGRESS
          ) -> RekeyResult:
    """Re-encrypt `store`'s database under a new key, apply `change` to it, and give the
    new key to the slots `keep` names (see the module doc). The caller checks rights."""
    db_path = store.path
    old_keys = store.keys
    slot_file = keyslots.read_slot_file(keyslot_path(db_path))
    given_up = {name for slot in slot_file.slots for name in held(slot) - keep(slot)}
    if STAFF_KEY in given_up and STAFF_KEY not in old_keys:
        raise StoreError("本账户没有保密密钥，无法更换它。请由持有保密密钥的管理员执行此操作。")
    rotated = given_up | {DATABASE}
    new_keys = {**old_keys, **{name: keyslots.new_database_key() for name in rotated}}
    new_file, result = _reseal(slot_file, new_keys, rotated, keep)
    with store.writes_held():  # other threads' writes wait for the new file
        db_partial, keys_partial = partials(db_path)
        finish_interrupted(db_path)
        check_folder(db_path.parent, database_size(db_path) + 64 * 1024)
        store.engine.dispose()
        _checkpoint(db_path, old_keys[DATABASE])
        try:
            copy_pages(db_path, old_keys[DATABASE], db_partial, progress.step,
                       target_key=new_keys[DATABASE])
            if not check_copy(db_partial, new_keys[DATABASE]).ok:
                raise damaged("重新加密后的数据库读回校验失败，原数据库未改变。请检查磁盘后再试。")
            _apply(db_partial, old_keys, new_keys, store.user.username, change, progress)
            fsync_file(db_partial)
            keyslots.write_slot_file(keys_partial, new_file)
        except BaseException as err:
            remove_quietly(db_partial, keys_partial, _side(db_partial, "-journal"))
            if isinstance(err, OSError):
                raise classify(err, db_path.parent) from None
            raise
        _swap(db_path, db_partial, keys_partial)
        store.rekeyed(create_encrypted_engine(db_path, new_keys[DATABASE]), new_keys)
    return result


def _reseal(slot_file: SlotFile, keys: dict[str, bytes], rotated: set[str],
            keep: Callable[[Slot], set[str]]) -> tuple[SlotFile, RekeyResult]:
    """The slots after the re-key: replaced keys sealed anew to each slot that keeps
    them; a key that did not change stays as it was sealed (it may be one this session
    does not hold, e.g. an admin still waiting for the staff key)."""
    slots: list[Slot] = []
    lost: list[str] = []
    recovery_code = None
    for slot in slot_file.slots:
        names = keep(slot)
        if not names:
            continue
        if slot.legacy:
            if slot.kind == "recovery":
                recovery_code = keyslots.new_recovery_code()
                slots.append(keyslots.make_slot(slot_file.db_id, keys, recovery_code,
                                                "recovery"))
            else:
                lost.append(slot.user)
            continue
        fresh = Slot(**{**slot.__dict__, "sealed": {}})
        for name in sorted(names):
            if name in rotated:
                keyslots.seal_to_slot(slot_file.db_id, fresh, name, keys[name])
            elif name in slot.sealed:
                fresh.sealed[name] = slot.sealed[name]
        slots.append(fresh)
    return (SlotFile(db_id=slot_file.db_id, slots=slots, school=slot_file.school),
            RekeyResult(recovery_code, lost))


def _apply(db_partial: Path, old_keys: dict[str, bytes], new_keys: dict[str, bytes],
           username: str, change: Callable[[Session], None], progress: Progress) -> None:
    new_key = new_keys[DATABASE]
    engine = create_encrypted_engine(db_partial, new_key)
    attach_staff_key(engine, new_keys.get(STAFF_KEY))
    staff_rotated = old_keys.get(STAFF_KEY) != new_keys.get(STAFF_KEY)
    try:
        with Session(engine) as session:
            session.connection(execution_options={IMMEDIATE: True})
            change(session)
            rewrap_secrets(session, old_keys[DATABASE], new_key)
            if staff_rotated:
                reseal(session, old_keys[STAFF_KEY], new_keys[STAFF_KEY], progress)
            audit.record(session, username, "rekey", "database", "",
                         "数据库密钥已更换" + ("，保密密钥已更换" if staff_rotated else "")
                         + "；旧密钥文件不再能打开")
            session.commit()
    finally:
        engine.dispose()
    # Back to one self-contained file before the rename (no -wal beside it).
    conn = keyed(db_partial, new_key)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()


def _swap(db_path: Path, db_partial: Path, keys_partial: Path) -> None:
    try:
        for stale in (_side(db_path, "-wal"), _side(db_path, "-shm")):
            remove_retrying(stale)
        replace_retrying(db_partial, db_path)
    except (OSError, FileFault) as err:
        remove_quietly(db_partial, keys_partial)
        raise classify(err, db_path.parent) from None
    try:
        replace_retrying(keys_partial, keyslot_path(db_path))
        fsync_dir(db_path.parent)
    except (OSError, FileFault):
        raise StoreError("数据库已重新加密，但新的密钥文件未能就位。请关闭青心后重新登录："
                         "登录时会自动完成这一步。") from None


def _checkpoint(db_path: Path, key: bytes) -> None:
    """Everything in the WAL into the file, so removing the WAL at the swap loses
    nothing even if the copy were somehow behind it."""
    conn = keyed(db_path, key)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _side(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)

