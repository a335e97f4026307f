"""Every list of students opens the student's file the same way (app/ui/row_open.py):
a real double-click, Enter on the current row, the row's context action 打开档案 and the
打开档案 button — on the student list, 查看结果, and the lists of 预警与转介."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMainWindow

from app.services.referral.workflow import open_referral
from app.services.screening.campaigns import get_campaign
from app.services.warning.decisions import decide_level
from app.ui.casefile import texts
from app.ui.casefile.file_window import StudentFileWindow
from app.ui.casefile.warnings_page import WarningsPage
from app.ui.screening.results_dialog import ResultsDialog
from app.ui.students_page import StudentsPage
from tests.ui.casefile.casefile_helpers import (
    School,
    add_result,
    current_tab_title,
    idle,
    key_enter,
)
from tests.ui.ui_helpers import shown, visible


def double_click(qtbot, view: QAbstractItemView, row: int) -> None:
    """A double-click as the window system delivers it: QTest's double-click sent to a
    widget arrives without the press Qt pairs it with, so it goes to the window."""
    index = view.model().index(row, 1)
    view.scrollTo(index)
    window = view.window()
    qtbot.waitExposed(window)
    at = view.viewport().mapTo(window, view.visualRect(index).center())
    qtbot.mouseDClick(window.windowHandle(), Qt.MouseButton.LeftButton, pos=at)
    idle(qtbot)


def open_files() -> dict[int, StudentFileWindow]:
    return {w.student_id: w for w in visible(StudentFileWindow)
            if isinstance(w, StudentFileWindow)}


def test_the_student_list_opens_by_double_click_context_action_and_button(
        qtbot, school: School):
    page = StudentsPage(school.ctx, can_manage=True, own_class_only=False)
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    page.reload()
    idle(qtbot)
    page.search.setText("李明轩")
    double_click(qtbot, page.view, 0)
    assert list(open_files()) == [school.students[1]]
    page.search.setText("赵子涵")
    page.view.selectRow(0)
    [action] = page.view.actions()
    assert action.text() == texts.OPEN_FILE
    action.trigger()  # the row's context menu
    idle(qtbot)
    assert set(open_files()) == {school.students[1], school.students[3]}
    page.search.setText("陈浩然")
    page.view.selectRow(0)
    assert page.open_button.text() == texts.OPEN_FILE
    page.open_button.click()
    idle(qtbot)
    assert school.students[4] in open_files()


def test_results_open_the_file_on_double_click_and_enter_and_outlive_the_dialog(
        qtbot, school: School):
    s = school.students
    campaign_id = add_result(school.store, s[2], "秋季 PHQ-9", 21, "severe", "key",
                             date.today(), critical="9")
    add_result(school.store, s[0], "秋季 PHQ-9", 3, "minimal", taken=date.today())
    main = QMainWindow()
    qtbot.addWidget(main)
    main.show()
    dialog = ResultsDialog(school.ctx, get_campaign(school.store, campaign_id), main)
    dialog.show()
    idle(qtbot)
    dialog.critical_only.setChecked(True)
    assert dialog.proxy.rowCount() == 1
    double_click(qtbot, dialog.view, 0)
    assert list(open_files()) == [s[2]]
    window = open_files()[s[2]]
    assert current_tab_title(window) == texts.TAB_OVERVIEW
    dialog.critical_only.setChecked(False)
    row = next(r for r in range(dialog.proxy.rowCount())
               if dialog.proxy.index(r, 1).data() == "张小雨")
    dialog.view.setCurrentIndex(dialog.proxy.index(row, 0))
    key_enter(qtbot, dialog.view)
    idle(qtbot)
    assert set(open_files()) == {s[0], s[2]}
    dialog.close()  # the files belong to the main window, not to 查看结果
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    idle(qtbot)
    assert set(open_files()) == {s[0], s[2]}
    assert all(w.parentWidget() is main for w in open_files().values())


def test_the_warning_lists_open_on_double_click_and_enter(qtbot, school: School):
    s = school.students
    decide_level(school.store, s[0], "key", "测评中度，当面评估情绪低落")
    open_referral(school.store, s[3], {"self_harm"}, date.today())
    page = shown(qtbot, WarningsPage(school.ctx), school.ctx, (1300, 700))

    page.tabs.setCurrentWidget(page.key_list)
    double_click(qtbot, page.key_list.view, 0)
    assert list(open_files()) == [s[0]]

    page.tabs.setCurrentWidget(page.referrals)
    page.referrals.table.setCurrentIndex(page.referrals.model.index(0, 0))
    key_enter(qtbot, page.referrals.table)
    idle(qtbot)
    assert set(open_files()) == {s[0], s[3]}
    assert current_tab_title(open_files()[s[3]]) == texts.TAB_REFERRAL

    page.tabs.setCurrentWidget(page.today)
    work = page.today.work
    row = next(r for r in range(work.model().rowCount())
               if work.model().index(r, 3).data() == "赵子涵")
    for window in open_files().values():
        window.close()
    idle(qtbot)
    double_click(qtbot, work, row)
    assert list(open_files()) == [s[3]]
