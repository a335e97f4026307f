"""The referral checklist and every step transition, including the refusals."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import BadInputError
from app.services.casefile.entries import correct_entry, withdraw_entry
from app.services.casefile.snapshot import open_file
from app.services.referral.checklist import Indication, assess_indications
from app.services.referral.steps import STEP_LABELS, STEPS
from app.services.referral.workflow import (
    StepDetails,
    cancel_referral,
    complete_step,
    list_referrals,
    open_referral,
    skip_step,
)
from tests.casefile.casefile_helpers import audit_count

HOSPITALS = ["市第六医院", "省神经精神病医院"]
OPENED = date(2026, 3, 2)


@pytest.mark.parametrize(("ticked", "level"), [
    (set(), "school_support"),
    ({"suicidal_ideation"}, "consider"),
    ({"critical_item"}, "consider"),
    ({"severe_depression", "loss_of_function"}, "refer_now"),
    ({"suicide_plan"}, "refer_now"),
    ({"suicide_attempt"}, "refer_now"),
    ({"self_harm"}, "refer_now"),
    ({"psychosis", "suicidal_ideation"}, "refer_now"),
])
def test_checklist_recommendations(ticked, level):
    assert assess_indications(ticked).level == level


def test_recommendation_reasons_are_printed_in_chinese():
    r = assess_indications({"suicide_plan", "loss_of_function"})
    assert r.label == "建议立即转介"
    assert r.reasons == ("有自杀计划：属于立即转介指征", "另有：无法正常上课、学习或生活")
    r = assess_indications({"severe_depression", "critical_item"})
    assert r.reasons[0].startswith("同时存在 2 项需专业评估的情况")
    assert assess_indications(set()).reasons[0].startswith("未勾选任何转介指征")
    assert assess_indications({"suicidal_ideation"}).reasons == (
        "有自杀意念：建议由专业人员评估后决定是否转介",)


def test_configured_indications_join_the_checklist():
    eating = Indication("eating_disorder", "进食问题明显（暴食或拒食）", refer_now=False)
    r = assess_indications({"eating_disorder", "suicidal_ideation"}, extra=[eating])
    assert r.level == "refer_now" and ("eating_disorder", eating.label) in r.indications
    with pytest.raises(BadInputError, match="未知的转介指征"):
        assess_indications({"eating_disorder"})
    with pytest.raises(BadInputError, match="重名"):
        assess_indications(set(), extra=[Indication("self_harm", "x", False)])


VALID = {"parents_informed": StepDetails(receipt="signed"),
         "hospital_contacted": StepDetails(hospital=HOSPITALS[0]),
         "visit_feedback": StepDetails(outcome="outpatient"),
         "return_assessment": StepDetails(certificate_seen=True, meeting_on=OPENED,
                                          arrangements="前两周半天上课，免于体育考试")}


def _walk(store, rid: int, until: str) -> None:
    """Record every step before `until` with valid details."""
    for step in STEPS[:STEPS.index(until)]:
        complete_step(store, rid, step, OPENED, note="医生建议门诊治疗",
                      details=VALID.get(step, StepDetails()), hospitals=HOSPITALS)


def test_full_referral_runs_in_order(store, school):
    sid = school.students[0]
    rid = open_referral(store, sid, {"self_harm"}, OPENED)
    _walk(store, rid, "after_return")
    complete_step(store, rid, "after_return", OPENED, note="返校适应良好")
    referral = open_file(store, sid).referrals[0]
    assert referral.closed and referral.recommendation == "refer_now"
    assert referral.hospital == "市第六医院"
    assert [s.step for s in referral.steps] == list(STEP_LABELS)
    ret = referral.steps[STEPS.index("return_assessment")]
    assert ret.certificate_seen and ret.arrangements.startswith("前两周")
    assert audit_count(store, "referral_opened", sid) == 1
    assert audit_count(store, "referral_step", sid) == len(STEPS)


def test_out_of_order_twice_and_skip_without_reason_are_refused(store, school):
    rid = open_referral(store, school.students[1], {"suicide_plan"}, OPENED)
    with pytest.raises(BadInputError, match="请先完成“危机评估”"):
        complete_step(store, rid, "parents_informed", OPENED,
                      details=StepDetails(receipt="signed"))
    complete_step(store, rid, "crisis_assessment", OPENED, note="有计划，无工具")
    with pytest.raises(BadInputError, match="“危机评估”已于 2026-03-02 登记完成，不能重复登记"):
        complete_step(store, rid, "crisis_assessment", OPENED)
    with pytest.raises(BadInputError, match="跳过转介步骤时必须说明理由"):
        skip_step(store, rid, "parents_informed", "  ")
    with pytest.raises(BadInputError, match="未知的转介步骤"):
        complete_step(store, rid, "pray", OPENED)
    with pytest.raises(BadInputError, match="不能早于上一步"):
        complete_step(store, rid, "parents_informed", date(2026, 3, 1),
                      details=StepDetails(receipt="signed"))
    skip_step(store, rid, "parents_informed", "学生本人已成年并同意，家长在外地", OPENED)
    with pytest.raises(BadInputError, match="已于 2026-03-02 跳过"):
        skip_step(store, rid, "parents_informed", "再跳一次")


def test_each_step_checks_what_it_must_record(store, school):
    rid = open_referral(store, school.students[2], {"psychosis"}, OPENED)
    complete_step(store, rid, "crisis_assessment", OPENED)
    with pytest.raises(BadInputError, match="告知书回执"):
        complete_step(store, rid, "parents_informed", OPENED)
    complete_step(store, rid, "parents_informed", OPENED, details=StepDetails(receipt="refused"))
    with pytest.raises(BadInputError, match="尚未配置绿色通道医院"):
        complete_step(store, rid, "hospital_contacted", OPENED,
                      details=StepDetails(hospital="某诊所"))
    with pytest.raises(BadInputError, match="不在绿色通道医院名单中。可选：市第六医院"):
        complete_step(store, rid, "hospital_contacted", OPENED,
                      details=StepDetails(hospital="某诊所"), hospitals=HOSPITALS)
    complete_step(store, rid, "hospital_contacted", OPENED,
                  details=StepDetails(hospital=HOSPITALS[1]), hospitals=HOSPITALS)
    complete_step(store, rid, "referral_form", OPENED)
    with pytest.raises(BadInputError, match="就诊结果未选择。可选：门诊治疗、住院"):
        complete_step(store, rid, "visit_feedback", OPENED, note="建议住院治疗")
    with pytest.raises(BadInputError, match="请填写就诊反馈"):
        complete_step(store, rid, "visit_feedback", OPENED,
                      details=StepDetails(outcome="outpatient"))
    complete_step(store, rid, "visit_feedback", OPENED, note="建议门诊治疗",
                  details=StepDetails(outcome="outpatient"))
    complete_step(store, rid, "follow_up", OPENED, note="已住院")
    with pytest.raises(BadInputError, match="病历证明"):
        complete_step(store, rid, "return_assessment", OPENED,
                      details=StepDetails(meeting_on=OPENED, arrangements="x"))
    with pytest.raises(BadInputError, match="复学评估会议日期"):
        complete_step(store, rid, "return_assessment", OPENED,
                      details=StepDetails(certificate_seen=True, arrangements="x"))
    with pytest.raises(BadInputError, match="请填写复学安排"):
        complete_step(store, rid, "return_assessment", OPENED,
                      details=StepDetails(certificate_seen=True, meeting_on=OPENED))


def test_due_dates_follow_the_previous_step(store, school):
    rid = open_referral(store, school.students[3], {"self_harm"}, OPENED)
    steps = open_file(store, school.students[3]).referrals[0].steps
    assert steps[0].due_on == OPENED and all(s.due_on is None for s in steps[1:])
    complete_step(store, rid, "crisis_assessment", date(2026, 3, 3))
    nxt = open_file(store, school.students[3]).referrals[0].next_step
    assert nxt.step == "parents_informed" and nxt.due_on == date(2026, 3, 4)

    rows = list_referrals(store, today=date(2026, 3, 10))
    assert [(r.referral.id, r.next_step.step, r.overdue_days) for r in rows] == [
        (rid, "parents_informed", 6)]
    assert audit_count(store, "referral_list") == 1


def test_no_second_open_referral_and_school_support_needs_a_note(store, school):
    sid = school.students[4]
    with pytest.raises(BadInputError, match="请在说明中写明理由"):
        open_referral(store, sid, set(), OPENED)
    rid = open_referral(store, sid, set(), OPENED, note="家长主动要求转介")
    with pytest.raises(BadInputError, match="已有进行中的转介"):
        open_referral(store, sid, {"self_harm"}, OPENED)
    assert cancel_referral(store, rid, "家长改为自行就医", on=OPENED) == len(STEPS)
    with pytest.raises(BadInputError, match="无需终止"):
        cancel_referral(store, rid, "再次终止", on=OPENED)
    referral = open_file(store, sid).referrals[0]
    assert referral.closed and referral.steps[0].skip_reason == "终止转介：家长改为自行就医"
    open_referral(store, sid, {"self_harm"}, OPENED)  # a new one may now start


def test_only_the_last_step_can_be_withdrawn_and_steps_can_be_corrected(store, school):
    sid = school.students[5]
    rid = open_referral(store, sid, {"self_harm"}, OPENED)
    _walk(store, rid, "referral_form")
    steps = open_file(store, sid).referrals[0].steps
    first, last = steps[0], steps[STEPS.index("hospital_contacted")]
    with pytest.raises(BadInputError, match="只能撤回最后登记的一步"):
        withdraw_entry(store, "referral_step", first.id, "录错")
    withdraw_entry(store, "referral_step", last.id, "医院填错")
    nxt = open_file(store, sid).referrals[0].next_step
    assert nxt.step == "hospital_contacted"
    complete_step(store, rid, "hospital_contacted", OPENED,
                  details=StepDetails(hospital=HOSPITALS[1]), hospitals=HOSPITALS)
    fixed = correct_entry(store, "referral_step", first.id, "补充评估要点", note="有自伤史两次")
    steps = open_file(store, sid).referrals[0].steps
    assert steps[0].id == fixed and steps[0].note == "有自伤史两次"
    assert steps[STEPS.index("hospital_contacted")].hospital == HOSPITALS[1]


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["complete", "skip"]), st.sampled_from(STEPS)),
                min_size=1, max_size=14))
def test_any_sequence_of_actions_keeps_the_steps_in_order(store, school, actions):
    """Whatever a user clicks, only the next step can be recorded, once; everything
    else is refused with a Chinese reason and changes nothing."""
    sid = school.students[9]
    rid = open_referral(store, sid, {"suicide_plan"}, OPENED)
    expected: list[tuple[str, bool]] = []
    for action, step in actions:
        position, recorded = STEPS.index(step), len(expected)
        try:
            if action == "complete":
                complete_step(store, rid, step, OPENED, note="反馈",
                              details=VALID.get(step, StepDetails()), hospitals=HOSPITALS)
            else:
                skip_step(store, rid, step, "不适用", OPENED)
        except BadInputError as err:
            assert position != recorded
            assert ("请先完成" if position > recorded else "不能重复登记") in err.message
        else:
            assert position == recorded
            expected.append((step, action == "skip"))
    steps = next(r for r in open_file(store, sid).referrals if r.id == rid).steps
    assert [(s.step, s.skipped) for s in steps if not s.pending] == expected
    if len(expected) < len(STEPS):
        cancel_referral(store, rid, "测试结束", on=OPENED)
