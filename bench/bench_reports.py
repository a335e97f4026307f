"""Reports for a school of 3,000: the school group report (target < 5 s) and 3,000
individual reports as one PDF (target < 60 s); also the district export preview.

    .venv/bin/python bench/bench_reports.py [--students 3000] [--runs 3]

Builds an encrypted school (synthetic roster, grades 7-9) with an MHT and a PHQ-9
campaign for everyone (MHT is the worst case for individual reports: ten scales on the
chart and in the table), made through the same services as real use. Times the calls
the GUI and the CLI make, audit entries and file writing included: `print_group_report`
(median of `--runs`), `print_individual_reports` for the whole campaign (one run each),
and `preview_export` for the term. Exits 1 if a target is missed, so CI can run it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.deployment import Deployment  # noqa: E402
from app.instruments import load_instrument, score  # noqa: E402
from app.reports.group import print_group_report  # noqa: E402
from app.reports.individual import print_individual_reports  # noqa: E402
from app.services.auth import unlock  # noqa: E402
from app.services.campaigns import create_campaign  # noqa: E402
from app.services.district_export import preview_export  # noqa: E402
from app.services.roster import RosterPreview, apply_roster_import  # noqa: E402
from app.services.screening_import import (  # noqa: E402
    ScreeningPreview,
    SheetMatch,
    apply_screening_import,
)
from app.services.setup import create_school  # noqa: E402
from app.services.students import list_students  # noqa: E402
from app.services.synthetic import synthetic_answers, synthetic_roster  # noqa: E402
from app.store.handle import Store  # noqa: E402

GROUP_TARGET, INDIVIDUAL_TARGET = 5.0, 60.0
PASSWORD = "bench-password-1"


def _campaign(store: Store, name: str, code: str, seed: int) -> int:
    students = list_students(store)
    campaign = create_campaign(store, name, code, starts_on=date.today())
    instrument = load_instrument(code)
    values = synthetic_answers(instrument, len(students), seed)
    apply_screening_import(store, ScreeningPreview(
        campaign_id=campaign.id, instrument_code=code, file_name="bench", layout="grid",
        matches=[SheetMatch(i + 2, "matched", s.id, s.student_no)
                 for i, s in enumerate(students)],
        result=score(instrument, values), answers=values,
        taken_at=[datetime.now()] * len(students), date_source=["submitted"] * len(students)))
    return campaign.id


def timed(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        create_school(db, "基准测试中学", "admin", PASSWORD, school_code="BENCH0001")
        with unlock(db, "admin", PASSWORD) as store:
            apply_roster_import(store, RosterPreview(file_name="bench", rows=synthetic_roster(
                args.students, seed=11)))
            mht = _campaign(store, "基准 MHT", "mht", 1)
            phq = _campaign(store, "基准 PHQ-9", "phq9", 2)
            print(f"{args.students} students; MHT and PHQ-9 for everyone")
            ok = True
            for name, cid in (("MHT", mht), ("PHQ-9", phq)):
                t = timed(lambda c=cid: print_group_report(store, c, "school",
                                                           Path(tmp) / "g.pdf"), args.runs)
                ok &= t < GROUP_TARGET
                print(f"  school group report {name:6s} {t:6.2f} s  "
                      f"({'ok' if t < GROUP_TARGET else 'MISSES TARGET'}, < {GROUP_TARGET:.0f} s)")
            for name, cid in (("MHT", mht), ("PHQ-9", phq)):
                out = Path(tmp) / f"{name}.pdf"
                t = timed(lambda c=cid, o=out: print_individual_reports(store, c, o), 1)
                ok &= t < INDIVIDUAL_TARGET
                print(f"  individual reports  {name:6s} {t:6.2f} s  "
                      f"({'ok' if t < INDIVIDUAL_TARGET else 'MISSES TARGET'}, "
                      f"< {INDIVIDUAL_TARGET:.0f} s)  {out.stat().st_size / 2**20:.1f} MiB")
            period = f"{date.today().year if date.today().month >= 9 else date.today().year - 1}"
            period = f"{period}-{int(period) + 1}-1"
            t = timed(lambda: preview_export(store, period, Deployment(school_code="BENCH0001")),
                      args.runs)
            print(f"  district export preview  {t:6.2f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
