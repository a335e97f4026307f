"""The application's keys from the student's file window, where a teacher most needs
them: Ctrl+L locks with the file window (or a form opened from it) holding the focus
and hides every window at once; Ctrl+F brings the student search forward, but not
while a form waits for an answer."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from app.services.warning.decisions import decide_level
from app.ui.casefile.file_window import StudentFileWindow, open_student_file
from app.ui.main_window import MainWindow
from app.ui.students_page import StudentsPage
from tests.ui.casefile.casefile_helpers import School
from tests.ui.ui_helpers import closed, idle


def signed_in(qtbot, school: School) -> MainWindow:
    window = MainWindow(school.ctx)
    qtbot.addWidget(window)
    window.attach(school.store)
    idle(qtbot)
    return window


def activate(qtbot, window: QWidget) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)


def focus_in(qtbot, widget: QWidget) -> None:
    """Make `widget`'s window the active one and give the widget the keyboard, as a
    click into it would."""
    activate(qtbot, widget.window())
    widget.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=3000)


def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
          ) -> None:
    focus = QApplication.focusWidget()
    assert focus is not None
    QTest.keyClick(focus, key, modifier)


def test_ctrl_l_in_a_form_over_the_file_window_hides_every_window(qtbot, school: School):
    decide_level(school.store, school.students[0], "key", "测评中度，当面评估情绪低落")
    window = signed_in(qtbot, school)
    locked: list[str] = []
    window.locked.connect(locked.append)
    file = open_student_file(school.ctx, window, school.students[0], "warning")
    idle(qtbot)
    assert isinstance(file, StudentFileWindow) and file.isVisible()
    form = file.pages["warning"].decide()  # type: ignore[attr-defined]
    assert form is not None and form.isModal()
    focus_in(qtbot, form.reason)  # the reason being typed, in a window-modal form
    QTest.keyClicks(form.reason, "qingxu")
    press(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert closed(form) and closed(file) and not window.isVisible()
    qtbot.waitUntil(lambda: locked == ["admin"], timeout=5000)
    assert school.ctx.store is None
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def test_ctrl_l_with_the_file_window_focused(qtbot, school: School):
    window = signed_in(qtbot, school)
    locked: list[str] = []
    window.locked.connect(locked.append)
    file = open_student_file(school.ctx, window, school.students[1])
    idle(qtbot)
    focus_in(qtbot, file.tabs.tabBar())
    press(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert closed(file) and not window.isVisible()
    qtbot.waitUntil(lambda: locked == ["admin"], timeout=5000)


def test_ctrl_f_in_the_file_window_brings_the_student_search_forward(qtbot, school: School):
    window = signed_in(qtbot, school)
    assert window.stack.currentWidget() is not window.students_page  # staff: 预警与转介
    page = window.students_page
    assert isinstance(page, StudentsPage)
    page.search.setText("wsq")
    file = open_student_file(school.ctx, window, school.students[2])
    idle(qtbot)
    window.setWindowState(Qt.WindowState.WindowMinimized)  # out of the way
    focus_in(qtbot, file.tabs.tabBar())
    press(Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert not window.isMinimized()
    assert window.stack.currentWidget() is page
    qtbot.waitUntil(page.search.hasFocus, timeout=3000)
    assert page.search.selectedText() == "wsq"  # typing replaces the last search
    assert file.isVisible()  # the file stays open beside the list


def test_ctrl_f_waits_while_a_form_asks_for_an_answer(qtbot, school: School):
    window = signed_in(qtbot, school)
    file = open_student_file(school.ctx, window, school.students[0], "warning")
    idle(qtbot)
    form = file.pages["warning"].decide()  # type: ignore[attr-defined]
    assert form is not None
    focus_in(qtbot, form.reason)
    press(Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert form.isVisible() and form.reason.hasFocus()
    assert window.stack.currentWidget() is not window.students_page
