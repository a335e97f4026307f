"""Putting a backup back: check it, keep what is there now, then swap.

Order, so that a fault at any step leaves the previous state in place:
1. The backup's own key slots must open with the password (valid when the backup was
   made) or the recovery code: a wrong one is refused before anything is copied; so is
   an account whose role (in the backup) may not restore.
2. The single-instance lock: nobody may have the database open while it is replaced.
3. The backup is copied next to the database as `.restore-partial` and read back in
   full with its key: every page's HMAC, the structure, and the schema revision. A
   damaged backup, or one from a newer program (a revision we do not know), is refused
   and the partial copy removed.
4. What is there now is kept as `backups/before-restore-<time>.db` (+ `-wal`, `.keys`):
   byte copies of files that are encrypted already, so this works even when the
   current database is the damaged one and its key cannot be had.
5. Swap: the current `-wal`/`-shm` go (a stale WAL must never be replayed into another
   file), then the new file and key slots are renamed into place — renames within one
   folder; if the second fails, the first is undone from the kept copy.
6. An older backup is migrated now, after its own encrypted copy (as any opening
   does), and the restore is recorded in the restored database's audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from app.atomic import fsync_dir, write_atomic
from app.errors import BadInputError, PermissionDeniedError, StoreError, WrongPasswordError
from app.paths import audit_anchor_path, backup_dir, keyslot_path
from app.services import audit
from app.services.capabilities import RECOVERY_ROLE, RESTORE, require_role
from app.services.maintenance.backup import database_size, write_backup
from app.services.maintenance.backup_faults import (
    BackupError,
    check_folder,
    classify,
    damaged,
    remove_quietly,
    target_gone,
)
from app.services.progress import NO_PROGRESS, Cancelled, Progress
from app.store import keyslots, migrate
from app.store.copies import (
    CopyCheck,
    DatabaseError,
    check_copy,
    copy_file,
    keyed_read_only,
    timestamped_name,
)
from app.store.engine import create_encrypted_engine
from app.store.instance_lock import InstanceLock
from app.winfaults import FileFault, remove_retrying, replace_retrying

RECOVERY_WHO = "#recovery"
TOO_NEW = ("这份备份由更新版本的青心制作（数据库版本 {revision}），本程序无法读取它。"
           "请先把青心升级到最新版本，再从这份备份恢复。")
DAMAGED_BACKUP = ("备份文件 {name} 已损坏（校验失败），不能用它恢复。本机数据未被改动。"
                  "请换一份备份（例如另一个 U 盘上的）。")
UNDECRYPTABLE = ("备份文件 {name} 无法解密：它与旁边的密钥文件不是同一套，或者不是青心备份。"
                 "本机数据未被改动。")


@dataclass(frozen=True)
class Secret:
    """What opens the backup's key slots: a user's password, or the recovery code."""

    username: str = ""
    password: str = ""
    recovery_code: str = ""


@dataclass(frozen=True)
class RestoreResult:
    db_path: Path
    kept: Path | None
    """The copy of the database that was replaced, or None if there was none."""
    school_name: str
    migrated_from: str | None
    """The backup's schema revision if it was migrated to this program's, else None."""


def open_backup_key(backup: Path, secret: Secret) -> tuple[bytes, str]:
    """The database key from the backup's own key slots, and its database id."""
    backup = Path(backup)
    if not backup.is_file():
        raise BadInputError(f"找不到备份文件 {backup}。")
    keys = keyslot_path(backup)
    if not keys.is_file():
        raise BadInputError(f"备份文件旁边缺少密钥文件 {keys.name}：恢复需要两个文件一起"
                            "（复制备份时请把同名的 .keys 文件一并复制）。")
    slot_file = keyslots.read_slot_file(keys)
    if secret.recovery_code:
        slot = slot_file.find("recovery")
        code = keyslots.normalize_recovery_code(secret.recovery_code)
        if slot is None:
            raise WrongPasswordError("这份备份没有恢复码，请用制作备份时有效的密码。")
        try:
            return keyslots.open_slot(slot_file, slot, code), slot_file.db_id
        except WrongPasswordError:
            raise WrongPasswordError("恢复码打不开这份备份。") from None
    slot = slot_file.find("password", secret.username.strip())
    try:
        if slot is None:
            raise WrongPasswordError("")
        return keyslots.open_slot(slot_file, slot, secret.password), slot_file.db_id
    except WrongPasswordError:
        raise WrongPasswordError("用户名或密码打不开这份备份。请用制作备份时有效的密码"
                                 "（之后改过的新密码不行），或用恢复码。") from None


def check_may_restore(backup: Path, key: bytes, secret: Secret) -> None:
    """Only a role with the RESTORE capability may put a backup back: restoring rolls
    the whole school back and revives accounts deactivated since. The role is the one
    the account had in the backup (the password that opened it is from then too); the
    recovery code is the principal's and counts as an admin."""
    if secret.recovery_code:
        require_role(RECOVERY_ROLE, RESTORE)
        return
    try:
        conn = keyed_read_only(backup, key)
        try:
            row = conn.execute("SELECT role, active FROM app_user WHERE username = ?",
                               (secret.username.strip(),)).fetchone()
        finally:
            conn.close()
    except DatabaseError:
        return  # unreadable with its own key: the copy's full check refuses it (step 3)
    if row is None or not row[1]:
        raise PermissionDeniedError("该账户在这份备份中不存在或已停用，不能用它恢复。")
    require_role(row[0], RESTORE)


def check_revision(check: CopyCheck, name: str) -> None:
    """Refuse what this program cannot read: damage, a wrong key, a newer schema."""
    if check.problem == "damaged":
        raise damaged(DAMAGED_BACKUP.format(name=name), check.detail)
    if check.problem:
        raise damaged(UNDECRYPTABLE.format(name=name), check.detail)
    if check.revision is None:
        raise BadInputError(f"{name} 不是青心的数据库备份。")
    if not migrate.known_revision(check.revision):
        raise StoreError(TOO_NEW.format(revision=check.revision),
                         detail=f"unknown revision {check.revision}")


def check_backup(db_path: Path, backup: Path, secret: Secret,
                 allow_other_database: bool = False) -> None:
    """Step 1 and the same-database check alone, without the lock: the GUI asks this
    while the database is still open, so a wrong password or another school's backup
    is refused before it closes the database and signs everyone out."""
    key, backup_db_id = open_backup_key(Path(backup), secret)
    _same_database(Path(db_path), backup_db_id, allow_other_database)
    check_may_restore(Path(backup), key, secret)


def restore_backup(db_path: Path, backup: Path, secret: Secret,
                   allow_other_database: bool = False,
                   progress: Progress = NO_PROGRESS) -> RestoreResult:
    """Replace the database at `db_path` (if any) with `backup`; see the module doc."""
    db_path, backup = Path(db_path), Path(backup)
    key, backup_db_id = open_backup_key(backup, secret)
    _same_database(db_path, backup_db_id, allow_other_database)
    check_may_restore(backup, key, secret)
    folder = db_path.parent
    folder.mkdir(parents=True, exist_ok=True)
    lock = InstanceLock(db_path)
    lock.acquire()
    try:
        incoming, check = _bring_in(backup, db_path, key, progress)
        try:
            kept = _keep_current(db_path)
            _swap(incoming, db_path, kept)
            _take_anchor(backup, db_path)
        except BaseException:
            remove_quietly(*incoming)
            raise
        migrated = _migrate_and_record(db_path, key, secret, backup.name)
    finally:
        lock.release()
    return RestoreResult(db_path, kept, check.school_name, migrated)


def _same_database(db_path: Path, backup_db_id: str, allow_other: bool) -> None:
    """A backup of another school (or of a database set up anew) would silently swap
    one school's files for another's: only on purpose."""
    keys = keyslot_path(db_path)
    if allow_other or not (db_path.exists() and keys.exists()):
        return
    try:
        current = keyslots.read_slot_file(keys).db_id
    except StoreError:
        return  # the current key file is unreadable: restoring is how that is fixed
    if current != backup_db_id:
        raise BadInputError("这份备份属于另一个数据库（另一所学校，或本机重新建立过数据库），"
                            "不是本机正在使用的这一个。确需用它替换，请选择“替换为其他数据库”"
                            "（命令行加 --replace-other）。")


def _bring_in(backup: Path, db_path: Path, key: bytes, progress: Progress
              ) -> tuple[tuple[Path, Path], CopyCheck]:
    """Copy the backup and its key slots beside the database and check the copy there
    (not on the stick, which may be write-protected or pulled out)."""
    folder = db_path.parent
    partial = db_path.with_name(db_path.name + ".restore-partial")
    keys_partial = keyslot_path(db_path).with_name(keyslot_path(db_path).name
                                                   + ".restore-partial")
    remove_quietly(partial, keys_partial)  # left by a restore interrupted by a power cut
    need = backup.stat().st_size * 2 + (database_size(db_path) if db_path.exists() else 0)
    check_folder(folder, need)
    made = (partial, keys_partial)
    try:
        copy_file(backup, partial, progress.step)
        copy_file(keyslot_path(backup), keys_partial)
        check = check_copy(partial, key)
        check_revision(check, backup.name)
    except (Cancelled, BackupError, BadInputError, StoreError):
        remove_quietly(*made)
        raise
    except OSError as err:
        remove_quietly(*made)
        if not backup.parent.is_dir():
            raise target_gone(backup.parent, type(err).__name__) from None
        raise classify(err, folder) from None
    return made, check


def _keep_current(db_path: Path) -> Path | None:
    """Byte copies of the current files into backups/: they are ciphertext already."""
    if not db_path.exists():
        return None
    folder = backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / timestamped_name("before-restore")
    n = 2
    while kept.exists():
        kept = folder / timestamped_name(f"before-restore-{n}")
        n += 1
    pairs = [(db_path, kept), (_wal(db_path), _wal(kept)),
             (keyslot_path(db_path), keyslot_path(kept))]
    written: list[Path] = []
    try:
        for source, target in pairs:
            if source.exists():
                copy_file(source, target)
                written.append(target)
        fsync_dir(folder)
    except OSError as err:
        remove_quietly(*written)
        raise classify(err, folder) from None
    return kept


def _swap(incoming: tuple[Path, Path], db_path: Path, kept: Path | None) -> None:
    """Two renames in one folder. Should the second fail, the first is undone from the
    kept copy, so the database and its key slots never disagree."""
    partial, keys_partial = incoming
    try:
        for stale in (_wal(db_path), db_path.with_name(db_path.name + "-shm")):
            remove_retrying(stale)
        replace_retrying(partial, db_path)
        try:
            replace_retrying(keys_partial, keyslot_path(db_path))
        except (OSError, FileFault):
            if kept is not None:
                _put_back(kept, db_path)
            raise
        fsync_dir(db_path.parent)
    except (OSError, FileFault) as err:
        raise classify(err, db_path.parent) from None


def _take_anchor(backup: Path, db_path: Path) -> None:
    """The restored log ends where the backup's did: so does its anchor (the current
    one, further on, would call the restored log truncated)."""
    source, target = audit_anchor_path(backup), audit_anchor_path(db_path)
    try:
        write_atomic(target, source.read_bytes(), private=True, error=StoreError)
    except (OSError, StoreError):  # none in the backup, or unwritable: no stale anchor
        remove_quietly(target)


def _put_back(kept: Path, db_path: Path) -> None:
    back = db_path.with_name(db_path.name + ".restore-undo")
    remove_quietly(back)
    copy_file(kept, back)
    replace_retrying(back, db_path)
    if _wal(kept).exists():
        copy_file(_wal(kept), _wal(db_path))


def _migrate_and_record(db_path: Path, key: bytes, secret: Secret, backup_name: str
                        ) -> str | None:
    """Bring an older backup to this program's schema (after an encrypted copy, as any
    opening does) and note the restore in the restored database's own audit log."""
    engine = create_encrypted_engine(db_path, key)
    try:
        before = migrate.current_revision(engine)
        ran = migrate.upgrade(engine, before=lambda rev: _backup_before_migration(
            db_path, key, rev))
        who = secret.username.strip() if not secret.recovery_code else RECOVERY_WHO
        with Session(engine) as session, session.begin():
            audit.record(session, who, "restore", "database", backup_name,
                         f"备份的数据库版本 {before}" + ("，已升级到当前版本" if ran else ""))
        return before if ran else None
    finally:
        engine.dispose()


def _backup_before_migration(db_path: Path, key: bytes, revision: str | None) -> None:
    folder = backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    write_backup(db_path, key, folder / timestamped_name(f"before-migration-{revision}"))


def _wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")
