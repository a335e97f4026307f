"""The review queue after a campaign: accept, change (with reason), interview first."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.errors import BadInputError
from app.services.casefile import open_file
from app.services.entries import add_risk_factor
from app.services.screening_review import campaign_review_queue, resolve_review
from app.services.warnings import decide_level
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
