"""Backup, check and restore of the ten-year database, re-keying it, and its size on disk.

The backup goes to another folder on the same disk (page copy, full read-back check,
fsync); on a USB stick its write speed decides. Restore unlocks the backup's key slot
(Argon2id), copies it in, checks it, keeps the current files and swaps.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from app.services.accounts.users import create_user, set_user_active
from app.services.classes import list_classes
from app.services.maintenance.backup import check_database, make_backup
from app.services.maintenance.restore import Secret, restore_backup
from bench.context import Bench
from bench.school import PASSWORD
from bench.table import Row, Target, seconds, timed

MB = 1_000_000


def backup(bench: Bench) -> list[Row]:
    made, restored = [], []
    with tempfile.TemporaryDirectory(dir=bench.work) as tmp:
        with bench.store() as store:
            for run in range(bench.runs):
                folder = Path(tmp) / f"usb{run}"
                folder.mkdir()
                start = time.perf_counter()
                result = make_backup(store, folder)
                made.append(time.perf_counter() - start)
            checked = timed(lambda: check_database(store), bench.runs)
        size = result.size / MB
        for _ in range(bench.runs):
            start = time.perf_counter()
            done = restore_backup(bench.db, result.path, Secret("admin", PASSWORD))
            restored.append(time.perf_counter() - start)
            if done.kept is not None:
                shutil.rmtree(done.kept.parent, ignore_errors=True)
    return [Row("backup", f"backup of the 10-year database ({size:.0f} MB, checked, fsynced)",
                tuple(made)),
            Row("backup", "check the database (every page's HMAC and structure)", checked),
            Row("backup", "restore from that backup (unlock, copy, check, swap, audit)",
                tuple(restored))]


def rekey(bench: Bench) -> list[Row]:
    """Deactivating an account re-encrypts the database under a new key (SQLite backup
    API between two keys, read-back check, swap). A class teacher leaving changes only the
    database key; a counsellor leaving also replaces the staff key, so every sealed value
    is opened and sealed again in the same transaction."""
    teacher, counsellor = [], []
    with bench.store() as store:
        class_id = list_classes(store)[0].id
        for run in range(bench.runs):
            create_user(store, f"bz{run}", "班主任", "class_teacher", PASSWORD, class_id)
            create_user(store, f"xl{run}", "心理教师", "counselor", PASSWORD)
            teacher.append(seconds(lambda r=run: set_user_active(store, f"bz{r}", False)))
            counsellor.append(seconds(lambda r=run: set_user_active(store, f"xl{r}", False)))
    return [Row("rekey", "remove a class teacher: re-key the 10-year database", tuple(teacher)),
            Row("rekey", "remove a counsellor: re-key and re-seal under a new staff key",
                tuple(counsellor))]


def database_size(bench: Bench) -> list[Row]:
    """As generated, after the last connection closed (WAL checkpointed), key file in."""
    total = sum(bench.school.size_bytes.values()) / MB
    return [Row("size", f"database size after 10 years (database + WAL + key slots; "
                        f"{bench.school.counts['audit_event']:,} audit events)",
                (total,), "MB", Target(150.0))]
