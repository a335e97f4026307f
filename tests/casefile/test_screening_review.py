"""The review queue after a campaign: accept, change (with reason), interview first."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.errors import BadInputError
from app.services.casefile.entries import add_risk_factor
from app.services.casefile.snapshot import open_file
from app.services.screening.review import (
    ReviewFilter,
    campaign_review_queue,
    confirmation_text,
    decision_counts,
    resolve_review,
    retest_list,
)
from app.services.today import today_work
from app.services.warning.decisions import decide_level
from tests.casefile.casefile_helpers import add_result, audit_count

TODAY = date(2026, 3, 16)
TAKEN = datetime(2026, 3, 10, 9)


@pytest.fixture
def campaign(store, school) -> int:
    s = school.students
    decide_level(store, s[3], "key", "去年已是重点关注", decided_on=date(2025, 10, 8))
    add_risk_factor(store, s[4], "bullying", date(2026, 1, 5))
    cid = add_result(store, s[0], "2026春PHQ-9", "key", taken_at=TAKEN)
    add_result(store, s[1], "2026春PHQ-9", "none", critical="9", taken_at=TAKEN,
               answers={"9": "好几天"})
    add_result(store, s[2], "2026春PHQ-9", "none", taken_at=TAKEN)
    add_result(store, s[3], "2026春PHQ-9", "none", taken_at=TAKEN)
    add_result(store, s[4], "2026春PHQ-9", "none", taken_at=TAKEN)
    return cid


def test_queue_lists_students_whose_suggestion_differs(store, school, campaign):
    s = school.students
    queue = campaign_review_queue(store, campaign, TODAY)
    # A critical answer suggests 重点关注 (not 危机); ties in order of 学籍号.
    assert [(i.student_id, i.current_level, i.suggested.level) for i in queue] == [
        (s[0], "none", "key"), (s[1], "none", "key"), (s[4], "none", "general"),
        (s[3], "key", "none")]
    assert "校园欺凌" in queue[2].suggested.reasons[0]
    assert audit_count(store, "warning_list", campaign) == 1


def test_accept_change_and_interview(store, school, campaign):
    s = school.students
    queue = {i.student_id: i for i in campaign_review_queue(store, campaign, TODAY)}

    out = resolve_review(store, queue[s[1]], "accept", today=TODAY)
    assert out.decision is not None and out.decision.level == "key"
    level = open_file(store, s[1]).level
    assert level.reason.startswith("接受测评后的建议等级（重点关注）：")
    assert level.campaign_id == campaign

    with pytest.raises(BadInputError, match="请选择要确定的预警等级"):
        resolve_review(store, queue[s[3]], "change", reason="仍需关注")
    with pytest.raises(BadInputError, match="请填写理由"):
        resolve_review(store, queue[s[3]], "change", level="key")
    resolve_review(store, queue[s[3]], "change", level="key", reason="近期仍有欺凌事件",
                   today=TODAY)
    assert open_file(store, s[3]).level_code == "key"

    out = resolve_review(store, queue[s[0]], "interview", today=TODAY)
    assert out.decision is None and out.interview_due == date(2026, 3, 23)
    remaining = {i.student_id: i for i in campaign_review_queue(store, campaign, TODAY)}
    assert set(remaining) == {s[0], s[4]}
    assert remaining[s[0]].interview_due == date(2026, 3, 23)
    with pytest.raises(BadInputError, match="已安排约谈"):
        resolve_review(store, remaining[s[0]], "interview", today=TODAY)
    f = open_file(store, s[0])
    assert [(x.kind, x.campaign_id) for x in f.open_followups] == [("interview", campaign)]


def test_stale_items_and_unknown_actions_are_refused(store, school, campaign):
    s = school.students
    queue = {i.student_id: i for i in campaign_review_queue(store, campaign, TODAY)}
    with pytest.raises(BadInputError, match="未知的处理方式"):
        resolve_review(store, queue[s[0]], "ignore")
    decide_level(store, s[0], "key", "在档案里直接确定", decided_on=TODAY)
    with pytest.raises(BadInputError, match="已确定过预警等级"):
        resolve_review(store, queue[s[0]], "accept", today=TODAY)
    assert s[0] not in {i.student_id for i in campaign_review_queue(store, campaign, TODAY)}


def test_each_item_carries_the_evidence_of_its_sheet_and_the_last_level(store, school,
                                                                        campaign):
    s = school.students
    queue = {i.student_id: i for i in campaign_review_queue(store, campaign, TODAY)}
    critical = queue[s[1]]
    assert critical.instrument == "患者健康问卷抑郁量表（PHQ-9）"
    assert critical.instrument_code == "phq9" and critical.grade == 7
    ev = critical.evidence
    assert ev is not None and ev.valid and ev.validity == ()
    assert [(c.item, c.answer) for c in ev.critical] == [(9, "好几天")]
    assert ev.total is not None and ev.total.score == 5 and ev.total.band_label == "轻度"
    assert "关键题 第 9 题：好几天" in ev.summary()
    last = queue[s[3]]
    assert (last.current_level, last.level_decided_on) == ("key", date(2025, 10, 8))


def test_filters_by_grade_class_instrument_and_suggestion(store, school, campaign):
    s = school.students
    add_result(store, s[6], "2026春PHQ-9", "key", taken_at=TAKEN)  # class 7(2)
    queue = campaign_review_queue(store, campaign, TODAY)
    pick = lambda f: sorted(i.student_id for i in queue if f.accepts(i))  # noqa: E731
    assert pick(ReviewFilter()) == sorted(i.student_id for i in queue)
    assert pick(ReviewFilter(suggestion="key")) == [s[0], s[1], s[6]]
    assert pick(ReviewFilter(class_name=queue[0].class_name.replace("1", "2"))) == [s[6]]
    assert pick(ReviewFilter(grade=7, suggestion="general")) == [s[4]]
    assert pick(ReviewFilter(grade=8)) == []
    assert pick(ReviewFilter(instrument="mht")) == []
    assert len(pick(ReviewFilter(instrument="phq9"))) == len(queue)


def test_several_at_once_are_confirmed_with_how_many_get_which_level(store, school, campaign):
    queue = campaign_review_queue(store, campaign, TODAY)
    assert decision_counts(queue, "accept") == {"key": 2, "general": 1, "none": 1}
    assert confirmation_text(queue, "accept") == (
        "将为 4 名学生确定预警等级：重点关注 2 人，一般关注 1 人，无 1 人。")
    assert confirmation_text(queue[:3], "change", "general") == (
        "将为 3 名学生确定预警等级：一般关注 3 人。")
    assert confirmation_text(queue[:2], "interview") == (
        "将为 2 名学生安排筛查后约谈，约谈后再确定预警等级。")
    for item in queue:
        resolve_review(store, item, "accept", today=TODAY)
    levels = {i.student_id: open_file(store, i.student_id).level_code for i in queue}
    assert sorted(levels.values()) == ["general", "key", "key", "none"]


def test_invalid_sheets_are_on_the_retest_list_not_in_the_queue(store, school, campaign):
    s = school.students
    add_result(store, s[7], "2026春PHQ-9", "key", taken_at=TAKEN, valid=False,
               reasons=("uniform",), validity_note="全部选同一选项")
    add_result(store, s[8], "2026春PHQ-9", "none", critical="9", taken_at=TAKEN,
               valid=False, reasons=("too_fast",), validity_note="作答过快",
               answers={"9": "几乎每天"})
    queue = campaign_review_queue(store, campaign, TODAY)
    assert not {s[7], s[8]} & {i.student_id for i in queue}
    retest = retest_list(store, campaign)
    assert [(r.student_id, r.validity_note) for r in retest] == [
        (s[8], "作答过快"), (s[7], "全部选同一选项")]  # critical answers first
    assert retest[0].evidence is not None
    assert retest[0].evidence.validity == ("作答过快",)
    assert [(c.item, c.answer) for c in retest[0].evidence.critical] == [(9, "几乎每天")]
    assert audit_count(store, "warning_list", campaign) == 2
    # Its critical answer still raises the same-day task (stored now: due today).
    urgent = today_work(store, date.today()).urgent
    assert [(i.student_id, i.kind) for i in urgent] == [(s[1], "assessment"),
                                                        (s[8], "assessment")]
