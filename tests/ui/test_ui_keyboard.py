"""A teacher with the keyboard only: every main page's Tab order passes a table in one
stop (arrows move inside it), Enter in the student search opens the one student found,
and after unlocking the keyboard is back where it was, not in a table."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

from app.models import SchoolClass, Student
from app.services.setup import create_school
from app.ui import strings
from app.ui.casefile.file_window import StudentFileWindow
from app.ui.login import LoginDialog
from app.ui.main_window import MainWindow
from app.ui.shell import Shell
from app.ui.students_page import StudentsPage
from tests.ui.ui_helpers import idle, visible

PASSWORD = "correct-horse-1"
NAMES = ("张三", "张珊珊", "李四", "王小明")
MAX_STOPS = 60


def login(qtbot, shell: Shell) -> MainWindow:
    dialog = shell.front
    assert isinstance(dialog, LoginDialog) and dialog.isVisible()
    dialog.username.setText("admin")
    dialog.password.setText(PASSWORD)
    dialog.submit.click()
    qtbot.waitUntil(lambda: dialog.op is not None and not dialog.op.running, timeout=10_000)
    idle(qtbot)
    assert shell.window.isVisible()
    return shell.window


@pytest.fixture
def window(qtbot, db_path: Path) -> MainWindow:
    """The admin signed in to a school of four students in 初一(1)班."""
    create_school(db_path, "青心实验中学", "admin", PASSWORD)
    shell = Shell(db_path)
    shell.start()
    window = login(qtbot, shell)
    store = window.ctx.require_store()
    with store.write() as session:
        klass = SchoolClass(grade=7, number=1)
        session.add(klass)
        session.flush()
        session.add_all(Student(student_no=f"G20130101000{i}", name=name, gender="MF"[i % 2],
                                birth_date=date(2013, 1, 1 + i), class_id=klass.id)
                        for i, name in enumerate(NAMES))
    window.students_page.reload()  # type: ignore[union-attr]
    idle(qtbot)
    window._shell = shell  # type: ignore[attr-defined]  # kept alive with the window
    return window


def activate(qtbot, window: QWidget) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)


def tab_stops(qtbot, window: MainWindow) -> list[QWidget]:
    """Press Tab from the sidebar until the focus is back on it: every stop on the way."""
    activate(qtbot, window)
    window.nav.setFocus(Qt.FocusReason.TabFocusReason)
    stops: list[QWidget] = []
    for _ in range(MAX_STOPS):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focus = QApplication.focusWidget()
        assert focus is not None
        if focus is window.nav:
            return stops
        stops.append(focus)
    raise AssertionError(f"Tab never came back to the sidebar: {stops[-10:]}")


def page_views(window: MainWindow) -> list[QAbstractItemView]:
    page = window.stack.currentWidget()
    return [v for v in page.findChildren(QAbstractItemView) if v.isVisibleTo(window)
            and v.focusPolicy() & Qt.FocusPolicy.TabFocus]


def test_tab_passes_each_table_of_every_main_page_in_one_stop(qtbot, window: MainWindow):
    assert not [v for v in window.findChildren(QAbstractItemView) if v.tabKeyNavigation()]
    seen_tables = 0
    for row in range(window.nav.count()):
        window.nav.setCurrentRow(row)
        idle(qtbot)
        page = window.stack.currentWidget()
        stops = tab_stops(qtbot, window)
        for view in page_views(window):
            assert stops.count(view) == 1, (window.nav.item(row).text(), stops)
            seen_tables += 1
        # the page's own stops, then 锁定 at the bottom (and the backup bar on top)
        on_page = [i for i, w in enumerate(stops) if page.isAncestorOf(w)]
        assert on_page and on_page == list(range(len(on_page)))
        assert stops[len(on_page)] is window.lock_button
        assert len(stops) < 15
    assert seen_tables >= 5  # students, campaigns and classes, today's work and queues


def test_arrows_move_inside_the_student_table_and_tab_leaves_it(qtbot, window: MainWindow):
    window.show_area(strings.NAV_STUDENTS)
    page = window.students_page
    assert isinstance(page, StudentsPage) and page.proxy.rowCount() == len(NAMES)
    activate(qtbot, window)
    page.promote_button.setFocus(Qt.FocusReason.TabFocusReason)
    QTest.keyClick(page.promote_button, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.view
    page.view.setCurrentIndex(page.proxy.index(0, 1))
    QTest.keyClick(page.view, Qt.Key.Key_Down)
    QTest.keyClick(page.view, Qt.Key.Key_Right)
    assert (page.view.currentIndex().row(), page.view.currentIndex().column()) == (1, 2)
    QTest.keyClick(page.view, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is window.lock_button


def test_enter_in_the_search_opens_the_one_student_found(qtbot, window: MainWindow):
    window.show_area(strings.NAV_STUDENTS)
    page = window.students_page
    assert isinstance(page, StudentsPage)
    activate(qtbot, window)
    page.search.setFocus()
    QTest.keyClicks(page.search, "zs")  # 张三, 张珊珊: Enter goes to the first of them
    QTest.keyClick(page.search, Qt.Key.Key_Return)
    idle(qtbot)
    assert not visible(StudentFileWindow)
    assert QApplication.focusWidget() is page.view
    assert page.view.currentIndex().row() == 0
    QTest.keyClick(page.view, Qt.Key.Key_Down)
    QTest.keyClick(page.view, Qt.Key.Key_Return)
    idle(qtbot)
    [second] = visible(StudentFileWindow)
    assert "张珊珊" in second.windowTitle()
    second.close()

    activate(qtbot, window)
    page.search.setFocus()
    page.search.selectAll()
    QTest.keyClicks(page.search, "lisi")
    assert page.proxy.rowCount() == 1
    QTest.keyClick(page.search, Qt.Key.Key_Enter)
    idle(qtbot)
    [file] = visible(StudentFileWindow)
    assert isinstance(file, StudentFileWindow) and "李四" in file.windowTitle()

    activate(qtbot, window)
    page.search.selectAll()
    QTest.keyClicks(page.search, "nobody")
    QTest.keyClick(page.search, Qt.Key.Key_Return)
    assert page.search.hasFocus() and visible(StudentFileWindow) == [file]


def test_after_unlocking_the_keyboard_is_back_where_it_was(qtbot, window: MainWindow):
    shell: Shell = window._shell  # type: ignore[attr-defined]
    window.show_area(strings.NAV_STUDENTS)
    page = window.students_page
    assert isinstance(page, StudentsPage)
    activate(qtbot, window)
    page.level.setFocus()
    QTest.keyClick(page.level, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    idle(qtbot)
    assert not window.isVisible()
    login(qtbot, shell)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.level, timeout=3000)

    page.view.setFocus()  # in the table: the lock empties it, so not back there
    QTest.keyClick(page.view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    idle(qtbot)
    login(qtbot, shell)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search, timeout=3000)


def test_the_file_windows_lock_button_hides_every_window_and_shows_the_lock_screen(
        qtbot, window: MainWindow, screens_dir: Path):
    """The file window covers the main window's 锁定: it has its own, the same lock,
    its tooltip naming Ctrl+L."""
    shell: Shell = window._shell  # type: ignore[attr-defined]
    page = window.students_page
    assert isinstance(page, StudentsPage)
    page.search.setText("李四")
    file = page.open_found()
    assert isinstance(file, StudentFileWindow)
    idle(qtbot)
    qtbot.waitUntil(lambda: "李四" in file.header.text(), timeout=5000)
    assert file.lock_button.text() == strings.LOCK_NOW
    assert "Ctrl+L" in file.lock_button.toolTip()
    assert not file.lock_button.autoDefault()  # Enter in the file never locks
    file.resize(1040, 300)
    file.grab().save(str(screens_dir / "file-window-lock-button.png"))
    file.lock_button.click()
    idle(qtbot)
    assert not window.isVisible() and not visible(StudentFileWindow)
    qtbot.waitUntil(lambda: isinstance(shell.front, LoginDialog) and shell.front.isVisible(),
                    timeout=5000)
    assert shell.front.windowTitle() == strings.LOCKED_TITLE
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == [shell.front]
    assert window.ctx.store is None
