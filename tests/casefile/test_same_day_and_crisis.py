"""Issue 11, points 2 and 8: a critical answer is a same-day assessment task on 今日工作
until an assessment is written; deciding 危机 opens a same-day checklist whose items
stay on 今日工作 until each is done; 伤人毁物 is an indication and a signal severity."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app.errors import BadInputError
from app.services.casefile.entries import add_counselling, add_signal
from app.services.casefile.followup import FollowupPolicy, complete_followup
from app.services.casefile.snapshot import open_file
from app.services.referral.checklist import assess_indications
from app.services.referral.workflow import open_referral
from app.services.today import today_work
from app.services.warning.crisis import checklist, complete_item
from app.services.warning.decisions import decide_level
from tests.casefile.casefile_helpers import add_result

TODAY = date.today()  # results are stored now: their task is due today
NOW = datetime.now().replace(second=0, microsecond=0)
ANYDAY = FollowupPolicy(weekends_off=False)


def _urgent(store) -> list[tuple[int, str, str]]:
    return [(i.student_id, i.kind, i.what) for i in today_work(store, TODAY).urgent]


def test_a_critical_answer_is_a_same_day_task_until_an_assessment_is_written(store, school):
    s = school.students
    taken = NOW - timedelta(days=2)
    add_result(store, s[0], "本周PHQ-9", "none", critical="9", taken_at=taken,
               answers={"9": "好几天"})
    add_result(store, s[1], "本周PHQ-9", "none", taken_at=taken)
    # An invalid sheet (too fast) never hides its critical answer.
    add_result(store, s[2], "本周MHT", "none", critical="85,97", taken_at=taken,
               instrument="mht", valid=False, reasons=("too_fast",),
               answers={"85": "是", "97": "是"}, validity_note="作答过快")

    work = today_work(store, TODAY)
    assert [(i.student_id, i.kind, i.due_on, i.overdue_days) for i in work.urgent] == [
        (s[0], "assessment", TODAY, 0), (s[2], "assessment", TODAY, 0)]
    assert work.urgent[0].what == "当天面谈评估：「本周PHQ-9」关键题第 9 题“好几天”"
    assert work.urgent[1].what == "当天面谈评估：「本周MHT」关键题第 85 题“是”、第 97 题“是”"
    assert work.items[:2] == work.urgent  # at the top of 今日工作

    # A counselling session of another kind, or an assessment before the answer, is not it.
    add_counselling(store, s[0], TODAY, "individual", "谈学习压力")
    add_counselling(store, s[0], TODAY - timedelta(days=5), "assessment", "上周的评估")
    assert [x[0] for x in _urgent(store)] == [s[0], s[2]]

    add_counselling(store, s[0], TODAY, "assessment", "面谈：否认自杀计划，有保护因素")
    assert [x[0] for x in _urgent(store)] == [s[2]]
    add_counselling(store, s[2], TODAY, "crisis", "危机干预：当面评估")
    assert _urgent(store) == []


def test_the_task_stays_and_counts_overdue_days(store, school):
    sid = school.students[3]
    add_result(store, sid, "PHQ", "none", critical="9", taken_at=NOW,
               answers={"9": "几乎每天"})
    later = today_work(store, TODAY + timedelta(days=3))
    assert [(i.student_id, i.overdue_days) for i in later.urgent] == [(sid, 3)]


def test_deciding_crisis_opens_a_same_day_checklist_cleared_item_by_item(store, school):
    sid = school.students[4]
    d = decide_level(store, sid, "crisis", "面谈后确认有自杀计划", decided_on=TODAY,
                     policy=ANYDAY)
    assert d.followup_due == TODAY + timedelta(days=7)  # 危机: weekly follow-up
    items = checklist(open_file(store, sid).followups)
    assert [(i.label, i.row.due_on, i.done) for i in items] == [
        ("危机：面谈评估", TODAY, False), ("危机：通知监护人", TODAY, False),
        ("危机：安全计划", TODAY, False), ("危机：转介决定", TODAY, False)]
    assert [x[2] for x in _urgent(store)] == [i.label for i in items]

    by_kind = {i.kind: i.row for i in items}
    with pytest.raises(BadInputError, match="请在“危机处置清单”中登记"):
        complete_followup(store, by_kind["crisis_safety"].id, TODAY, "x")
    with pytest.raises(BadInputError, match="请填写面谈评估的要点"):
        complete_item(store, by_kind["crisis_assess"].id, " ")
    complete_item(store, by_kind["crisis_assess"].id, "有计划无手段；同意安全约定")
    f = open_file(store, sid)
    assert [c.kind for c in f.counselling] == ["assessment"]  # the record it wrote

    with pytest.raises(BadInputError, match="请填写通知监护人的时间"):
        complete_item(store, by_kind["crisis_guardian"].id, "电话通知母亲")
    with pytest.raises(BadInputError, match="不能晚于现在"):
        complete_item(store, by_kind["crisis_guardian"].id, "电话通知母亲",
                      notified_at=NOW + timedelta(hours=2))
    complete_item(store, by_kind["crisis_guardian"].id, "电话通知母亲，母亲下午到校",
                  notified_at=NOW)
    complete_item(store, by_kind["crisis_safety"].id, "约定难受时找班主任或心理老师；收走刀具")
    assert [x[2] for x in _urgent(store)] == ["危机：转介决定"]

    with pytest.raises(BadInputError, match="不转介时，请写明理由"):
        complete_item(store, by_kind["crisis_referral"].id, "")
    rid = open_referral(store, sid, {"suicide_plan"}, TODAY)
    assert _urgent(store) == []
    done = {i.kind: i.row for i in checklist(open_file(store, sid).followups)}
    assert done["crisis_guardian"].done_at == NOW
    assert done["crisis_referral"].referral_id == rid
    assert done["crisis_referral"].note.startswith("已开启转介")
    with pytest.raises(BadInputError, match=r"已于 .* 登记完成"):
        complete_item(store, done["crisis_safety"].id, "再记")
    with pytest.raises(BadInputError, match="已有更新的版本"):
        complete_item(store, by_kind["crisis_safety"].id, "对旧版本")


def test_no_referral_is_recorded_with_its_reason(store, school):
    sid = school.students[5]
    decide_level(store, sid, "crisis", "x", decided_on=TODAY, policy=ANYDAY)
    item = {i.kind: i.row for i in checklist(open_file(store, sid).followups)}
    complete_item(store, item["crisis_referral"].id, "家长已带孩子在医院就诊，暂不另行转介")
    row = {i.kind: i.row for i in checklist(open_file(store, sid).followups)}
    assert row["crisis_referral"].referral_id is None and "暂不另行转介" in row[
        "crisis_referral"].note


def test_items_already_settled_are_created_done_and_no_second_checklist(store, school):
    sid = school.students[6]
    add_counselling(store, sid, TODAY, "assessment", "当面评估")
    open_referral(store, sid, {"self_harm"}, TODAY)
    decide_level(store, sid, "crisis", "x", decided_on=TODAY, policy=ANYDAY)
    items = {i.kind: i for i in checklist(open_file(store, sid).followups)}
    assert items["crisis_assess"].done and items["crisis_referral"].done
    assert not items["crisis_guardian"].done and not items["crisis_safety"].done
    # Re-confirming 危机 opens nothing new.
    decide_level(store, sid, "crisis", "维持", decided_on=TODAY, policy=ANYDAY)
    kinds = [f.kind for f in open_file(store, sid).followups if f.kind.startswith("crisis")]
    assert len(kinds) == 4


def test_violence_is_a_signal_severity_and_an_immediate_referral_indication(store, school):
    sid = school.students[7]
    add_signal(store, sid, "class_teacher", TODAY, "课间持刀威胁同学", severity="violence")
    assert open_file(store, sid).signals[0].severity == "violence"
    recommendation = assess_indications({"violence"})
    assert recommendation.level == "refer_now"
    assert recommendation.indications == (("violence", "有伤人毁物行为"),)
    open_referral(store, sid, {"violence"}, TODAY)
