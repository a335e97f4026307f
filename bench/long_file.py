"""One student's file with ten years of everything: the case the student-file target
(< 200 ms to open) names.

In a school of grades 7–12 nobody stays ten years, so the generator gives one current
student a file that began ten school years ago (as a file handed on from the primary
school would): weekly sessions in term time with a correction every eighth, monthly
follow-ups, six level decisions a year, a plan revised twice a year with three reviews
each, pairings, risk factors, signals and five referrals run to the end. The volumes
are those of the earlier bench_casefile.py, so figures stay comparable; the tables
around it are the whole school's ten years.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

from app.models import (
    CarePlan,
    CounsellingRecord,
    FollowUp,
    LevelDecision,
    Pairing,
    PlanReview,
    ReportedSignal,
    RiskFactor,
)
from app.store.handle import Store
from bench import notes
from bench.casework import FACTORS, ReferralJob, school_day
from bench.referrals import run_referral
from bench.rows import Rows

LEVELS = ("key", "crisis", "key", "general", "key", "key")


def plant_records(rows: Rows, sid: int, first_year: int, as_of: date, counsellor: str,
                  rng: random.Random) -> list[date]:
    """Add the ten years of entries to `rows`; returns the days referrals open on."""
    start = date(first_year, 9, 1)
    weeks = (as_of - start).days // 7
    days = sorted({school_day(start + timedelta(weeks=w)) for w in range(weeks)})
    for n, day in enumerate(d for d in days if d < as_of):
        rows.opened(sid)
        rid = rows.add(CounsellingRecord, sid, held_on=day, kind="individual",
                       participants="心理教师", content=notes.session_note(rng),
                       next_step=rng.choice(notes.NEXT_STEPS), confidential=n % 3 == 0)
        if n % 8 == 0:
            rows.version(CounsellingRecord, rid, "补充记录",
                         content=notes.session_note(rng) + "（补充）")
    months = [school_day(start + timedelta(days=30 * m)) for m in range(120)]
    for due in (m for m in months if m < as_of):
        fid = rows.add(FollowUp, sid, due_on=due)
        rows.version(FollowUp, fid, "完成随访", done_on=due, done_by="心理教师",
                     note=rng.choice(notes.FOLLOWUP_NOTES))
    rows.add(FollowUp, sid, due_on=as_of + timedelta(days=20))
    for k in range(60):
        day = start + timedelta(days=60 * k)
        if day < as_of:
            rows.add(LevelDecision, sid, level=LEVELS[k % 6], reason="复核：" + rng.choice(
                notes.FOLLOWUP_NOTES), suggested_level="key", suggested_reasons=json.dumps(
                ["「测评」测评结果建议：重点关注"], ensure_ascii=False), decided_on=day,
                decided_by=counsellor)
    rows.add(LevelDecision, sid, level="key", reason="复核：仍需重点关注",
             suggested_level="key", decided_on=as_of - timedelta(days=3), decided_by=counsellor)
    plan = None
    for k in range(20):
        day = start + timedelta(days=180 * k)
        if day >= as_of:
            break
        plan = rows.add(CarePlan, sid, category="key", goals=rng.choice(notes.GOALS),
                        measures=rng.choice(notes.MEASURES), responsible="心理教师、班主任",
                        next_review_on=day + timedelta(days=180)) if plan is None else \
            rows.version(CarePlan, plan, "半年评估后调整", measures=rng.choice(notes.MEASURES))
        for r in range(1, 4):
            if day + timedelta(days=60 * r) < as_of:
                rows.add(PlanReview, sid, plan_id=plan, outcome="continue",
                         reviewed_on=day + timedelta(days=60 * r),
                         note=rng.choice(notes.REVIEW_NOTES))
    for k in range(12):
        day = start + timedelta(days=300 * k)
        if day >= as_of:
            break
        rid = rows.add(RiskFactor, sid, code=list(FACTORS)[k % len(FACTORS)], noted_on=day,
                       source="班主任")
        if day + timedelta(days=200) < as_of:
            rows.version(RiskFactor, rid, "情况已改变", resolved_on=day + timedelta(days=200))
        pid = rows.add(Pairing, sid, role=("mentor", "class_teacher")[k % 2],
                       person=f"{'王李张刘陈'[k % 5]}老师", started_on=day)
        if day + timedelta(days=290) < as_of:
            rows.version(Pairing, pid, "结束结对", ended_on=day + timedelta(days=290))
    for k in range(50):
        day = school_day(start + timedelta(days=70 * k))
        if day < as_of:
            rows.add(ReportedSignal, sid, source="class_teacher", reporter="班主任",
                     reported_on=day, severity=("serious", "ordinary")[k % 2],
                     description=rng.choice(notes.SIGNALS))
    return [start + timedelta(days=700 * k + 30) for k in range(5)]


def plant_referrals(store: Store, sid: int, days: list[date], as_of: date,
                    rng: random.Random) -> None:
    for day in days:
        run_referral(store, ReferralJob(sid, day, frozenset({"self_harm", "critical_item"})),
                     as_of, rng, may_end_early=False)
