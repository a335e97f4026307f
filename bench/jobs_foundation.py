"""App start to the login window, unlock, roster import and the student list filter."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

from app.services.accounts.auth import unlock
from app.services.demo.synthetic import synthetic_name
from app.services.roster.importing import apply_roster_import, preview_roster_import
from app.services.setup import create_school
from app.services.students import StudentRow, list_students
from bench.context import ROOT, Bench
from bench.make_roster import make_roster_xlsx
from bench.school import PASSWORD
from bench.table import Row, Target, seconds, timed

#: What `qingxin gui --db DB` does before the login window shows (`launch`), in a fresh
#: interpreter; the child prints the wall-clock time once the event loop has shown it.
START_CHILD = textwrap.dedent("""
    import sys, time
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from app.ui.app import launch
    shell = launch(["--db", sys.argv[1]])
    def done():
        print(time.time(), flush=True)
        QApplication.quit()
    QTimer.singleShot(0, done)
    QApplication.exec()
""")

#: What a teacher types into the search box, one keystroke at a time.
KEYSTROKES = ("z", "zh", "zha", "zhan", "zhang", "w", "wa", "wan", "wang", "G2")


def app_start(bench: Bench) -> list[Row]:
    """Fresh interpreters, as a teacher or a script starts the program: the login window,
    the command line's --version and --help, and a bare interpreter for scale (on a busy
    machine every row grows; the bare one says by how much). Run in turns, so a busy
    moment hits every row alike."""
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen"}

    def login_window() -> float:
        t0 = time.time()
        out = subprocess.run([sys.executable, "-c", START_CHILD, str(bench.db)], check=True,
                             capture_output=True, text=True, cwd=ROOT, env=env).stdout
        return float(out.strip().splitlines()[-1]) - t0

    def command(*args: str) -> Callable[[], float]:
        return lambda: seconds(lambda: subprocess.run(
            [sys.executable, *args], check=True, capture_output=True, cwd=ROOT, env=env))

    jobs = [login_window, command("-m", "app", "--version"), command("-m", "app", "--help"),
            command("-c", "pass")]
    window, version, help_, bare = zip(*[[job() for job in jobs]
                                         for _ in range(bench.runs)], strict=True)
    return [Row("start", "app start to login window (fresh interpreter: imports, Qt, font, "
                         "deployment, window)", window, target=Target(0.5)),
            Row("start", "`qingxin --version` (fresh interpreter)", version, target=Target(0.3)),
            Row("start", "`qingxin --help` (fresh interpreter)", help_, target=Target(0.3)),
            Row("start", "bare interpreter (`python -c pass`), for scale", bare)]


def unlock_time(bench: Bench) -> list[Row]:
    """Argon2id at the product's cost, then SQLCipher, the schema check and the audit."""
    def once() -> None:
        unlock(bench.db, "admin", PASSWORD).close()

    return [Row("unlock", "unlock: Argon2id + open the 10-year database",
                timed(once, bench.runs), target=Target(1.0))]


def roster_import(bench: Bench) -> list[Row]:
    """A new school's roster from xlsx, end to end: read, preview, write."""
    n = bench.size(5000, 200)
    samples = []
    with tempfile.TemporaryDirectory(dir=bench.work) as tmp:
        xlsx = Path(tmp) / "roster.xlsx"
        make_roster_xlsx(xlsx, n_students=n, seed=0, grades=range(7, 13))
        for run in range(bench.runs):
            db = Path(tmp) / f"import-{run}" / "qingxin.db"
            create_school(db, "名册导入测试学校", "admin", PASSWORD, top_grade=12)
            with unlock(db, "admin", PASSWORD) as store:
                samples.append(seconds(lambda s=store: apply_roster_import(
                    s, preview_roster_import(s, xlsx))))
    return [Row("roster", f"roster import, {n:,} students from xlsx (read, preview, write)",
                tuple(samples), target=Target(3.0))]


def filter_keystroke(bench: Bench) -> list[Row]:
    """The student list's proxy model, as the search box drives it: the school's own
    list from the database, and 10,000 synthetic rows (the 5,000-row target applies)."""
    from PySide6.QtWidgets import QApplication

    from app.ui.student_model import StudentFilterProxy, StudentTableModel, index_students

    QApplication.instance() or QApplication(["bench"])
    with unlock(bench.db, "admin", PASSWORD) as store:
        school = list_students(store)
    n = bench.size(10_000, 1000)
    rng = random.Random(1)
    synthetic = [StudentRow(i, f"G{i:09d}", synthetic_name(rng), "MF"[i % 2], None,
                            7 + i % 6, 1 + i // 6 % 22, 100 + i % 132, f"{7 + i % 6}-{i % 22}",
                            "enrolled") for i in range(n)]
    rows = []
    for rows_in, label in ((school, f"the school's list, {len(school):,} students"),
                           (synthetic, f"{n:,} students")):
        model = StudentTableModel()
        model.set_students(index_students(rows_in))
        proxy = StudentFilterProxy(model)

        def typed(p: StudentFilterProxy = proxy) -> float:
            times = []
            for text in KEYSTROKES:
                times.append(seconds(lambda t=text: (p.set_filter(t, None, None),
                                                     p.rowCount())))
            return sorted(times)[len(times) // 2]

        rows.append(Row("filter", f"student list filter per keystroke, {label}",
                        tuple(typed() for _ in range(bench.runs)), target=Target(0.030)))
    return rows
