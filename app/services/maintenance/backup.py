"""Backups to a folder the teacher chooses (a USB stick), while the program runs.

A backup is two files side by side: `qingxin-backup-<time>.db`, an encrypted copy of
the database made with SQLite's backup API (app/store/copies.py: never plaintext, not even
in a temp file), and `<same>.db.keys`, the key slots that open it — a password that
was valid when the backup was made, or the recovery code. Neither is any use without
a password; both are needed to restore.

Writing is all-or-nothing: the copy is written as `.partial`, read back in full
(every page's HMAC), flushed, and only then renamed; any fault (disk full, a
write-protected stick, the stick pulled out) removes what was written and raises a
`BackupError` in Chinese. The database itself is only ever read.

Each backup is recorded in the audit log ("backup", target "database"), which is
where `backup_status` learns how long ago the last one was, where it went and how big
it was. How many days count as "due" is the deployment's `[app] backup_reminder_days`;
callers pass it in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from app.atomic import fsync_dir, remove_stale_partials, write_atomic
from app.changes import Changes
from app.deployment import DEFAULT_BACKUP_REMINDER_DAYS
from app.errors import BadInputError
from app.models import AuditEvent, Student
from app.paths import audit_anchor_path, keyslot_path
from app.services import audit
from app.services.audit_seal import open_detail
from app.services.capabilities import BACKUP, require
from app.services.maintenance.backup_faults import (
    IO_ERROR,
    BackupError,
    check_folder,
    classify,
    damaged,
    fsync_file,
    remove_quietly,
)
from app.services.progress import NO_PROGRESS, Cancelled, Progress
from app.store.copies import SQLiteError, check_copy, copy_file, copy_pages
from app.store.damage import DAMAGED_MESSAGE, is_damage
from app.store.handle import Store
from app.winfaults import FileFault, replace_retrying

BACKUP_PREFIX = "qingxin-backup"
TARGET_KIND = "database"
_MARGIN = 1.05
_KEYS_ALLOWANCE = 64 * 1024
_BYTES = "; bytes="


@dataclass(frozen=True)
class BackupResult:
    path: Path
    keys_path: Path
    size: int
    changes: Changes = field(kw_only=True)


def backup_name(when: datetime) -> str:
    return f"{BACKUP_PREFIX}-{when.astimezone():%Y%m%d-%H%M%S}.db"


def database_size(db_path: Path) -> int:
    """The bytes a copy can take: the file plus what the WAL holds beside it."""
    wal = db_path.with_name(db_path.name + "-wal")
    return db_path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def make_backup(store: Store, folder: Path, progress: Progress = NO_PROGRESS,
                now: datetime | None = None) -> BackupResult:
    """Write a checked, encrypted backup and its key slots into `folder`."""
    require(store, BACKUP)
    folder = Path(folder)
    check_folder(folder, int(database_size(store.path) * _MARGIN) + _KEYS_ALLOWANCE)
    remove_stale_partials(folder)  # left by a backup cut off by a power cut or kill
    dest = _free_name(folder, now or datetime.now(UTC))
    result = write_backup(store.path, store.db_key, dest, progress)
    audit.record_for(store, "backup", TARGET_KIND, dest.name,
                     f"folder={folder}{_BYTES}{result.size}")
    return result


def write_backup(db_path: Path, key: bytes, dest: Path,
                 progress: Progress = NO_PROGRESS) -> BackupResult:
    """The copy itself, for callers that hold the key without a logged-in store (the
    copy kept before a restore). `dest` and its key file must not exist."""
    folder = dest.parent
    keys_dest = keyslot_path(dest)
    if dest.exists() or keys_dest.exists():
        raise BackupError("exists", f"{folder} 中已有同名备份 {dest.name}，请稍后再试。")
    partial = dest.with_name(dest.name + ".partial")
    keys_partial = keys_dest.with_name(keys_dest.name + ".partial")
    leftovers = [partial, keys_partial, _journal(partial)]
    renamed: list[Path] = []
    try:
        copy_pages(db_path, key, partial, progress.step)
        check = check_copy(partial, key)
        if not check.ok:
            # SQLCipher copies pages as they are when both sides share a key, so damage
            # in the database itself arrives in the copy: tell the two apart.
            if not check_copy(db_path, key).ok:
                raise damaged(f"无法备份：{DAMAGED_MESSAGE}", check.detail)
            raise damaged(f"写入 {folder} 的备份读回校验失败（U 盘可能有坏块）。"
                          "没有完成的文件已删除，原有数据未受影响。请换一个 U 盘再试。",
                          check.detail)
        fsync_file(partial)
        copy_file(keyslot_path(db_path), keys_partial)
        replace_retrying(keys_partial, keys_dest)
        renamed.append(keys_dest)
        if audit_anchor_path(db_path).exists():  # the audit chain's head travels along
            renamed.append(audit_anchor_path(dest))
            write_atomic(audit_anchor_path(dest), audit_anchor_path(db_path).read_bytes(),
                         private=True)
        replace_retrying(partial, dest)
        renamed.append(dest)
        fsync_dir(folder)
    except (Cancelled, BackupError):
        remove_quietly(*leftovers, *renamed)
        raise
    except BadInputError as err:  # from write_atomic: the message names the folder
        remove_quietly(*leftovers, *renamed)
        raise BackupError(IO_ERROR, err.message, err.detail) from None
    except Exception as err:
        remove_quietly(*leftovers, *renamed)
        if is_damage(err):
            raise damaged(f"无法备份：{DAMAGED_MESSAGE}", f"{type(err).__name__}") from None
        if isinstance(err, OSError | SQLiteError | FileFault):
            raise classify(err, folder) from None
        raise
    return BackupResult(dest, keys_dest, dest.stat().st_size, changes=Changes(backups=True))


def _journal(db_file: Path) -> Path:
    return db_file.with_name(db_file.name + "-journal")


def _free_name(folder: Path, when: datetime) -> Path:
    """Two backups in the same second get -2, -3 …: a backup never overwrites one."""
    base = backup_name(when)
    candidate = folder / base
    n = 2
    while candidate.exists() or keyslot_path(candidate).exists():
        candidate = folder / base.replace(".db", f"-{n}.db")
        n += 1
    return candidate


@dataclass(frozen=True)
class BackupStatus:
    last: datetime | None
    """When the last backup was written (UTC), or None if there never was one."""
    days: int | None
    due: bool
    every_days: int
    folder: str = ""
    """Where the last backup went, to offer the same folder again ("" after a restore)."""
    name: str = ""
    """The backup file written, or the one restored from."""
    size: int | None = None
    """Bytes of the last backup file; None after a restore."""
    restored: bool = False
    """The latest event was a restore, not a backup."""

    @property
    def message(self) -> str:
        if self.last is None:
            return f"还没有做过备份。请插入 U 盘，做第一次备份（建议每 {self.every_days} 天一次）。"
        when = f"{self.last.astimezone():%Y-%m-%d %H:%M}"
        if self.due:
            return (f"上次备份是 {self.days} 天前（{when}），已超过 {self.every_days} 天。"
                    "请插入 U 盘备份一次。")
        return f"上次备份：{when}（{self.days} 天前）。"


def backup_status(store: Store, every_days: int = DEFAULT_BACKUP_REMINDER_DAYS,
                  now: datetime | None = None) -> BackupStatus:
    """For the home screen's reminder: the last backup, how many days ago, and whether
    one is due. A restore counts as a backup at that moment (the data then is the
    backup's, which exists). Before the first student is on the roster nothing is due:
    a new school has nothing to lose, and a yellow bar on its first screen only
    confused. For those who may make one (the reminder is theirs)."""
    require(store, BACKUP)
    with store.read() as session:
        row = session.execute(
            select(AuditEvent.at, AuditEvent.action, AuditEvent.target_id,
                   AuditEvent.detail)
            .where(AuditEvent.action.in_(("backup", "restore")),
                   AuditEvent.target_kind == TARGET_KIND)
            .order_by(AuditEvent.id.desc()).limit(1)).first()
        detail = open_detail(session, row.detail) if row is not None else ""
        has_data = session.scalar(select(Student.id).limit(1)) is not None
    if row is None:
        return BackupStatus(None, None, has_data, every_days)
    last = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
    days = max(0, ((now or datetime.now(UTC)) - last).days)
    folder, size = _written(detail) if row.action == "backup" else ("", None)
    return BackupStatus(last, days, days >= every_days, every_days, folder,
                        str(row.target_id or ""), size, row.action == "restore")


def _written(detail: str) -> tuple[str, int | None]:
    """Folder and size from make_backup's "folder=<path>; bytes=<n>" (the folder may
    itself hold "; ", so the size is split off from the right)."""
    rest = detail.removeprefix("folder=")
    folder, sep, size = rest.rpartition(_BYTES)
    return (folder, int(size)) if sep and size.isdigit() else (rest, None)


def check_database(store: Store) -> str:
    """Read every page of the open database (HMAC and structure): the answer to "is
    my file sound?" before a term's export or after a power cut. Raises if damaged."""
    require(store, BACKUP)
    check = check_copy(store.path, store.db_key)
    if not check.ok:
        raise damaged(DAMAGED_MESSAGE, check.detail)
    size = database_size(store.path)
    return f"数据库完好：{size / 1024 / 1024:.1f} MB，每一页校验通过，结构检查通过。"
