"""Referrals in the ten-year school, run through the real services (open_referral,
complete_step, cancel_referral), so their steps, due dates and audit events are the
program's own. There are few of them (a few a term), so the service calls cost little.

Of each referral: parents sign the notice 85 % of the time; of those who refuse, 60 %
end the referral (cancelled with the reason, school support goes on); the rest run to
the return-to-school follow-up. Steps dated after today stay pending: the newest
referrals are still under way.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from app.services.referral.workflow import (
    StepDetails,
    cancel_referral,
    complete_step,
    open_referral,
)
from app.store.handle import Store
from bench.casework import ReferralJob
from bench.notes import HOSPITAL

#: (step, days after the step before: lowest, highest, the note)
PATH: tuple[tuple[str, int, int, str], ...] = (
    ("crisis_assessment", 0, 0, "当面评估：近期情绪低落，有消极念头，需专业评估"),
    ("parents_informed", 1, 1, "约家长到校面谈，说明情况与转介建议"),
    ("hospital_contacted", 1, 2, "经绿色通道预约门诊"),
    ("referral_form", 0, 1, "填写转介单，家长陪同就诊"),
    ("visit_feedback", 7, 14, "医院诊断为抑郁状态，门诊治疗，建议心理治疗配合"),
    ("follow_up", 7, 10, "遵医嘱服药，情绪较前平稳"),
    ("return_assessment", 10, 40, "复学评估会议：家长、班主任、心理教师参加"),
    ("after_return", 14, 20, "复学后两周跟踪：能正常上课，继续每周辅导"),
)


def run_referral(store: Store, job: ReferralJob, as_of: date, rng: random.Random,
                 may_end_early: bool = True) -> date | None:
    """Open and work one referral up to `as_of`; returns the day it closed, or None when
    it is still under way."""
    rid = open_referral(store, job.student_id, set(job.indications), opened_on=job.opened_on,
                        note="筛查或信息员报告后当面评估，开启转介")
    day = job.opened_on
    hospitals = (HOSPITAL,)
    for step, low, high, note in PATH:
        day = day + timedelta(days=rng.randint(low, high))
        if day > as_of:
            return None
        details = StepDetails()
        if step == "parents_informed":
            refused = rng.random() < 0.15
            details = StepDetails(receipt="refused" if refused else "signed")
            if refused and may_end_early and rng.random() < 0.6:
                complete_step(store, rid, step, day, "家长不同意就医，已留存告知记录",
                              details=details)
                cancel_referral(store, rid, "家长拒绝就医，转为校内支持与密切随访", on=day)
                return day
        elif step == "hospital_contacted":
            details = StepDetails(hospital=HOSPITAL)
        elif step == "visit_feedback":
            details = StepDetails(outcome="outpatient", diagnosis="抑郁状态")
        elif step == "return_assessment":
            details = StepDetails(certificate_seen=True, meeting_on=day,
                                  arrangements="先上半天课，减少作业量，每周心理辅导一次")
        complete_step(store, rid, step, day, note, details=details, hospitals=hospitals)
    return day
