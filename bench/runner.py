"""`python -m bench`: every main job measured end to end on the ten-year school, as one
table of target, median, spread, runs and pass/fail.

    python -m bench                        # 3,000 students, 3 runs of each job
    python -m bench --students 10000 --only filter,size,memory
    python -m bench --markdown             # the table for docs/PERFORMANCE.md
    python -m bench --smoke                # tiny sizes, one run, no verdicts (CI)
    python -m bench soak --minutes 10 --seed 3   # the soak test (bench/soak.py)

The school is generated once into `--work` (default .bench/ in the repository, which git
ignores) and reused while its parameters match; each job runs on a fresh copy of it. Figures
taken while other work runs on the machine are inflated: the load average is printed
before and after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from app.paths import keyslot_path
from bench import machine
from bench.context import ROOT, Bench
from bench.jobs_casefile import home, student_file
from bench.jobs_export import district_aggregate, district_export, seal_50mb
from bench.jobs_foundation import app_start, filter_keystroke, roster_import, unlock_time
from bench.jobs_gui import gui
from bench.jobs_reports import group_report, individual_reports
from bench.jobs_screening import screening
from bench.jobs_store import backup, database_size, rekey
from bench.school import School, SchoolSpec, school_for
from bench.table import Row, markdown, text_table

JOBS: dict[str, Callable[[Bench], list[Row]]] = {
    "size": database_size, "start": app_start, "unlock": unlock_time,
    "roster": roster_import, "screening": screening, "filter": filter_keystroke,
    "file": student_file, "home": home, "group": group_report,
    "individual": individual_reports, "export": district_export,
    "aggregate": district_aggregate, "seal": seal_50mb,
    "backup": backup, "rekey": rekey, "memory": gui,
}
#: Jobs that do not open the database; every other job gets its own fresh copy, so what
#: one job writes (a campaign imported, audit events) never changes another's figure.
READ_ONLY = {"size", "seal"}
SMOKE_STUDENTS = 60


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split(
        "\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=None,
                        help="students in school at a time, 60–10000 (default 3000)")
    parser.add_argument("--runs", type=int, default=None, help="runs of each job (default 3)")
    parser.add_argument("--only", default="", help="jobs to run, comma-separated: "
                        + ",".join(JOBS))
    parser.add_argument("--smoke", action="store_true",
                        help=f"{SMOKE_STUDENTS} students, small files, one run, no verdicts")
    parser.add_argument("--markdown", action="store_true", help="print the table as markdown")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder for the cached school (default .bench/; a temporary "
                             "folder with --smoke)")
    parser.add_argument("--rebuild", action="store_true", help="generate the school again")
    args = parser.parse_args(argv)
    args.students = args.students or (SMOKE_STUDENTS if args.smoke else 3000)
    args.runs = args.runs or (1 if args.smoke else 3)
    if not SMOKE_STUDENTS <= args.students <= 10_000:
        parser.error(f"--students must be between {SMOKE_STUDENTS} and 10000")
    args.jobs = [j.strip() for j in args.only.split(",") if j.strip()] or list(JOBS)
    unknown = set(args.jobs) - set(JOBS)
    if unknown:
        parser.error(f"unknown jobs: {', '.join(sorted(unknown))}; known: {', '.join(JOBS)}")
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["soak"]:
        from bench.soak import main as soak

        return soak(argv[1:])
    args = parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # the filter job's models
    with tempfile.TemporaryDirectory(prefix="qingxin-bench-") as tmp:
        work = args.work or (Path(tmp) if args.smoke else ROOT / ".bench")
        return run(args, work.resolve())


def run(args: argparse.Namespace, work: Path) -> int:
    work.mkdir(parents=True, exist_ok=True)
    print(f"python -m bench {' '.join(sys.argv[1:])}".rstrip(), flush=True)
    described = machine.describe()
    school, fresh = school_for(work, SchoolSpec(students=args.students), rebuild=args.rebuild)
    summary = describe_school(school, fresh)
    rows: list[Row] = []
    for job in args.jobs:
        t0 = time.perf_counter()
        copy = school.db if job in READ_ONLY else working_copy(school, work / "run")
        done = JOBS[job](Bench(school, copy, work, args.runs, args.smoke))
        rows += done
        print(f"  [{job}] {time.perf_counter() - t0:.1f} s: "
              + "; ".join(f"{r.name[:40]} {r.cells(False)[2]}" for r in done),
              file=sys.stderr, flush=True)
    judge = not args.smoke
    header = [f"- {line}" for line in described]
    header.append(f"- Load average at the end: {machine.load()}")
    print("\n".join(["", "Machine:", *header, "", *summary, ""]))
    print(markdown(rows, judge) if args.markdown else text_table(rows, judge))
    return 1 if any(r.result(judge) == "FAIL" for r in rows) else 0


def working_copy(school: School, folder: Path) -> Path:
    """A fresh copy of the school's files for the jobs to write to."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    db = folder / school.db.name
    for source, target in ((school.db, db), (keyslot_path(school.db), keyslot_path(db))):
        shutil.copyfile(source, target)
    return db


def describe_school(school: School, fresh: bool) -> list[str]:
    c = school.counts
    how = (f"generated in {school.built_seconds:.0f} s" if fresh
           else f"reused from {school.folder}, generated {school.as_of} in "
                f"{school.built_seconds:.0f} s")
    lines = [f"School ({how}): {c['student_enrolled']:,} students now, {c['student']:,} over "
             f"ten years; {c['campaign']} screenings, {c['screening_result']:,} results; "
             f"{c['counselling_record']:,} counselling records, {c['level_decision']:,} "
             f"level decisions, {c['follow_up']:,} follow-up rows, {c['care_plan']:,} plan "
             f"versions, {c['plan_review']:,} plan reviews, {c['reported_signal']:,} signals, "
             f"{c['risk_factor']:,} risk factors, {c['referral']} referrals "
             f"({c['referral_step']} steps), {c['audit_event']:,} audit events.",
             "Band and warning rates of the stored results (% of sheets):"]
    for code, rates in school.rates.items():
        parts = [f"{k} {v:g}" for k, v in rates.items() if k != "sheets" and v]
        lines.append(f"- {code} ({rates['sheets']:,.0f} sheets): " + ", ".join(parts))
    return lines
