"""Opening one student's file after ten years of records (target: < 200 ms).

    .venv/bin/python bench/bench_casefile.py [--runs 20] [--others 2000]

Builds an encrypted school database where one key student has ten years of everything
(4 screenings a year, weekly counselling with corrections, monthly follow-ups, level
decisions, plan revisions and reviews, pairings, signals, five full referrals) among
`--others` students with a few years of ordinary records each (and a quarter of them
in each campaign), so every query runs against full tables and their indexes. Then
times `open_file` as the GUI calls it: one write transaction that reads everything and
appends the audit event. For the home screen it also times `today_work` and `key_list`
in the worst case where every other student is on the list with an overdue follow-up.
Reports the median and the slowest run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.models import (  # noqa: E402
    Campaign,
    CarePlan,
    CounsellingRecord,
    FollowUp,
    LevelDecision,
    Pairing,
    PlanReview,
    Referral,
    ReferralStep,
    ReportedSignal,
    RiskFactor,
    SchoolClass,
    ScreeningResult,
    Student,
)
from app.services.auth import unlock  # noqa: E402
from app.services.casefile import open_file  # noqa: E402
from app.services.referral_steps import STEPS  # noqa: E402
from app.services.setup import create_school  # noqa: E402
from app.services.today import today_work  # noqa: E402
from app.services.warnings import key_list  # noqa: E402
from app.store import keyslots  # noqa: E402

PASSWORD = "bench-password-1"
YEARS = 10
FIRST_YEAR = 2017  # through 2026, the school year create_school makes current


def _result(campaign: Campaign, student_id: int, taken: datetime, level: str) -> ScreeningResult:
    return ScreeningResult(campaign_id=campaign.id, student_id=student_id,
                           instrument_code=campaign.instrument_code, instrument_version="1",
                           taken_at=taken, taken_at_source="submitted", source="import",
                           answers=json.dumps([1] * 20),
                           scores=json.dumps({"total": 12.0, "bands": {"total": "mild"}}),
                           total=12.0, valid=True, suggested_level=level)


def build(db: Path, others: int) -> int:
    create_school(db, "基准测试中学", "admin", PASSWORD)
    store = unlock(db, "admin", PASSWORD)
    with store.write() as s:
        classes = [SchoolClass(grade=7 + i % 3, number=1 + i // 3) for i in range(45)]
        s.add_all(classes)
        s.flush()
        students = [Student(student_no=f"B{i:07d}", name=f"学生{i}", gender="MF"[i % 2],
                            class_id=classes[i % 45].id) for i in range(others + 1)]
        s.add_all(students)
        s.flush()
        key = students[0].id
        for st in students[1:]:
            for k in range(5):
                s.add(CounsellingRecord(student_id=st.id, held_on=date(2020 + k, 5, 10),
                                        kind="individual", content="例行谈话" * 20))
            s.add(LevelDecision(student_id=st.id, level="general", reason="筛查", decided_on=
                                date(2024, 10, 1), decided_by="admin", suggested_level="general"))
            s.add(FollowUp(student_id=st.id, due_on=date(2025, 1, 1)))
        s.flush()  # decided before the results below: they all enter the review queues
        campaigns = []
        for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
            for term, code in ((1, "mht"), (1, "phq9"), (2, "phq9"), (2, "gad7")):
                campaigns.append(Campaign(name=f"{year}-{term}-{code}", instrument_code=code,
                                          school_year=year, term=term,
                                          starts_on=date(year + term - 1, 3 if term == 2 else 10,
                                                         8)))
        s.add_all(campaigns)
        s.flush()
        for n, c in enumerate(campaigns):
            taken = datetime.combine(c.starts_on, datetime.min.time()) + timedelta(hours=9)
            s.add_all(_result(c, st.id, taken, "key" if st.id == key else "none")
                      for st in students if st.id == key or (st.id + n) % 4 == 0)
        day = date(FIRST_YEAR, 9, 1)
        for week in range(YEARS * 40):
            held = day + timedelta(weeks=week)
            row = CounsellingRecord(student_id=key, held_on=held, kind="individual",
                                    content="辅导记录" * 60, next_step="下周继续",
                                    confidential=week % 3 == 0)
            s.add(row)
            if week % 8 == 0:
                s.flush()
                s.add(CounsellingRecord(student_id=key, held_on=held, kind="individual",
                                        content="更正后的记录" * 60, supersedes_id=row.id,
                                        change_reason="补充"))
        for month in range(YEARS * 12):
            due = day + timedelta(days=30 * month)
            row = FollowUp(student_id=key, due_on=due)
            s.add(row)
            s.flush()
            s.add(FollowUp(student_id=key, due_on=due, done_on=due, done_by="心理教师",
                           note="随访情况" * 20, supersedes_id=row.id, change_reason="完成随访"))
        for k in range(YEARS * 6):
            s.add(LevelDecision(student_id=key, level=("key", "crisis", "general")[k % 3],
                                reason="复核" * 10, suggested_level="key",
                                suggested_reasons=json.dumps(["「测评」测评结果建议：重点关注"]),
                                decided_on=day + timedelta(days=60 * k), decided_by="admin"))
        previous = None
        for k in range(YEARS * 2):
            plan = CarePlan(student_id=key, category="key", goals="目标" * 30, measures="措施" * 40,
                            responsible="心理教师、班主任", next_review_on=day + timedelta(180 * k),
                            supersedes_id=previous)
            s.add(plan)
            s.flush()
            previous = plan.id
            for r in range(3):
                s.add(PlanReview(student_id=key, plan_id=plan.id, outcome="continue",
                                 reviewed_on=day + timedelta(180 * k + 60 * r), note="评估" * 20,
                                 next_review_on=day + timedelta(180 * k + 60 * r + 60)))
        for k in range(12):
            s.add(RiskFactor(student_id=key, code="left_behind", noted_on=day + timedelta(300 * k),
                             resolved_on=day + timedelta(300 * k + 200), note="说明" * 10))
            s.add(Pairing(student_id=key, role=("mentor", "class_teacher")[k % 2],
                          person=f"老师{k}", started_on=day + timedelta(300 * k)))
        for k in range(YEARS * 5):
            s.add(ReportedSignal(student_id=key, source="class_teacher", severity="serious",
                                 reported_on=day + timedelta(70 * k), description="情况" * 20))
        for k in range(5):
            opened = day + timedelta(700 * k)
            referral = Referral(student_id=key, opened_on=opened, opened_by="admin",
                                indications=json.dumps([["self_harm", "有自伤行为"]]),
                                recommendation="refer_now", reasons=json.dumps(["有自伤行为"]))
            s.add(referral)
            s.flush()
            s.add_all(ReferralStep(referral_id=referral.id, step=step, done_on=opened,
                                   note="记录" * 20) for step in STEPS)
    store.close()
    return key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--others", type=int, default=2000)
    args = parser.parse_args()
    # Login cost is not what is measured here: a light Argon2id keeps the setup quick.
    keyslots.DEFAULT_KDF = keyslots.KdfParams(memory_kib=8 * 1024, iterations=1, lanes=1)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        started = time.perf_counter()
        key = build(db, args.others)
        print(f"built in {time.perf_counter() - started:.1f} s "
              f"({db.stat().st_size / 1e6:.1f} MB, {args.others + 1} students)")
        with unlock(db, "admin", PASSWORD) as store:
            f = open_file(store, key)
            print(f"file: {len(f.screening)} screenings, {len(f.counselling)} counselling, "
                  f"{len(f.followups)} follow-ups, {len(f.warning_history)} decisions, "
                  f"{len(f.plan_reviews)} plan reviews, {len(f.signals)} signals, "
                  f"{len(f.referrals)} referrals")
            report("open_file", timed(lambda: open_file(store, key), args.runs),
                   "target < 200 ms")
            work = today_work(store)
            report("today_work", timed(lambda: today_work(store), 3),
                   f"{len(work.overdue_followups)} overdue follow-ups, "
                   f"{sum(q.pending for q in work.review_queues)} students in review queues")
            report("key_list", timed(lambda: key_list(store), 3),
                   f"{len(key_list(store))} students on the list")


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def report(name: str, times: list[float], note: str) -> None:
    print(f"{name}: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms "
          f"over {len(times)} runs ({note})")


if __name__ == "__main__":
    main()
