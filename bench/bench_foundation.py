"""Foundation benchmarks (issue: encrypted store, roster, shell).

    .venv/bin/python bench/bench_foundation.py [--runs 5]

Measures, as a user would see them, median of several runs:
- app start to login window (a fresh interpreter: imports, Qt, fonts, first window);
- unlock (Argon2id at the product's real cost + opening the encrypted database);
- roster import of 5,000 students from xlsx end to end (read, preview, write);
- student list filter per keystroke on 5,000 and 10,000 rows (the GUI's proxy model).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from make_roster import make_roster_xlsx  # noqa: E402

from app.services.auth import unlock  # noqa: E402
from app.services.roster import apply_roster_import, preview_roster_import  # noqa: E402
from app.services.setup import create_school  # noqa: E402

PASSWORD = "bench-password-1"

START_CHILD = textwrap.dedent("""
    import sys, time
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from app.ui.app import prepare_application
    from app.ui.shell import Shell
    from pathlib import Path
    app = QApplication(["qingxin"])
    prepare_application(app)
    shell = Shell(Path(sys.argv[1]))
    shell.start()
    def done():
        print(time.time(), flush=True)
        app.quit()
    QTimer.singleShot(0, done)
    app.exec()
""")


def median(fn: Callable[[], float], runs: int) -> float:
    return statistics.median(fn() for _ in range(runs))


def app_start(db: Path) -> float:
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", START_CHILD, str(db)], capture_output=True,
                         text=True, check=True, cwd=ROOT).stdout
    return float(out.strip().splitlines()[-1]) - t0


def unlock_once(db: Path) -> float:
    t0 = time.perf_counter()
    store = unlock(db, "admin", PASSWORD)
    elapsed = time.perf_counter() - t0
    store.close()
    return elapsed


def roster_import(workdir: Path, xlsx: Path, run: int) -> float:
    db = workdir / f"import-{run}" / "q.db"
    create_school(db, "基准测试学校", "admin", PASSWORD, top_grade=12)
    with unlock(db, "admin", PASSWORD) as store:
        t0 = time.perf_counter()
        preview = preview_roster_import(store, xlsx)
        apply_roster_import(store, preview)
        return time.perf_counter() - t0


def filter_per_keystroke(n: int) -> float:
    """Median time of one setFilter over a typed search, 'z' → 'zs' → … on n rows."""
    from PySide6.QtWidgets import QApplication

    from app.services.students import StudentRow
    from app.services.synthetic import synthetic_roster
    from app.ui.student_model import StudentFilterProxy, StudentTableModel, index_students

    QApplication.instance() or QApplication([])
    rows = [StudentRow(i, r.student_no, r.name, r.gender, r.birth_date, r.grade,
                       r.class_number, r.grade * 100 + r.class_number,
                       f"{r.grade}-{r.class_number}", "enrolled")
            for i, r in enumerate(synthetic_roster(n, grades=range(1, 13), seed=1))]
    model = StudentTableModel()
    model.set_students(index_students(rows))
    proxy = StudentFilterProxy(model)
    times = []
    for text in ("z", "zh", "zha", "zhan", "zhang", "w", "wa", "wan", "wang", "G2"):
        t0 = time.perf_counter()
        proxy.set_filter(text, None, None)
        proxy.rowCount()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = work / "main" / "q.db"
        create_school(db, "基准测试学校", "admin", PASSWORD)
        xlsx = work / "roster5000.xlsx"
        make_roster_xlsx(xlsx, n_students=5000, seed=0)
        results = [
            ("app start to login window", median(lambda: app_start(db), args.runs), 1.5),
            ("unlock (Argon2id + open)", median(lambda: unlock_once(db), args.runs), 1.0),
            ("roster import 5,000 from xlsx",
             statistics.median(roster_import(work, xlsx, i) for i in range(args.runs)), 3.0),
            ("filter per keystroke, 5,000 rows",
             median(lambda: filter_per_keystroke(5000), 3), 0.030),
            ("filter per keystroke, 10,000 rows",
             median(lambda: filter_per_keystroke(10000), 3), 0.030),
        ]
    print("| measure | target | median | result |\n|---|---|---|---|")
    for name, value, target in results:
        verdict = "pass" if value <= target else "FAIL"
        print(f"| {name} | < {_fmt(target)} | {_fmt(value)} | {verdict} |")


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


if __name__ == "__main__":
    main()
