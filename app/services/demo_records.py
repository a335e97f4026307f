"""A term's work in the demo school, made through the real services: two screening
campaigns with synthetic answers, the review of their warnings, a few key students'
files (risk factors, counselling, plan, pairings) and one referral under way — so a
newcomer sees every page with something in it."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from app.instruments import load_instrument, score
from app.services.campaigns import create_campaign
from app.services.entries import add_counselling, add_risk_factor, add_signal
from app.services.plans import add_pairing, save_plan
from app.services.referral import StepDetails, complete_step, open_referral
from app.services.screening_import import (
    ScreeningPreview,
    SheetMatch,
    apply_screening_import,
)
from app.services.screening_review import campaign_review_queue, resolve_review
from app.services.students import StudentRow, list_students
from app.services.synthetic import calibrated_answers
from app.services.warnings import decide_level
from app.store.handle import Store

DEMO_HOSPITAL = "市第六人民医院 心理科"


def add_demo_term(store: Store, today: date, seed: int = 7) -> None:
    students = list_students(store)
    start = today - timedelta(days=40)
    phq = _campaign(store, f"{start.year}秋季 PHQ-9 全校筛查", "phq9", students, start, seed)
    grade7 = [s for s in students if s.grade == 7]
    _campaign(store, f"{start.year}秋季 MHT 初一", "mht", grade7, start, seed + 1,
              class_ids=sorted({s.class_id for s in grade7}))
    queue = campaign_review_queue(store, phq, today=today)
    for item in queue[:12]:
        resolve_review(store, item, "accept", today=today)
    for item in queue[12:20]:
        resolve_review(store, item, "interview", today=today)
    _key_students(store, students[5:8], start)


def _campaign(store: Store, name: str, code: str, students: list[StudentRow], on: date,
              seed: int, class_ids: list[int] | None = None) -> int:
    campaign = create_campaign(store, name, code, class_ids=class_ids, starts_on=on,
                               ends_on=on + timedelta(days=7))
    instrument = load_instrument(code)
    taking = students[: int(len(students) * 0.96)]  # a few absent: completion below 100 %
    rng = np.random.default_rng(seed)
    values = calibrated_answers(instrument, rng.random(len(taking)), rng)
    taken = [np.datetime64(on) + np.timedelta64(i % 5, "D") for i in range(len(taking))]
    preview = ScreeningPreview(
        campaign_id=campaign.id, instrument_code=instrument.code, file_name="demo",
        layout="grid", matches=[SheetMatch(i + 2, "matched", s.id, s.student_no)
                                for i, s in enumerate(taking)],
        result=score(instrument, values), answers=values,
        taken_at=[t.astype("datetime64[s]").item() for t in taken],
        date_source=["submitted"] * len(taking))
    apply_screening_import(store, preview)
    return campaign.id


def _key_students(store: Store, picked: list[StudentRow], start: date) -> None:
    first, second, third = picked
    add_risk_factor(store, first.id, "left_behind", start, "班主任", "父母在外务工，随祖父母生活")
    add_risk_factor(store, first.id, "academic_difficulty", start, "班主任")
    add_signal(store, first.id, "class_teacher", start + timedelta(days=3),
               "近两周上课常走神，作业多次未交", reporter="班主任")
    decide_level(store, first.id, "key", "留守加学业困难，班主任反映近期状态下滑",
                 decided_on=start + timedelta(days=5))
    add_counselling(store, first.id, start + timedelta(days=6), "individual",
                    "首次个体辅导：建立关系，了解学习和家庭情况。", "心理教师",
                    "两周后复谈；联系班主任关注作业情况")
    save_plan(store, first.id, "key", "恢复学习节奏；增加与家人的联系",
              "每两周个体辅导一次；班主任每周谈话；每月与祖父母电话沟通", "心理教师、班主任",
              start + timedelta(days=35))
    add_pairing(store, first.id, "mentor", "王老师", start + timedelta(days=6))
    add_pairing(store, first.id, "class_teacher", "李老师", start + timedelta(days=6))
    add_risk_factor(store, second.id, "bereavement", start, "家长", "上学期父亲病故")
    decide_level(store, second.id, "general", "丧亲，情绪平稳，保持关注",
                 decided_on=start + timedelta(days=8))
    add_signal(store, third.id, "peer_monitor", start + timedelta(days=10),
               "同学反映其手臂有划痕", severity="self_harm", reporter="心理委员")
    decide_level(store, third.id, "crisis", "心理委员报告自伤痕迹，当面评估确认",
                 decided_on=start + timedelta(days=10))
    referral = open_referral(store, third.id, {"self_harm", "severe_depression"},
                             opened_on=start + timedelta(days=10))
    complete_step(store, referral, "crisis_assessment", start + timedelta(days=10),
                  "当面评估：近一月多次自伤，无自杀计划", done_by="心理教师")
    complete_step(store, referral, "parents_informed", start + timedelta(days=11),
                  "约家长到校面谈，告知书回执已签", done_by="心理教师",
                  details=StepDetails(receipt="signed"))
    complete_step(store, referral, "hospital_contacted", start + timedelta(days=12),
                  "绿色通道预约周五上午", done_by="心理教师",
                  details=StepDetails(hospital=DEMO_HOSPITAL), hospitals=(DEMO_HOSPITAL,))
