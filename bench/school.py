"""The benchmark's school: N students in grades 7–12 (完全中学) through ten school years,
built once into an encrypted database under the bench work folder and reused while
its parameters match (`school_for`).

Each school year: the graduates leave (their open follow-ups withdrawn), the real
promotion moves every class up, the new grade 7 comes in through the real roster
import (N/6 students), and a few of them bring risk factors. Two whole-school
screenings a year, autumn (MHT and MSSMHS in turn) and spring (PHQ-9 and GAD-7 in
turn), are created and imported through the real services: 96 % take part (a quarter
of the absent on leave), answers from `calibrated_answers` on a strain each student
keeps from one screening to the next (a lasting trait plus a state that drifts).
Between screenings the counselling room works (casework.py: reviews, decisions,
follow-ups, sessions, plans, signals; referrals.py: referrals through the services).
One current student gets a ten-year file (long_file.py). Screenings dated after today
are left out, so the newest term is the current one; the school is rebuilt when a
new screening date passes, and when the code that decides what is stored changes
(`STORAGE_CODE`).
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import sys
import time as clock
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import update

from app.instruments import load_instrument, score
from app.models import ScreeningResult
from app.services.accounts.auth import unlock
from app.services.accounts.users import create_user
from app.services.demo.synthetic import calibrated_answers, synthetic_roster
from app.services.roster.importing import (
    RosterPreview,
    apply_promotion,
    apply_roster_import,
    preview_promotion,
)
from app.services.screening.campaigns import create_campaign
from app.services.screening.entry import mark_participation
from app.services.screening.importing import ScreeningPreview, SheetMatch, apply_screening_import
from app.services.setup import create_school, school_year_start
from app.services.students import StudentRow, list_students
from app.store.handle import Store
from bench.casework import Casework
from bench.long_file import plant_records, plant_referrals
from bench.referrals import run_referral
from bench.rows import Rows
from bench.school_stats import counts, file_sizes, most_records, rates

PASSWORD = "bench-password-1"
COUNSELLOR = "xinli"
SCHOOL_CODE = "BENCH0001"
GRADES = range(7, 13)
#: Bump when the generator makes something different, so cached schools are rebuilt.
FORMAT = 2


@dataclass(frozen=True)
class Screening:
    school_year: int
    term: int
    code: str
    starts_on: date

    @property
    def ends_on(self) -> date:
        return self.starts_on + timedelta(days=6)

    @property
    def name(self) -> str:
        season = "秋季" if self.term == 1 else "春季"
        short = {"mht": "MHT", "mssmhs": "MSSMHS", "phq9": "PHQ-9", "gad7": "GAD-7"}[self.code]
        return f"{self.school_year}-{self.school_year + 1}学年{season} {short} 全校筛查"


@dataclass(frozen=True)
class SchoolSpec:
    students: int = 3000
    seed: int = 7
    years: int = 10
    today: date = field(default_factory=date.today)

    @property
    def last_year(self) -> int:
        return school_year_start(self.today)

    @property
    def first_year(self) -> int:
        return self.last_year - self.years + 1

    def screenings(self) -> list[Screening]:
        """Both screenings of every year, the newest autumn one an MHT, up to today."""
        last_autumn = self.last_year if date(self.last_year, 10, 19) < self.today \
            else self.last_year - 1
        plans = []
        for year in range(self.first_year, self.last_year + 1):
            even = (last_autumn - year) % 2 == 0
            plans += [Screening(year, 1, "mht" if even else "mssmhs", date(year, 10, 12)),
                      Screening(year, 2, "phq9" if even else "gad7", date(year + 1, 3, 8))]
        return [p for p in plans if p.ends_on < self.today]

    def key(self) -> dict[str, object]:
        return {"format": FORMAT, "students": self.students, "seed": self.seed,
                "years": self.years, "first_year": self.first_year,
                "screenings": len(self.screenings()), "app": storage_fingerprint()}


#: The code that decides what the database holds and how: a change here (a column, how
#: a result is stored, the audit chain) makes the cached school stale.
STORAGE_CODE = ("app/models", "app/store/migrations", "app/instruments",
                "app/services/screening/importing.py", "app/services/screening/rows.py",
                "app/services/audit.py", "app/services/casefile/entries.py")


def storage_fingerprint() -> str:
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for entry in STORAGE_CODE:
        path = root / entry
        for file in sorted(path.rglob("*.py") if path.is_dir() else [path]):
            if file.exists():
                digest.update(file.relative_to(root).as_posix().encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class School:
    """What the runner needs to know of a built school (kept in manifest.json)."""

    folder: str
    key: dict[str, object]
    built_seconds: float
    as_of: str
    long_file_student: int
    report_campaign: int
    period: str
    counts: dict[str, int]
    rates: dict[str, dict[str, float]]
    size_bytes: dict[str, int]

    @property
    def db(self) -> Path:
        return Path(self.folder) / "qingxin.db"


def school_for(work: Path, spec: SchoolSpec, rebuild: bool = False) -> tuple[School, bool]:
    """The cached school for `spec` under `work`, built first if missing or stale; and
    whether it was built now."""
    folder = work / f"school-{spec.students}-s{spec.seed}"
    manifest = folder / "manifest.json"
    if manifest.exists() and not rebuild:
        cached = School(**json.loads(manifest.read_text("utf-8")))
        if cached.key == spec.key() and cached.db.exists():
            return cached, False
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = clock.perf_counter()
    db = folder / "qingxin.db"
    long_file, report_campaign, period = _build(db, spec)
    with unlock(db, "admin", PASSWORD) as store, store.read() as session:
        school = School(str(folder), spec.key(), round(clock.perf_counter() - started, 1),
                        spec.today.isoformat(), long_file, report_campaign, period,
                        counts(session), rates(session), {})
    school = School(**(asdict(school) | {"size_bytes": file_sizes(db)}))
    manifest.write_text(json.dumps(asdict(school), ensure_ascii=False, indent=1), "utf-8")
    return school, True


def _log(text: str) -> None:
    print(f"  [school] {text}", file=sys.stderr, flush=True)


def _build(db: Path, spec: SchoolSpec) -> tuple[int, int, str]:
    """Make the school; returns the long file's student, the newest MHT campaign and the
    newest term with screenings ("2026-2027-1")."""
    first = spec.first_year
    create_school(db, "青心基准测试中学", "admin", PASSWORD, admin_display_name="管理员",
                  school_code=SCHOOL_CODE, top_grade=GRADES[-1], today=date(first, 9, 1))
    rng = random.Random(spec.seed)
    strain = Strain(np.random.default_rng(spec.seed))
    plans = spec.screenings()
    as_of = spec.today
    with unlock(db, "admin", PASSWORD) as store:
        create_user(store, COUNSELLOR, "心理教师", "counselor", PASSWORD)
        with store.read() as session:
            rows = Rows(session, COUNSELLOR)
        work = Casework(COUNSELLOR, as_of, rng)
        mht = 0
        for year in range(first, spec.last_year + 1):
            started = clock.perf_counter()
            _new_year(store, rows, work, spec, year)
            start = date(year, 9, 1)
            for plan in (p for p in plans if p.school_year == year):
                _term(store, rows, work, start, plan.starts_on)
                cid, sheets = _screen(store, plan, strain, spec.seed)
                mht = cid if plan.code == "mht" else mht
                with store.write() as session:
                    work.review(rows, cid, plan.name, plan.code, plan.ends_on, sheets)
                    rows.write(session)
                start = plan.ends_on
            _term(store, rows, work, start, min(date(year + 1, 7, 10), as_of))
            _log(f"{year}-{year + 1}: {clock.perf_counter() - started:.1f} s")
        enrolled = [s.id for s in list_students(store) if s.grade == GRADES[-1]]
        sid = next(s for s in enrolled if work.cases[s].level == "none"
                   and work.cases[s].referral_until is None)
        referral_days = plant_records(rows, sid, first, as_of, COUNSELLOR, rng)
        with store.write() as session:
            rows.write(session)
        plant_referrals(store, sid, referral_days, as_of, rng)
        with store.read() as session:
            longest = most_records(session)
    newest = plans[-1]
    return longest, mht, f"{newest.school_year}-{newest.school_year + 1}-{newest.term}"


def _new_year(store: Store, rows: Rows, work: Casework, spec: SchoolSpec, year: int) -> None:
    """Graduation, promotion, the intake (all six grades in the first year)."""
    if year > spec.first_year:
        leaving = [s.id for s in list_students(store) if s.grade == GRADES[-1]]
        with store.write() as session:
            work.leave(rows, leaving, date(year, 7, 10))
            rows.write(session)
        apply_promotion(store, preview_promotion(store))
    grades = GRADES if year == spec.first_year else range(GRADES[0], GRADES[0] + 1)
    per_grade = spec.students // len(GRADES)
    classes = -(-per_grade // 45)
    intake = synthetic_roster(per_grade * len(grades), grades=grades,
                              seed=spec.seed * 1000 + year, class_size=-(-per_grade // classes),
                              school_year_start=year)
    apply_roster_import(store, RosterPreview(file_name=f"{year}级名册.xlsx", rows=intake))
    numbers = {r.student_no for r in intake}
    new = [s.id for s in list_students(store) if s.student_no in numbers]
    with store.write() as session:
        work.intake(rows, new, date(year, 9, 1))
        rows.write(session)


def _term(store: Store, rows: Rows, work: Casework, start: date, end: date) -> None:
    enrolled = [s.id for s in list_students(store)]
    with store.write() as session:
        work.term(rows, enrolled, start, end)
        rows.write(session)
    rng = work.rng
    for job in work.referrals:
        closed = run_referral(store, job, work.as_of, rng)
        work.cases[job.student_id].referral_until = closed or work.as_of
    work.referrals.clear()


class Strain:
    """Each student's place in the school: a lasting trait and a state that drifts from
    one screening to the next (correlation 0.6 between consecutive states)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.trait: dict[int, float] = {}
        self.state: dict[int, float] = {}

    def percentiles(self, students: list[StudentRow]) -> np.ndarray:
        z = []
        for s in students:
            if s.id not in self.trait:
                self.trait[s.id], self.state[s.id] = self.rng.normal(size=2)
            self.state[s.id] = 0.6 * self.state[s.id] + 0.8 * self.rng.normal()
            z.append(0.75 * self.trait[s.id] + 0.66 * self.state[s.id] + 0.05 * (s.grade - 7))
        ranks = np.argsort(np.argsort(np.array(z)))
        return (ranks + 0.5) / len(z)


def _screen(store: Store, plan: Screening, strain: Strain, seed: int
            ) -> tuple[int, list[tuple[int, str, tuple[int, ...], date, bool, dict[int, str]]]]:
    """One whole-school screening through create_campaign and apply_screening_import."""
    rng = random.Random(seed * 7919 + plan.starts_on.toordinal())
    students = list_students(store)
    campaign = create_campaign(store, plan.name, plan.code, term=plan.term,
                               starts_on=plan.starts_on, ends_on=plan.ends_on)
    absent = set(rng.sample(range(len(students)), len(students) * 4 // 100))
    taking = [s for i, s in enumerate(students) if i not in absent]
    on_leave = [students[i].id for i in sorted(absent)[: len(absent) // 4]]
    mark_participation(store, campaign.id, on_leave, "leave")
    instrument = load_instrument(plan.code)
    values = calibrated_answers(instrument, strain.percentiles(taking), strain.rng)
    result = score(instrument, values)
    taken = [datetime.combine(plan.starts_on + timedelta(days=i % 5), datetime.min.time())
             + timedelta(hours=8 + i % 8, minutes=i % 60) for i in range(len(taking))]
    apply_screening_import(store, ScreeningPreview(
        campaign_id=campaign.id, instrument_code=plan.code, file_name=f"{plan.name}.xlsx",
        layout="wjx", matches=[SheetMatch(i + 2, "matched", s.id, s.student_no)
                               for i, s in enumerate(taking)],
        result=result, answers=values, taken_at=list(taken),
        date_source=["submitted"] * len(taking)))
    with store.write() as session:
        # Stored the day the file came in, on the school's calendar, not the day the bench
        # ran: "today's work" lists critical answers stored in the last year, and ten years
        # of results all stored today made it read 54,720 sheets where a school has 6,000.
        session.execute(update(ScreeningResult).where(ScreeningResult.campaign_id == campaign.id)
                        .values(created_at=datetime.combine(plan.ends_on, time(8))))
    sheets = [(s.id, r["warning"], tuple(r["critical"]), taken[i].date(), r["valid"],
               {int(k): v for k, v in r.get("critical_answers", {}).items()})
              for i, (s, r) in enumerate(zip(taking, result.records(), strict=True))]
    return campaign.id, sheets
