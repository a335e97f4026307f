"""The GUI over the real services: setup wizard → login → roster import → search →
lock → unlock, plus the wrong-password message, roles, users, audit and promotion."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from app.services.roster.file import class_display_name
from app.services.setup import create_school
from app.ui import strings
from app.ui.account_page import ChangePasswordDialog
from app.ui.login import LoginDialog
from app.ui.main_window import MainWindow
from app.ui.roster_dialog import PromotionDialog, RosterImportDialog
from app.ui.setup_wizard import PAGE_RECOVERY, SetupWizard
from app.ui.shell import Shell
from app.ui.signals import texts as signal_texts
from app.ui.users_page import AddUserDialog, UsersPage
from tests.ui.ui_helpers import close_boxes, closed, idle, message_boxes, visible

PASSWORD = "correct-horse-1"
ROSTER = [
    ("G201301010001", "张三", "男", 7, 1),
    ("G201301010002", "李四", "女", 7, 1),
    ("G201301010003", "张珊珊", "女", 7, 2),
    ("G201201010004", "王小明", "男", 8, 1),
    ("G201101010005", "赵子涵", "女", 9, 3),
]


def write_roster(path: Path, rows: list[tuple[str, str, str, int, int]],
                 bad_rows: int = 0) -> Path:
    """An office-style .xlsx: a title row above the header, classes written "初一(1)班"."""
    book = Workbook()
    sheet = book.active
    sheet.append(["青心实验中学学生名册"])
    sheet.append(["学籍号", "姓名", "性别", "班级", "家长电话"])
    for no, name, gender, grade, number in rows:
        sheet.append([no, name, gender, class_display_name(grade, number), "13800000000"])
    for i in range(bad_rows):
        sheet.append([f"G20130101990{i}", f"坏行{i}", "未知", "初一(1)班", ""])
    path = path.with_suffix(".xlsx")
    book.save(path)
    return path



def login(qtbot, dialog: LoginDialog, username: str, password: str) -> None:
    dialog.username.setText(username)
    dialog.password.setText(password)
    dialog.submit.click()
    qtbot.waitUntil(lambda: dialog.op is not None and not dialog.op.running, timeout=10_000)
    idle(qtbot)


def front_login(shell: Shell) -> LoginDialog:
    assert isinstance(shell.front, LoginDialog) and shell.front.isVisible()
    return shell.front


def shown_names(window: MainWindow) -> list[str]:
    page = window.students_page
    assert page is not None
    return [page.proxy.index(r, 1).data() for r in range(page.proxy.rowCount())]


def import_roster(qtbot, window: MainWindow, path: Path) -> RosterImportDialog:
    assert window.students_page is not None
    window.students_page.start_import(path)
    qtbot.waitUntil(lambda: bool(visible(RosterImportDialog)), timeout=10_000)
    [dialog] = visible(RosterImportDialog)
    assert isinstance(dialog, RosterImportDialog)
    return dialog


@pytest.fixture
def admin_window(qtbot, db_path: Path):
    create_school(db_path, "青心实验中学", "admin", PASSWORD)
    shell = Shell(db_path)
    login(qtbot, front_login_of(shell), "admin", PASSWORD)
    return shell


def front_login_of(shell: Shell) -> LoginDialog:
    shell.start()
    return front_login(shell)


def test_setup_login_import_search_lock_unlock(qtbot, db_path: Path, tmp_path: Path):
    shell = Shell(db_path)
    wizard = shell.start()
    assert isinstance(wizard, SetupWizard)
    qtbot.waitExposed(wizard)

    wizard.school_page.name.setText("青心实验中学")
    wizard.next()
    page = wizard.admin_page
    create = wizard.button(QWizard.WizardButton.CommitButton)
    assert page.username.text() == "admin" and not create.isEnabled()
    page.password.setText("short")  # the button stays disabled while input is refused
    assert page.error.text() == "密码至少需要 8 个字符。" and not create.isEnabled()
    page.password.setText(PASSWORD)
    page.password_again.setText(PASSWORD + "x")
    assert page.error.text() == strings.PASSWORD_MISMATCH and not create.isEnabled()
    page.password_again.setText(PASSWORD)
    assert page.error.text() == "" and not create.isEnabled()  # the name is still missing
    page.display_name.setText("王老师")
    assert create.isEnabled()
    create.click()
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_RECOVERY, timeout=10_000)
    code = wizard.recovery_page.panel.code.text()
    assert re.fullmatch(r"[0-9A-Z]{5}(-[0-9A-Z]{5}){5}", code), code
    assert db_path.exists()
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()
    pdf = wizard.recovery_page.panel.write_pdf(tmp_path / "恢复码.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    wizard.recovery_page.panel.saved.setChecked(True)
    assert finish.isEnabled()
    finish.click()

    dialog = front_login(shell)
    assert dialog.username.text() == "admin"
    login(qtbot, dialog, "admin", "not-the-password")
    assert dialog.isVisible()
    assert dialog.error.text() == "用户名或密码不正确。"
    assert dialog.password.text() == ""
    login(qtbot, dialog, "admin", PASSWORD)
    window = shell.window
    assert window.isVisible() and not dialog.isVisible()
    assert window.windowTitle().startswith("青心实验中学 · 青心")
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
        strings.NAV_HOME, strings.NAV_STUDENTS, strings.NAV_SCREENING, strings.NAV_WARNINGS,
        signal_texts.NAV, strings.NAV_REPORTS, strings.NAV_SETTINGS]

    preview = import_roster(qtbot, window, write_roster(tmp_path / "名册", ROSTER,
                                                        bad_rows=1))
    assert preview.tabs.tabText(0) == strings.ROSTER_TAB_ADDED.format(n=5)
    added = preview.tabs.widget(0).model()
    assert [added.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "行号", "学籍号", "姓名", "性别", "班级"]
    assert [added.index(r, 3).data() for r in range(5)] == ["男", "女", "女", "男", "女"]
    assert preview.tabs.tabText(3) == strings.ROSTER_TAB_REJECTED.format(n=1)
    rejected = preview.tabs.widget(3).model()
    # The row as the teacher will look for it: its 学籍号 and name beside the reason.
    assert [rejected.index(0, c).data() for c in range(4)] == [
        "8", "G201301019900", "坏行0", "性别"]
    assert "性别「未知」无法识别" in rejected.index(0, 4).data()
    assert preview.export_button.isVisible()
    out = tmp_path / "无法导入.xlsx"
    preview.save_rejected(out)
    idle(qtbot)
    close_boxes()
    cells = [[c.value for c in row] for row in load_workbook(out).active.iter_rows()]
    assert cells[0] == ["行号", "学籍号", "姓名", "列", "无法导入的原因"]
    assert cells[1][:4] == [8, "G201301019900", "坏行0", "性别"]
    assert shown_names(window) == []  # nothing written before confirming
    preview.confirm.click()
    idle(qtbot)
    assert closed(preview)
    assert "新增 5 人" in window.statusBar().currentMessage()  # no box to click away
    assert not message_boxes()
    assert sorted(shown_names(window)) == sorted(r[1] for r in ROSTER)

    changed = [("G201301010001", "张三丰", "男", 7, 1), ("G201301010002", "李四", "女", 7, 2)]
    second = import_roster(qtbot, window, write_roster(tmp_path / "名册2", changed))
    assert [second.tabs.tabText(i) for i in range(4)] == [
        strings.ROSTER_TAB_ADDED.format(n=0), strings.ROSTER_TAB_UPDATED.format(n=1),
        strings.ROSTER_TAB_MOVED.format(n=1), strings.ROSTER_TAB_REJECTED.format(n=0)]
    assert "初一(1)班 → 初一(2)班" in second.tabs.widget(2).model().index(0, 4).data()
    second.reject()  # cancelled: nothing written
    idle(qtbot)
    assert "张三丰" not in shown_names(window)

    students = window.students_page
    assert students is not None
    students.search.setText("zs")
    assert sorted(shown_names(window)) == ["张三", "张珊珊"]
    students.search.setText("张三")
    assert shown_names(window) == ["张三"]
    students.search.setText("G201201010004")
    assert shown_names(window) == ["王小明"]
    students.search.clear()
    students.grade.setCurrentIndex(students.grade.findData(7))
    assert sorted(shown_names(window)) == ["张三", "张珊珊", "李四"]
    assert students.school_class.count() == 3  # 全部班级 + 初一(1)班 + 初一(2)班

    window.lock()
    assert not window.isVisible()
    assert shell.ctx.store is None
    assert students.model.rowCount() == 0
    lock_screen = front_login(shell)
    assert lock_screen.windowTitle() == strings.LOCKED_TITLE
    assert "青心实验中学" in lock_screen.banner.text()  # no deployment file: the database's
    assert lock_screen.username.text() == "admin"
    login(qtbot, lock_screen, "admin", PASSWORD)
    assert window.isVisible()
    assert window.students_page is students  # same user: views restored, not rebuilt
    assert students.grade.currentData() == 7
    assert sorted(shown_names(window)) == ["张三", "张珊珊", "李四"]


def test_idle_timeout_locks_and_closes_open_dialogs(qtbot, db_path: Path, tmp_path: Path):
    create_school(db_path, "青心实验中学", "admin", PASSWORD)
    shell = Shell(db_path, idle_ms=600_000)
    login(qtbot, front_login_of(shell), "admin", PASSWORD)
    preview = import_roster(qtbot, shell.window, write_roster(tmp_path / "r", ROSTER))
    # Short only once the dialog is open: a loaded machine may take longer than the
    # timeout to sign in and read the roster, and the lock would come first.
    shell.window.idle.set_timeout(600)
    qtbot.waitUntil(lambda: shell.ctx.store is None, timeout=5000)
    assert closed(preview) and not shell.window.isVisible()
    assert front_login(shell).windowTitle() == strings.LOCKED_TITLE


def test_recovery_code_resets_the_password(qtbot, db_path: Path):
    code = create_school(db_path, "青心实验中学", "admin", PASSWORD).recovery_code
    shell = Shell(db_path)
    recovery = front_login_of(shell).open_recovery()
    recovery.code.setText(code.lower())
    recovery.username.setText("admin")
    recovery.password.setText("brand-new-pass")
    recovery.password_again.setText("brand-new-pass")
    recovery.submit.click()
    qtbot.waitUntil(lambda: hasattr(recovery, "new_code"), timeout=10_000)
    shown = recovery.new_code
    new_code = shown.panel.code.text()
    assert new_code and new_code != code
    assert not shown.ok.isEnabled()  # the code must be saved before the window closes
    shown.reject()
    assert shown.isVisible() and not shell.window.isVisible()
    shown.panel.saved.setChecked(True)
    shown.ok.click()
    qtbot.waitUntil(lambda: shell.window.isVisible(), timeout=10_000)
    idle(qtbot)
    shell.window.lock()
    login(qtbot, front_login(shell), "admin", "brand-new-pass")
    assert shell.window.isVisible()


def test_class_teacher_sees_only_their_class(qtbot, admin_window: Shell, tmp_path: Path):
    shell = admin_window
    window = shell.window
    import_roster(qtbot, window, write_roster(tmp_path / "r", ROSTER)).confirm.click()
    idle(qtbot)
    close_boxes()
    window.show_area(strings.NAV_SETTINGS)
    [users] = [w for w in window.findChildren(UsersPage)]
    dialog = users.add_user()
    dialog.username.setText("chen")
    dialog.display_name.setText("陈老师")
    dialog.role.setCurrentIndex(dialog.role.findData("class_teacher"))
    assert dialog.school_class.isEnabled()
    dialog.school_class.setCurrentIndex(dialog.school_class.findText("初一(2)班"))
    dialog.password.setText("teacher-pass-1")
    dialog.password_again.setText("teacher-pass-1")
    dialog.submit()
    idle(qtbot)
    assert not visible(AddUserDialog)
    assert "chen" in [u.username for u in users.model.rows]
    assert users.model.index(len(users.model.rows) - 1, 3).data() == "初一(2)班"

    window.lock()
    login(qtbot, front_login(shell), "chen", "teacher-pass-1")
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
        strings.NAV_STUDENTS, signal_texts.NAV, strings.NAV_SETTINGS]
    assert shown_names(window) == ["张珊珊"]
    assert window.students_page is not None
    assert not window.students_page.import_button.isVisible()
    assert "初一(2)班" in window.students_page.title.text()
    assert not window.findChildren(UsersPage)


def test_audit_verify_promotion_and_password_change(qtbot, admin_window: Shell,
                                                    tmp_path: Path):
    window = admin_window.window
    import_roster(qtbot, window, write_roster(tmp_path / "r", ROSTER)).confirm.click()
    idle(qtbot)
    close_boxes()

    assert window.students_page is not None
    window.students_page.start_promotion()
    qtbot.waitUntil(lambda: bool(visible(PromotionDialog)), timeout=10_000)
    [promotion] = visible(PromotionDialog)
    assert isinstance(promotion, PromotionDialog)
    assert promotion.plan.graduating == 1
    promotion.confirm.click()
    idle(qtbot)
    close_boxes()
    assert "赵子涵" not in shown_names(window)  # 初三 graduated
    assert {r.grade for r in window.students_page.model.rows} == {8, 9}

    window.show_area(strings.NAV_SETTINGS)
    from app.ui.audit_page import AuditPage

    [audit] = window.findChildren(AuditPage)
    audit.reload()
    idle(qtbot)
    actions = [audit.model.index(r, 2).data() for r in range(audit.model.rowCount())]
    assert "学年升级" in actions and "导入名册" in actions
    audit.verify()
    idle(qtbot)
    assert not message_boxes()  # a confirmation in the status bar, not a box to click
    assert "审计日志完整" in window.statusBar().currentMessage()

    change = ChangePasswordDialog(admin_window.ctx, window)
    change.old.setText("wrong-password")
    change.new.setText("another-pass-2")
    change.new_again.setText("another-pass-2")
    change.submit()
    idle(qtbot)
    assert change.error.text() == "原密码不正确。"
    assert change.field_errors.field is change.old  # 「原密码」 named: that field, focused
    change.old.setText(PASSWORD)
    assert change.error.text() == ""  # corrected: the red line goes
    change.submit()
    idle(qtbot)
    close_boxes()
    window.lock()
    login(qtbot, front_login(admin_window), "admin", "another-pass-2")
    assert window.isVisible()
