"""The student file window over the real services: opening it from the student list,
counselling records added and corrected (the original kept), deciding a level with a
reason, and what a class teacher may see."""

from __future__ import annotations

import os
from datetime import date, timedelta

from PySide6.QtWidgets import QPushButton

from app.services.accounts.auth import unlock
from app.services.accounts.users import create_user
from app.services.casefile.entries import add_counselling, add_risk_factor
from app.services.casefile.plans import add_pairing, save_plan
from app.services.warning.decisions import decide_level
from app.ui import strings
from app.ui.casefile import texts
from app.ui.casefile.file_window import StudentFileWindow, open_student_file
from app.ui.casefile.records_tab import RecordsTab
from app.ui.casefile.warning_tab import WarningTab
from app.ui.casefile.warnings_page import WarningsPage
from app.ui.main_window import MainWindow
from app.ui.store_context import StoreContext
from app.ui.students_page import StudentsPage
from tests.ui.casefile.casefile_helpers import (
    School,
    add_result,
    all_text,
    audit_count,
    column,
    key_enter,
    open_file,
    submit,
    table_texts,
)
from tests.ui.ui_helpers import close_boxes, closed, idle, message_boxes, visible

CT_PASSWORD = "class-teacher-1"
ALL_TABS = [texts.TAB_OVERVIEW, texts.TAB_RISKS, texts.TAB_SCREENING, texts.TAB_COUNSELLING,
            texts.TAB_PLAN, texts.TAB_HOME, texts.TAB_WARNING, texts.TAB_REFERRAL,
            texts.TAB_CONFERENCE]


def test_enter_on_the_student_list_opens_the_file(qtbot, school: School):
    page = StudentsPage(school.ctx, can_manage=True, own_class_only=False)
    qtbot.addWidget(page)
    page.show()
    page.reload()
    idle(qtbot)
    page.search.setText("王思琪")
    assert page.proxy.rowCount() == 1
    page.view.setCurrentIndex(page.proxy.index(0, 0))
    key_enter(qtbot, page.view)
    idle(qtbot)
    [window] = visible(StudentFileWindow)
    assert isinstance(window, StudentFileWindow)
    assert window.student_id == school.students[2]
    assert "王思琪" in window.windowTitle() and "初一(1)班" in window.windowTitle()
    assert window.tab_titles() == ALL_TABS
    assert "母亲" in all_text(window.pages["overview"])
    assert audit_count(school.store, "student_open", school.students[2]) == 1

    again = page.open_file(page.proxy.index(0, 1))  # the same student: the same window
    assert again is window
    idle(qtbot)
    assert audit_count(school.store, "student_open", school.students[2]) == 1


def test_add_then_correct_a_record_keeps_the_original(qtbot, school: School):
    window = open_file(qtbot, school.ctx, school.students[0], "counselling")
    tab = window.pages["counselling"]
    assert isinstance(tab, RecordsTab)
    assert window.tabs.currentWidget() is tab

    dialog = tab.add()
    assert dialog is not None
    submit(qtbot, dialog)  # no content: the service refuses, the form stays
    assert dialog.error.text() == "请填写辅导内容或记录要点。"
    assert dialog.isVisible()
    dialog.content.setPlainText("第一次个体辅导：谈到期中考试压力大，睡眠不好。")
    dialog.participants.setPlainText("心理教师")
    dialog.confidential.setChecked(True)
    submit(qtbot, dialog)
    assert closed(dialog)
    assert column(tab.model, 6) == ["第一次个体辅导：谈到期中考试压力大，睡眠不好。"]
    assert column(tab.model, 5) == [texts.CONFIDENTIAL]

    tab.table.selectRow(0)
    correction = tab.correct()
    assert correction is not None
    correction.content.setPlainText("第一次个体辅导：谈到期中考试压力大，入睡困难约两周。")
    submit(qtbot, correction)  # a correction needs its reason
    assert correction.error.text() == "更正记录时请说明原因。"
    correction.reason.setPlainText("补充睡眠情况的持续时间")
    submit(qtbot, correction)
    assert closed(correction)
    assert column(tab.model, 6) == ["第一次个体辅导：谈到期中考试压力大，入睡困难约两周。"]
    assert column(tab.model, 5) == [f"{texts.CONFIDENTIAL}、{texts.CORRECTED}"]

    tab.table.selectRow(0)
    assert tab.history_button.isEnabled()
    history = tab.history()
    assert history is not None
    idle(qtbot)
    shown = history.browser.toPlainText()
    assert "睡眠不好" in shown and "入睡困难约两周" in shown
    assert texts.HISTORY_ORIGINAL in shown and "补充睡眠情况的持续时间" in shown


def test_tabs_are_made_when_first_shown_and_follow_reloads(qtbot, school: School):
    """Only the tab on screen is made when the file opens (the ten-year file's window
    target, docs/PERFORMANCE.md); a tab made later shows the file as last loaded, and a
    write that names the file refreshes the tabs made so far."""
    sid = school.students[0]
    add_counselling(school.store, sid, date.today(), "individual", "第一次个体辅导")
    window = open_file(qtbot, school.ctx, sid)
    assert window.findChildren(RecordsTab) == [] and window.findChildren(WarningTab) == []
    assert window.tab_titles() == ALL_TABS
    window.tabs.setCurrentIndex(ALL_TABS.index(texts.TAB_COUNSELLING))
    [made] = window.findChildren(RecordsTab)
    assert window.tabs.currentWidget() is made is window.pages["counselling"]
    assert window.tab_titles() == ALL_TABS
    assert column(made.model, 1) == ["个体辅导"]

    school.ctx.mutate(window, lambda store, _progress: add_counselling(
        store, sid, date.today(), "individual", "第二次个体辅导"), lambda _: None)
    idle(qtbot)
    assert column(made.model, 1) == ["个体辅导", "个体辅导"]
    warning = window.pages["warning"]  # asked for by key: made now, from the reloaded file
    assert isinstance(warning, WarningTab)
    assert window.tabs.currentWidget() is made
    assert len(window.findChildren(RecordsTab)) == 1


def test_home_contacts_have_their_own_tab(qtbot, school: School):
    sid = school.students[0]
    add_counselling(school.store, sid, date.today(), "individual", "个体辅导内容")
    add_counselling(school.store, sid, date.today(), "home_visit", "家访：与母亲谈学习安排")
    window = open_file(qtbot, school.ctx, sid)
    home = window.pages["home"]
    assert isinstance(home, RecordsTab)
    assert column(home.model, 1) == ["家访"]
    assert column(window.pages["counselling"].model, 1) == ["个体辅导"]  # type: ignore[attr-defined]
    dialog = home.add()
    assert dialog is not None
    assert [dialog.kind.itemText(i) for i in range(dialog.kind.count())] == [
        "家访", "电话联系", "三方沟通"]


def test_deciding_a_level_needs_a_reason(qtbot, school: School):
    sid = school.students[1]
    add_risk_factor(school.store, sid, "left_behind", date.today() - timedelta(days=20))
    add_risk_factor(school.store, sid, "academic_difficulty", date.today() - timedelta(days=20))
    window = open_file(qtbot, school.ctx, sid, "warning")
    tab = window.pages["warning"]
    assert isinstance(tab, WarningTab)
    assert "一般关注" in tab.suggested.text() and "留守" in tab.suggested.text()

    dialog = tab.decide()
    assert dialog is not None
    assert dialog.level.currentData() == "general"  # the rules' suggestion, preselected
    assert "同时存在 2 项处境不利因素" in dialog.summary.text()
    dialog.level.setCurrentIndex(dialog.level.findData("key"))
    submit(qtbot, dialog)
    assert dialog.error.text() == "请填写确定预警等级的理由。"
    assert dialog.isVisible()
    assert table_texts(tab.history) == []

    dialog.reason.setPlainText("当面评估：情绪低落两周，班主任反映作业多次未交")
    submit(qtbot, dialog)
    assert closed(dialog)
    [row] = table_texts(tab.history)
    assert row[1:4] == ["重点关注", "一般关注", "当面评估：情绪低落两周，班主任反映作业多次未交"]
    assert "重点关注" in window.header.text()
    assert column(tab.followup_model, 0) == ["定期随访"]  # the level schedules a follow-up
    assert "下次随访" in window.pages["overview"].level.text()  # type: ignore[attr-defined]


def test_class_teacher_sees_the_summary_without_confidential_notes(qtbot, school: School,
                                                                   db_path):
    sid = school.students[0]
    store = school.store
    add_counselling(store, sid, date.today(), "individual", "SECRET-保密谈话：家庭矛盾",
                    participants="心理教师", confidential=True)
    add_counselling(store, sid, date.today(), "phone", "CONTENT-电话沟通内容")
    add_result(store, sid, "2025秋季 PHQ-9", 12, "moderate", "key", date.today())
    decide_level(store, sid, "key", "REASON-测评中度且当面评估确认")
    save_plan(store, sid, "key", "稳定情绪", "每两周个体辅导", "心理教师、班主任",
              date.today() + timedelta(days=30))
    add_pairing(store, sid, "mentor", "王老师", date.today())
    create_user(store, "ct", "班主任李老师", "class_teacher", CT_PASSWORD,
                class_id=school.class_ids[0])
    store.close()
    with unlock(db_path, "ct", CT_PASSWORD) as teacher:
        window = open_file(qtbot, StoreContext(teacher), sid)
        assert window.tab_titles() == [texts.TAB_OVERVIEW, texts.TAB_RISKS, texts.TAB_PLAN,
                                       texts.TAB_HOME, texts.TAB_WARNING]
        assert window.note.isVisible()
        assert texts.FILE_TITLE_SUMMARY.split("·")[0].strip() in window.windowTitle()
        buttons = []
        for tab in window.pages.values():
            window.tabs.setCurrentWidget(tab)
            buttons += [b.text() for b in tab.findChildren(QPushButton) if b.isVisible()]
        assert buttons == []  # a class teacher reads; the counselling room writes
        shown = all_text(window)
        assert "SECRET" not in shown and "CONTENT" not in shown and "REASON" not in shown
        assert "重点关注" in shown and "王老师" in shown
        # The plan: who carries it, not its goals and measures (sealed, shown withheld).
        assert "心理教师、班主任" in shown and "（保密）" in shown
        assert "稳定情绪" not in shown and "每两周个体辅导" not in shown
        if os.environ.get("QINGXIN_SCREENS_DIR"):
            window.tabs.setCurrentWidget(window.pages["plan"])
            window.grab().save(os.path.join(os.environ["QINGXIN_SCREENS_DIR"],
                                            "class-teacher-plan.png"))
        assert "电话联系" in shown  # the contact is listed, its content is not
        window.close()
        idle(qtbot)

        # Another class's student: the service refuses and the window closes itself.
        other = open_student_file(StoreContext(teacher), None, school.students[4])
        idle(qtbot)
        assert [box.text() for box in message_boxes()] == [
            "您只能查看本班（年级组长：本年级）学生的档案摘要。"]
        close_boxes()
        assert closed(other)


def test_the_lock_closes_open_files_and_empties_the_lists(qtbot, school: School):
    decide_level(school.store, school.students[0], "key", "测评中度，当面评估情绪低落")
    window = MainWindow(school.ctx)
    qtbot.addWidget(window)
    window.attach(school.store)
    idle(qtbot)
    window.show_area(strings.NAV_WARNINGS)
    page = window.stack.currentWidget()
    assert isinstance(page, WarningsPage)
    assert page.key_list.model.rowCount() == 1
    page.key_list.view.activated.emit(page.key_list.proxy.index(0, 0))
    idle(qtbot)
    [file] = visible(StudentFileWindow)
    dialog = file.pages["warning"].decide()  # type: ignore[attr-defined]
    window.lock()
    assert closed(file) and closed(dialog)
    assert page.key_list.model.rowCount() == 0 and page.today.work_model.rowCount() == 0
