"""The GUI process with the ten-year database open: peak memory, and the file window as
a user waits for it (bench/gui_driver.py runs in a fresh interpreter each run)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bench.context import ROOT, Bench
from bench.school import PASSWORD
from bench.table import Row, Target

MB = 1_000_000


def gui(bench: Bench) -> list[Row]:
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen", "QINGXIN_PASSWORD": PASSWORD}
    runs = []
    for _ in range(bench.runs):
        out = subprocess.run([sys.executable, "-m", "bench.gui_driver", str(bench.db),
                              str(bench.school.long_file_student)], check=True,
                             capture_output=True, text=True, cwd=ROOT, env=env).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    students = runs[0]["students"]
    return [Row("memory", f"GUI peak memory (RSS): signed in, {students:,} students listed, "
                          "the 10-year file open on every tab",
                tuple(r["peak_rss"] / MB for r in runs), "MB", Target(400.0)),
            Row("memory", "GUI resident memory at the end (the peak is sign-in's Argon2id, "
                          "128 MiB)", tuple(r["rss"] / MB for r in runs), "MB"),
            Row("memory", "GUI: sign in (Argon2id on a worker) to the home page and every "
                          "list loaded",
                tuple(r["home_s"] for r in runs)),
            Row("memory", "GUI: the 10-year file window, double-click to first tab painted",
                tuple(r["file_s"] for r in runs), target=Target(0.2))]
