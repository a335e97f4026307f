"""The school group report and every student's individual report of the newest
whole-school MHT campaign (MHT is the worst case: ten scales on each chart and table),
as the GUI and the CLI print them: statistics, PDF, file written, audit entries."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from app.services.reports.group import print_group_report
from app.services.reports.individual import print_individual_reports
from bench.context import Bench
from bench.table import Row, Target, timed


def group_report(bench: Bench) -> list[Row]:
    cid = bench.school.report_campaign
    with bench.store() as store, tempfile.TemporaryDirectory(dir=bench.work) as tmp:
        out = Path(tmp) / "group.pdf"
        printed = print_group_report(store, cid, "school", out)
        samples = timed(lambda: print_group_report(store, cid, "school", out), bench.runs)
    return [Row("group", f"school group report PDF, MHT, {printed.students:,} students",
                samples, target=Target(5.0))]


def individual_reports(bench: Bench) -> list[Row]:
    cid = bench.school.report_campaign
    with bench.store() as store, tempfile.TemporaryDirectory(dir=bench.work) as tmp:
        out = Path(tmp) / "individual.pdf"
        samples, students = [], 0
        for _ in range(bench.runs):
            start = time.perf_counter()
            students = print_individual_reports(store, cid, out).students
            samples.append(time.perf_counter() - start)
        mib = out.stat().st_size / 2**20
    return [Row("individual", f"{students:,} individual reports as one PDF ({mib:.1f} MiB)",
                tuple(samples), target=Target(60.0))]
