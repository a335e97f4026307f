"""Backup, integrity check and restore of a demo school, median of N runs.

    .venv/bin/python bench/bench_backup.py [--students 3000] [--runs 3]

The demo school (synthetic roster and a term of work, full-cost Argon2id) is backed up
to another folder on the same disk (page copy, full read-back check, fsync), checked
page by page (`check_database`) and restored from the backup (Argon2id unlock of the
backup's key slot, copy in, check, keep the current files, swap, audit). A USB stick's
write speed, not the program, bounds these on a real stick.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.services.auth import unlock
from app.services.backup import check_database, database_size, make_backup
from app.services.demo import DEMO_PASSWORD, create_demo
from app.services.restore import Secret, restore_backup


def median_of(runs: int, fn: Callable[[int], object]) -> float:
    times = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="qingxin-bench-backup-"))
    try:
        db = tmp / "school" / "qingxin.db"
        create_demo(db, students=args.students)
        made = []
        with unlock(db, "admin", DEMO_PASSWORD) as store:
            size = database_size(db) / 1048576

            def backup(i: int) -> None:
                folder = tmp / f"usb{i}"
                folder.mkdir()
                made.append(make_backup(store, folder).path)

            t_backup = median_of(args.runs, backup)
            t_check = median_of(args.runs, lambda _i: check_database(store))
        t_restore = median_of(args.runs, lambda _i: restore_backup(
            db, made[-1], Secret("admin", DEMO_PASSWORD)))
        print(f"database {size:.1f} MB ({args.students} students, demo term)")
        print(f"backup   {t_backup:.2f} s")
        print(f"check    {t_check:.2f} s")
        print(f"restore  {t_restore:.2f} s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
