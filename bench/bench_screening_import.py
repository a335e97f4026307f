"""Screening import end to end, as a teacher runs it: 3,000 MHT sheets from a 问卷星-style
xlsx → read, score, match to the roster, store (one transaction).

    .venv/bin/python bench/bench_screening_import.py [--runs 5]

Target (issue: instruments and campaigns): under 3 s end to end; the ratio of the whole
import to the Excel reader alone on the same file is reported (target ≤ 1.5 for the
read+parse+score part, measured by bench_scoring.py; here matching and storing are in).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.instruments.tables import read_grid
from app.services.auth import unlock
from app.services.campaigns import create_campaign
from app.services.roster import RosterPreview, apply_roster_import
from app.services.screening_import import (
    apply_screening_import,
    preview_screening_import,
)
from app.services.setup import create_school
from app.services.students import list_students
from app.services.synthetic import synthetic_roster

PASSWORD = "bench-password-1"


def write_wjx(path: Path, students: list, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    tendency = rng.beta(2, 5, size=(len(students), 1))
    yes = rng.random((len(students), 100)) < tendency
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    ws.append(["序号", "提交答卷时间", "所用时间", "来源", "学籍号", "姓名", "班级",
               *[f"{i}、第{i}题" for i in range(1, 101)]])
    for r, s in enumerate(students):
        ws.append([r + 1, f"2026/10/{1 + r % 28} 10:{r % 60:02d}:00", "300秒", "微信",
                   s.student_no, s.name, s.class_name,
                   *np.where(yes[r], "是", "不是").tolist()])
    wb.save(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--students", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "q.db"
        create_school(db, "基准测试学校", "admin", PASSWORD)
        with unlock(db, "admin", PASSWORD) as store:
            apply_roster_import(store, RosterPreview(
                file_name="bench", rows=synthetic_roster(args.students, seed=3)))
            students = list_students(store)
            xlsx = Path(tmp) / "mht.xlsx"
            write_wjx(xlsx, students)
            whole, reader = [], []
            for run in range(args.runs):
                campaign = create_campaign(store, f"MHT {run}", "mht")
                t0 = time.perf_counter()
                read_grid(xlsx)
                reader.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                preview = preview_screening_import(store, campaign.id, xlsx)
                apply_screening_import(store, preview)
                whole.append(time.perf_counter() - t0)
            written = sum(preview.counts()[k] for k in ("matched", "replaces"))
    w, r = statistics.median(whole), statistics.median(reader)
    print(f"{len(students)} MHT sheets, median of {args.runs}: reader alone {r:.3f} s; "
          f"import end to end (read, score, match, store) {w:.3f} s "
          f"({'pass' if w < 3 else 'FAIL'}, target < 3 s); ratio {w / r:.2f}; "
          f"{written} stored per run")


if __name__ == "__main__":
    main()
