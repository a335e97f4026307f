"""The 预警与转介 page over the real services: the key-student list and its filters,
the screening review queue (accept, change with a reason, interview first), today's
work, and opening a student's file from each."""

from __future__ import annotations

from datetime import date, timedelta

from app.services.referral.workflow import open_referral
from app.services.warning.decisions import decide_level
from app.ui.casefile import texts
from app.ui.casefile.file_window import StudentFileWindow
from app.ui.casefile.warnings_page import WarningsPage
from tests.ui.casefile.casefile_helpers import School, add_result, column, current_tab_title, submit
from tests.ui.ui_helpers import closed, idle, shown, visible

NAME = 1  # the 姓名 column of the key list, the review queue and the referral list


def warnings_page(qtbot, school: School) -> WarningsPage:
    return shown(qtbot, WarningsPage(school.ctx), school.ctx, (1100, 600))


def decide_some(school: School) -> None:
    s = school.students
    decide_level(school.store, s[0], "crisis", "心理委员报告自伤痕迹，当面评估确认",
                 decided_on=date.today() - timedelta(days=70))
    decide_level(school.store, s[1], "key", "测评中度，当面评估情绪低落")
    decide_level(school.store, s[3], "general", "丧亲，情绪平稳")


def shown_names(page: WarningsPage) -> list[str]:
    return column(page.key_list.proxy, NAME)


def test_key_list_filters_and_overdue(qtbot, school: School):
    decide_some(school)
    page = warnings_page(qtbot, school)
    keys = page.key_list
    assert shown_names(page) == ["张小雨", "李明轩", "赵子涵"]  # most severe first
    assert keys.model.rows[0].overdue
    overdue = keys.model.index(0, 7).data()
    assert overdue.startswith("逾期 ") and overdue.endswith(" 天")
    assert keys.model.index(0, 0).data(0x8) is not None  # BackgroundRole: tinted
    assert keys.model.index(1, 0).data(0x8) is None
    assert keys.count.text() == texts.KEY_COUNT.format(shown=3, total=3, overdue=1)

    keys.level.setCurrentIndex(keys.level.findData("key"))
    assert shown_names(page) == ["李明轩"]
    keys.level.setCurrentIndex(0)
    keys.overdue.setChecked(True)
    assert shown_names(page) == ["张小雨"]
    keys.overdue.setChecked(False)
    keys.grade.setCurrentIndex(keys.grade.findData(8))
    assert shown_names(page) == ["赵子涵"]
    assert [keys.school_class.itemText(i) for i in range(keys.school_class.count())] == [
        "全部班级", "初二(2)班"]
    keys.grade.setCurrentIndex(0)
    keys.school_class.setCurrentIndex(keys.school_class.findData("初一(1)班"))
    assert shown_names(page) == ["张小雨", "李明轩"]

    keys.view.activated.emit(keys.proxy.index(1, 0))
    idle(qtbot)
    [window] = visible(StudentFileWindow)
    assert isinstance(window, StudentFileWindow) and window.student_id == school.students[1]
    assert current_tab_title(window) == texts.TAB_WARNING


def test_review_queue_accept_change_and_interview(qtbot, school: School):
    s = school.students
    add_result(school.store, s[2], "2025秋季 PHQ-9", 12, "moderate", "key", date.today())
    add_result(school.store, s[4], "2025秋季 PHQ-9", 7, "mild", "general", date.today())
    add_result(school.store, s[5], "2025秋季 PHQ-9", 16, "moderately_severe", "key",
               date.today(), critical="9")
    page = warnings_page(qtbot, school)
    review = page.review
    assert review.campaign.currentText() == "2025秋季 PHQ-9（待复核 3 人）"
    # A critical answer suggests 重点关注 (危机 is decided after the same-day assessment).
    assert column(review.model, NAME) == ["王思琪", "刘雨桐", "陈浩然"]
    assert column(review.model, 9) == ["重点关注", "重点关注", "一般关注"]
    assert review.model.index(1, 6).data() == "第 9 题：几乎每天"
    assert "关键题第 9 题“几乎每天”" in review.model.index(1, 11).data()
    assert column(review.model, 4) == ["12（中度）", "16（中重度）", "7（轻度）"]

    review.table.selectRow(0)
    review.resolve_selected("accept")
    idle(qtbot)
    assert column(review.model, NAME) == ["刘雨桐", "陈浩然"]
    assert shown_names(page) == ["王思琪"]  # now on the key-student list
    assert page.key_list.model.rows[0].level == "key"

    review.table.selectRow(1)
    dialog = review.change_selected()
    assert dialog is not None
    dialog.level.setCurrentIndex(dialog.level.findData("none"))
    submit(qtbot, dialog)
    assert dialog.error.text() == "不采用建议等级时，请填写理由。"
    dialog.reason.setPlainText("约谈后情绪平稳，近期考试压力，暂不列入")
    submit(qtbot, dialog)
    assert closed(dialog)
    assert column(review.model, NAME) == ["刘雨桐"]

    review.table.selectRow(0)
    review.resolve_selected("interview")
    idle(qtbot)
    assert column(review.model, NAME) == ["刘雨桐"]  # stays until a level is decided
    assert review.model.index(0, 10).data() != ""  # the interview's due date
    assert [q.pending for q in page.loaded.today.review_queues] == [1]  # type: ignore[union-attr]


def test_today_lists_overdue_work_and_opens_the_file(qtbot, school: School):
    decide_some(school)
    open_referral(school.store, school.students[3], {"psychosis"},
                  opened_on=date.today() - timedelta(days=3))
    page = warnings_page(qtbot, school)
    today = page.today
    assert page.tabs.currentWidget() is today
    rows = [(today.work_model.index(r, 1).data(), today.work_model.index(r, 3).data())
            for r in range(today.work_model.rowCount())]
    assert ("定期随访", "张小雨") in rows
    assert ("转介：危机评估", "赵子涵") in rows
    # 张小雨's 危机 decision opened the crisis checklist: its four items come first.
    assert rows[:4] == [("危机：面谈评估", "张小雨"), ("危机：通知监护人", "张小雨"),
                        ("危机：安全计划", "张小雨"), ("危机：转介决定", "张小雨")]
    assert today.summary.text().startswith("当天必须处理 4 项")

    [row] = [r for r in range(today.work_model.rowCount())
             if today.work_model.index(r, 3).data() == "赵子涵"]
    today.work.activated.emit(today.work_model.index(row, 0))
    idle(qtbot)
    [window] = visible(StudentFileWindow)
    assert isinstance(window, StudentFileWindow)
    assert current_tab_title(window) == texts.TAB_REFERRAL

    referrals = page.referrals
    assert column(referrals.model, NAME) == ["赵子涵"]
    assert referrals.model.index(0, 7).data() == texts.OVERDUE_DAYS.format(days=3)
