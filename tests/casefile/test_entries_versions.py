"""Entries are versioned: corrections and withdrawals add rows, originals stay visible."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.errors import BadInputError
from app.models import CounsellingRecord, RiskFactor
from app.services.casefile.entries import (
    add_counselling,
    add_risk_factor,
    add_signal,
    correct_entry,
    entry_history,
    resolve_risk_factor,
    withdraw_entry,
)
from app.services.casefile.plans import add_pairing, end_pairing, review_plan, save_plan
from app.services.casefile.snapshot import open_file
from tests.casefile.casefile_helpers import audit_count

DAY = date(2025, 10, 8)


def test_correction_keeps_the_original_for_the_auditor(store, school):
    sid = school.students[0]
    rid = add_counselling(store, sid, DAY, "individual", "第一次记录")
    new_id = correct_entry(store, "counselling", rid, "日期记错", held_on=DAY - timedelta(1),
                           kind="group")

    f = open_file(store, sid)
    assert [(c.id, c.kind, c.held_on, c.corrected) for c in f.counselling] == [
        (new_id, "group", DAY - timedelta(1), True)]
    history = entry_history(store, "counselling", new_id)
    assert [v.id for v in history] == [rid, new_id]
    assert history[0].fields["kind"] == "individual" and history[0].fields["held_on"] == DAY
    assert history[1].change_reason == "日期记错" and history[1].supersedes_id == rid
    assert entry_history(store, "counselling", rid) == history  # from any version
    with store.read() as session:
        assert session.scalar(select(func.count(CounsellingRecord.id))) == 2


def test_withdrawn_entry_leaves_lists_but_not_history(store, school):
    sid = school.students[0]
    rid = add_signal(store, sid, "parent", DAY, "记在了错误的学生名下")
    wid = withdraw_entry(store, "signal", rid, "录错学生")
    assert open_file(store, sid).signals == ()
    history = entry_history(store, "signal", rid)
    assert [v.withdrawn for v in history] == [False, True]
    with pytest.raises(BadInputError, match="已撤回"):
        correct_entry(store, "signal", wid, "再改", description="x")


def test_an_old_version_cannot_be_corrected_again(store, school):
    rid = add_counselling(store, school.students[0], DAY, "individual", "内容")
    correct_entry(store, "counselling", rid, "补充", content="内容（补充）")
    with pytest.raises(BadInputError, match="已有更新的版本"):
        correct_entry(store, "counselling", rid, "再补充", content="另一版本")


@pytest.mark.parametrize(("call", "message"), [
    (lambda s, sid: add_risk_factor(s, sid, "rich", DAY), "未知的处境不利因素"),
    (lambda s, sid: add_risk_factor(s, sid, "poverty", date.today() + timedelta(1)),
     "发现日期不能晚于今天"),
    (lambda s, sid: add_counselling(s, sid, DAY, "individual", "  "), "请填写辅导内容"),
    (lambda s, sid: add_counselling(s, sid, DAY, "chat", "x"), "未知的辅导类型"),
    (lambda s, sid: add_signal(s, sid, "neighbour", DAY, "x"), "未知的信息来源"),
    (lambda s, sid: add_signal(s, sid, "parent", DAY, "x", severity="bad"), "未知的严重程度"),
    (lambda s, sid: add_pairing(s, sid, "mentor", "", DAY), "请填写结对人员姓名"),
    (lambda s, sid: save_plan(s, sid, "key", "", "措施", "", DAY), "请填写辅导目标"),
    (lambda s, sid: save_plan(s, sid, "key", "目标", "措施", "", None), "下次评估日期"),
    (lambda s, sid: review_plan(s, sid, DAY, "continue", next_review_on=DAY + timedelta(30)),
     "还没有一生一策计划"),
    (lambda s, sid: add_signal(s, 99999, "parent", DAY, "x"), "找不到该学生"),
])
def test_bad_entries_are_refused_in_chinese(store, school, call, message):
    with pytest.raises(BadInputError, match=message):
        call(store, school.students[0])
    assert audit_count(store, "student_edit") == 0


def test_correction_needs_a_reason_and_a_change(store, school):
    rid = add_counselling(store, school.students[0], DAY, "individual", "内容")
    with pytest.raises(BadInputError, match="说明原因"):
        correct_entry(store, "counselling", rid, " ", content="新")
    with pytest.raises(BadInputError, match="没有要更正"):
        correct_entry(store, "counselling", rid, "原因")
    with pytest.raises(BadInputError, match="不能这样更正"):
        correct_entry(store, "counselling", rid, "原因", student_id=school.students[1])


def test_resolving_a_risk_factor_is_a_new_version(store, school):
    sid = school.students[0]
    rid = add_risk_factor(store, sid, "bereavement", date(2025, 3, 1), "家长", "祖母去世")
    with pytest.raises(BadInputError, match="不能早于发现日期"):
        resolve_risk_factor(store, rid, date(2025, 2, 1))
    new_id = resolve_risk_factor(store, rid, date(2025, 9, 1))
    with pytest.raises(BadInputError, match="已于 2025-09-01 解除"):
        resolve_risk_factor(store, new_id, date(2025, 9, 2))
    factor = open_file(store, sid).risk_factors[0]
    assert factor.resolved_on == date(2025, 9, 1)
    assert factor.active_on(date(2025, 8, 31)) and not factor.active_on(date(2025, 9, 1))
    with store.read() as session:
        original = session.get(RiskFactor, rid)
        assert original is not None and original.resolved_on is None


def test_plan_revisions_and_reviews(store, school):
    sid = school.students[2]
    first = save_plan(store, sid, "general", "适应新环境", "每月谈话", "班主任", date(2025, 11, 1))
    second = save_plan(store, sid, "key", "稳定情绪", "每周辅导", "心理教师", date(2025, 10, 15),
                       reason="评估后升级")
    f = open_file(store, sid)
    assert f.plan is not None and f.plan.id == second and f.plan.corrected
    assert [v.change_reason for v in entry_history(store, "plan", second)] == ["", "评估后升级"]
    assert first != second
    with pytest.raises(BadInputError, match="应晚于本次评估日期"):
        review_plan(store, sid, DAY, "continue", next_review_on=DAY)
    review_plan(store, sid, DAY, "continue", "情绪好转", next_review_on=date(2025, 11, 8))
    f = open_file(store, sid)
    assert f.plan.next_review_on == date(2025, 11, 8) and not f.plan.closed
    review_plan(store, sid, DAY + timedelta(1), "close", "目标达成")
    f = open_file(store, sid)
    assert f.plan.closed and f.plan.next_review_on is None
    assert [r.outcome for r in f.plan_reviews] == ["continue", "close"]


def test_pairings_end_as_new_versions(store, school):
    sid = school.students[3]
    pid = add_pairing(store, sid, "mentor", "李老师", date(2025, 9, 1))
    with pytest.raises(BadInputError, match="不能早于开始日期"):
        end_pairing(store, pid, date(2025, 8, 1))
    ended = end_pairing(store, pid, date(2025, 12, 31))
    with pytest.raises(BadInputError, match="已于 2025-12-31 结束"):
        end_pairing(store, ended, date(2026, 1, 5))
    assert open_file(store, sid).pairings[0].ended_on == date(2025, 12, 31)


def test_every_write_is_audited_on_the_student(store, school):
    sid = school.students[4]
    rid = add_counselling(store, sid, DAY, "phone", "电话联系家长")
    correct_entry(store, "counselling", rid, "补记", content="电话联系母亲")
    add_risk_factor(store, sid, "poverty", DAY)
    add_pairing(store, sid, "leader", "张校长", DAY)
    save_plan(store, sid, "general", "目标", "措施", "", DAY + timedelta(30))
    assert audit_count(store, "student_edit", sid) == 5
    entry_history(store, "counselling", rid)
    assert audit_count(store, "student_open", sid) == 1


def test_the_recorder_shows_as_the_teachers_name(store, school, db_path):
    """记录人 reads 刘老师, not the login name; the stored record keeps the username."""
    from app.services.accounts.auth import unlock
    from app.services.accounts.users import create_user

    create_user(store, "liu", "刘老师", "counselor", "pass-word-9")
    store.close()
    with unlock(db_path, "liu", "pass-word-9") as liu:
        sid = school.students[0]
        rid = add_counselling(liu, sid, DAY, "individual", "谈话记录")
        [row] = open_file(liu, sid).counselling
        assert row.created_by == "刘老师"
        assert [v.created_by for v in entry_history(liu, "counselling", rid)] == ["刘老师"]
        with liu.read() as session:
            assert session.get(CounsellingRecord, rid).created_by == "liu"
