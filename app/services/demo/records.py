"""A term's work in the demo school, made through the real services: two screening
campaigns with synthetic answers; the same-day assessment of the critical answers
(PHQ-9 item 9 …) — most assessed, a few still waiting today; crisis decisions with
their checklists (every crisis student has a referral or a written reason not to
refer, and the newest still has items due today); the review of the rest; a few key
students' files (risk factors, counselling, plan, pairings) and a referral under way —
so a newcomer sees every page with something in it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np

from app.instruments import load_instrument, score
from app.services.casefile.entries import add_counselling, add_risk_factor, add_signal
from app.services.casefile.plans import add_pairing, save_plan
from app.services.casefile.snapshot import open_file
from app.services.demo.synthetic import calibrated_answers
from app.services.referral.workflow import StepDetails, complete_step, open_referral
from app.services.screening.campaigns import create_campaign
from app.services.screening.importing import (
    ScreeningPreview,
    SheetMatch,
    apply_screening_import,
)
from app.services.screening.results import campaign_results
from app.services.screening.review import campaign_review_queue, resolve_review
from app.services.students import StudentRow, list_students
from app.services.warning.crisis import checklist, complete_item
from app.services.warning.decisions import decide_level
from app.store.handle import Store

DEMO_HOSPITAL = "市第六人民医院 心理科"
#: Critical answers left without an assessment: the same-day tasks a newcomer sees.
WAITING_TODAY = 4
#: Assessed critical answers decided 危机 (the rest 重点关注 or 一般关注).
CRISIS_AFTER_ASSESSMENT = 3


def add_demo_term(store: Store, today: date, seed: int = 7) -> None:
    students = list_students(store)
    start = today - timedelta(days=40)
    phq = _campaign(store, f"{start.year}秋季 PHQ-9 全校筛查", "phq9", students, start, seed)
    grade7 = [s for s in students if s.grade == 7]
    mht = _campaign(store, f"{start.year}秋季 MHT 初一", "mht", grade7, start, seed + 1,
                    class_ids=sorted({s.class_id for s in grade7}))
    flagged = _critical_answers(store, (phq, mht), start + timedelta(days=6), today)
    queue = [i for i in campaign_review_queue(store, phq, today=today)
             if not (i.evidence and i.evidence.critical)]
    for item in queue[:12]:
        resolve_review(store, item, "accept", today=today)
    for item in queue[12:20]:
        resolve_review(store, item, "interview", today=today)
    _key_students(store, [s for s in students if s.id not in flagged][5:8], start)


def _critical_answers(store: Store, campaign_ids: tuple[int, ...], assessed_on: date,
                      today: date) -> set[int]:
    """Assess every student with a critical answer but the last WAITING_TODAY (left on
    今日工作); the first few assessed are 危机 with their checklist done — a referral for
    some, a reason for another — and the newest one is decided today, its checklist
    still open but for the referral."""
    by_student = {r.student_id: r for cid in campaign_ids
                  for r in campaign_results(store, cid) if r.critical}
    flagged = sorted(by_student.values(), key=lambda r: (r.grade, r.class_name, r.student_no))
    assessed, waiting = flagged[:-WAITING_TODAY - 1], flagged[-WAITING_TODAY - 1:-1]
    newest = flagged[-1:] if len(flagged) > WAITING_TODAY else []
    del waiting  # left as they are: their same-day tasks show on 今日工作
    for n, row in enumerate(assessed):
        add_counselling(store, row.student_id, assessed_on, "assessment",
                        "面谈评估：承认近两周有消极念头；询问自杀计划、手段和既往行为；"
                        "评估保护因素（家人、同伴、学习目标）。", "心理教师", confidential=True)
        if n < CRISIS_AFTER_ASSESSMENT:
            _crisis(store, row.student_id, assessed_on, refer=n < CRISIS_AFTER_ASSESSMENT - 1)
        elif n % 3 == 0:
            decide_level(store, row.student_id, "general", "面谈评估：偶有消极念头，无计划，"
                         "情绪已好转，保持关注", decided_on=assessed_on)
        else:
            decide_level(store, row.student_id, "key", "面谈评估：有消极念头，无计划和手段，"
                         "纳入重点关注，两周随访", decided_on=assessed_on)
    for row in newest:
        add_counselling(store, row.student_id, today, "assessment",
                        "面谈评估：有具体的自杀想法和时间，已告知不能保密的理由。", "心理教师",
                        confidential=True)
        decide_level(store, row.student_id, "crisis", "面谈评估：有自杀计划，立即启动危机处置",
                     decided_on=today)
        open_referral(store, row.student_id, {"suicide_plan", "critical_item"}, today)
    return {r.student_id for r in flagged}


def _crisis(store: Store, student_id: int, on: date, refer: bool) -> None:
    """危机 after the assessment, and its checklist worked through the same day."""
    decide_level(store, student_id, "crisis", "面谈评估：有自杀计划，启动危机处置",
                 decided_on=on)
    items = {i.kind: i.row for i in checklist(open_file(store, student_id).followups)}
    complete_item(store, items["crisis_guardian"].id, "电话通知母亲，母亲当天下午到校面谈",
                  notified_at=datetime.combine(on, time(16, 30)), done_by="心理教师")
    complete_item(store, items["crisis_safety"].id, "约定难受时找班主任或心理老师；"
                  "家长收好药品和刀具；班主任每天课间关注", done_on=on, done_by="心理教师")
    if refer:
        referral = open_referral(store, student_id, {"suicide_plan", "critical_item"}, on)
        complete_step(store, referral, "crisis_assessment", on, "见当天面谈评估记录",
                      done_by="心理教师")
        complete_step(store, referral, "parents_informed", on, "母亲到校，告知书回执已签",
                      done_by="心理教师", details=StepDetails(receipt="signed"))
        complete_step(store, referral, "hospital_contacted", on + timedelta(days=1),
                      "绿色通道预约次日上午", done_by="心理教师",
                      details=StepDetails(hospital=DEMO_HOSPITAL), hospitals=(DEMO_HOSPITAL,))
        complete_step(store, referral, "referral_form", on + timedelta(days=1), "转介单已交家长",
                      done_by="心理教师")
    else:
        complete_item(store, items["crisis_referral"].id, "家长已带孩子在市精神卫生中心就诊，"
                      "医生每周复诊，暂不另行转介；复诊情况由家长告知", done_on=on,
                      done_by="心理教师")


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
               "近两周上课常走神，作业多次未交", reporter="班主任", decision="watch")
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
               "同学反映其手臂有划痕", severity="self_harm", reporter="心理委员",
               decision="crisis")
    add_counselling(store, third.id, start + timedelta(days=10), "assessment",
                    "面谈评估：近一月多次自伤，无自杀计划", "心理教师", confidential=True)
    referral = open_referral(store, third.id, {"self_harm", "severe_depression"},
                             opened_on=start + timedelta(days=10))
    decide_level(store, third.id, "crisis", "心理委员报告自伤痕迹，当面评估确认",
                 decided_on=start + timedelta(days=10))
    items = {i.kind: i.row for i in checklist(open_file(store, third.id).followups)}
    complete_item(store, items["crisis_guardian"].id, "约家长到校面谈",
                  notified_at=datetime.combine(start + timedelta(days=10), time(15, 0)),
                  done_by="心理教师")
    complete_item(store, items["crisis_safety"].id, "约定自伤冲动时的替代做法和求助对象",
                  done_on=start + timedelta(days=10), done_by="心理教师")
    complete_step(store, referral, "crisis_assessment", start + timedelta(days=10),
                  "当面评估：近一月多次自伤，无自杀计划", done_by="心理教师")
    complete_step(store, referral, "parents_informed", start + timedelta(days=11),
                  "约家长到校面谈，告知书回执已签", done_by="心理教师",
                  details=StepDetails(receipt="signed"))
    complete_step(store, referral, "hospital_contacted", start + timedelta(days=12),
                  "绿色通道预约周五上午", done_by="心理教师",
                  details=StepDetails(hospital=DEMO_HOSPITAL), hospitals=(DEMO_HOSPITAL,))
