"""Backup, check and restore of the ten-year database, and its size on disk.

The backup goes to another folder on the same disk (page copy, full read-back check,
fsync); on a USB stick its write speed decides. Restore unlocks the backup's key slot
(Argon2id), copies it in, checks it, keeps the current files and swaps.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from app.services.backup import check_database, make_backup
from app.services.restore import Secret, restore_backup
from bench.context import Bench
from bench.school import PASSWORD
from bench.table import Row, Target, timed

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


def database_size(bench: Bench) -> list[Row]:
    """As generated, after the last connection closed (WAL checkpointed), key file in."""
    total = sum(bench.school.size_bytes.values()) / MB
    return [Row("size", f"database size after 10 years (database + WAL + key slots; "
                        f"{bench.school.counts['audit_event']:,} audit events)",
                (total,), "MB", Target(150.0))]
