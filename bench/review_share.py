"""`python -m bench.review_share`: the share of screened students the default warning
rules suggest for review, on the demo school and on the bench's ten-year school.

DESIGN.md's triage target: at most 20 % of a school whose bands follow published rates
gets any suggestion above 无, while every critical answer and every valid sheet in a band
that suggests 重点关注 gets at least that. The figures go into docs/PERFORMANCE.md.
Read from the stored results (`screening_result.suggested_level`, the scores document),
i.e. what the review queue is built from.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.instruments import load_instrument
from app.instruments.model import Instrument
from app.instruments.warning import CODES_BY_SEVERITY, WarningLevel
from app.models import ScreeningResult
from app.services.accounts.auth import unlock
from app.services.demo.school import DEMO_PASSWORD, create_demo

ROOT = Path(__file__).resolve().parent.parent


def review_shares(session: Session, since: date | None = None) -> dict[str, Counter[str]]:
    """Per instrument: sheets, sheets per suggested level, critical sheets and those not
    suggested, valid sheets in a 重点关注 band (not reached by proration) and those
    suggested less; under "students", each student screened (since `since`) once, with
    the most severe suggestion any of their sheets got."""
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    instruments: dict[str, Instrument] = {}
    query = select(ScreeningResult.instrument_code, ScreeningResult.suggested_level,
                   ScreeningResult.critical_items, ScreeningResult.valid,
                   ScreeningResult.scores, ScreeningResult.student_id,
                   ScreeningResult.campaign_id)
    if since is not None:
        query = query.where(ScreeningResult.taken_at >= since)
    worst: dict[int, int] = {}
    campaigns: dict[int, tuple[str, Counter[str]]] = {}
    for code, level, critical, valid, scores, student, campaign in session.execute(query):
        worst[student] = max(worst.get(student, 0), WarningLevel(level).severity)
        queue = campaigns.setdefault(campaign, (code, Counter()))[1]
        queue["sheets"] += 1
        queue["suggested"] += level != "none"
        instrument = instruments.setdefault(code, load_instrument(code))
        c = tally[code]
        c["sheets"] += 1
        c[level] += 1
        if critical:
            c["critical"] += 1
            c["critical not suggested"] += level == "none"
        if valid and _key_band(instrument, json.loads(scores)):
            c["key band"] += 1
            c["key band below key"] += level not in ("key", "crisis")
    for code, queue in campaigns.values():
        share = round(100_000 * queue["suggested"] / queue["sheets"])  # thousandths of %
        tally[code]["largest screening"] = max(tally[code]["largest screening"], share)
    students = tally["students"]
    for severity in worst.values():
        students["sheets"] += 1
        students[CODES_BY_SEVERITY[severity]] += 1
    return tally


def _key_band(instrument: Instrument, document: dict) -> bool:
    cut = set(document.get("prorated_cut") or ())
    for unit in instrument.units:
        band = next((b for b in unit.bands if b.code == document["bands"].get(unit.code)), None)
        if band is not None and band.warning.severity >= 2 and unit.code not in cut:
            return True
    return False


def table(title: str, tally: dict[str, Counter[str]], per_student: bool = True) -> str:
    """A markdown table; `per_student` adds the row of students with any suggestion
    (meaningful for one term or year, not for ten years of screenings)."""
    lines = [f"{title}", "| instrument | sheets | suggested above 无 | largest single screening "
             "| general | key | crisis | critical answers (not suggested) "
             "| valid sheets in a key band (suggested less) |",
             "|---|---|---|---|---|---|---|---|---|"]
    shown = sorted((kv for kv in tally.items() if per_student or kv[0] != "students"),
                   key=lambda kv: (kv[0] == "students", kv[0]))
    for code, c in shown:
        n = c["sheets"]
        above = n - c["none"]
        lines.append(
            f"| {code} | {n:,} | {above:,} ({100 * above / n:.1f} %) "
            f"| {c['largest screening'] / 1000:.1f} % | {c['general']:,} "
            f"| {c['key']:,} | {c['crisis']:,} | {c['critical']:,} "
            f"({c['critical not suggested']}) | {c['key band']:,} ({c['key band below key']}) |"
            if code != "students" else
            f"| any instrument, per student | {n:,} | {above:,} ({100 * above / n:.1f} %) | "
            f"| {c['general']:,} | {c['key']:,} | {c['crisis']:,} | | |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench-students", type=int, default=3000)
    parser.add_argument("--skip-bench", action="store_true",
                        help="only the demo school (the bench school takes minutes to build)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        create_demo(db)
        with unlock(db, "admin", DEMO_PASSWORD) as store, store.read() as session:
            print(table("Demo school (1,200 students; PHQ-9 whole school, MHT grade 7)",
                        review_shares(session)))
    if not args.skip_bench:
        from bench.school import PASSWORD, SchoolSpec, school_for

        school, _ = school_for(ROOT / ".bench", SchoolSpec(students=args.bench_students,
                                                           today=date.today()))
        with unlock(school.db, "admin", PASSWORD) as store, store.read() as session:
            print()
            print(table(f"Bench school ({args.bench_students:,} students, ten years)",
                        review_shares(session), per_student=False))
            as_of = date.fromisoformat(school.as_of)
            since = as_of.replace(year=as_of.year - 1)
            print()
            print(table(f"Bench school, the last twelve months (since {since}: two "
                        "screenings each student)", review_shares(session, since)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
