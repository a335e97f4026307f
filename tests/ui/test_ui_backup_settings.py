"""设置 → 备份与恢复 and 部署与密钥, and the backup reminder bar, over the real services:
the bar appears after login when a backup is due and goes once one is made, a backup
lands in the picked folder, faults and the database check are reported in Chinese, a
restore brings back the backup's state and returns to the login, and the deployment
tab shows the district's and the school's fingerprints."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QPushButton
from test_ui_end_to_end import PASSWORD, front_login, login

from app.deployment import AGGREGATES, KEY_STUDENT_MODES, Deployment, load_deployment
from app.paths import backup_dir, keyslot_path
from app.seal import dump_key, new_district_key
from app.services import audit
from app.services.accounts.auth import unlock
from app.services.accounts.users import create_user
from app.services.district.school_keys import school_key_fingerprint, school_signing_key
from app.services.maintenance.backup import make_backup
from app.services.setup import create_school
from app.services.students import list_students
from app.ui import file_dialogs, strings
from app.ui.login import LoginDialog
from app.ui.main_window import MainWindow
from app.ui.messages import NOTICE_ACTION
from app.ui.reports import texts as report_texts
from app.ui.settings import texts
from app.ui.settings.backup_tab import BackupTab
from app.ui.settings.deployment_tab import DeploymentTab
from app.ui.settings.restore_dialog import RestoreDialog
from app.ui.shell import Shell
from app.ui.signals import texts as signal_texts
from tests.maintenance.maintenance_helpers import add_students
from tests.ui.ui_helpers import close_boxes, closed, idle, message_boxes, screen_saver

DEPLOY = """[school]
code = "4131011234"
name = "青心实验中学"
[district]
name = "示例区教育局"
public_key_file = "district_public_key.json"
[[hospitals]]
name = "市第六人民医院"
department = "儿童青少年心理科"
phone = "0000-12345678"
[report_policy]
aggregates = ["participation", "bands", "referrals"]
key_students = "pseudonymous"
min_cell = 5
[app]
backup_reminder_days = 7
"""


class Picker:
    """Stands in for QFileDialog in the backup tab: answers with a folder or a file."""

    def __init__(self, folder: Path | None = None, file: Path | None = None) -> None:
        self.folder, self.file = folder, file

    def getExistingDirectory(self, _parent, _title, _start) -> str:
        return str(self.folder) if self.folder else ""

    def getOpenFileName(self, _parent, _title, _start, _filter) -> tuple[str, str]:
        return (str(self.file) if self.file else "", "")


class TenDaysLater(datetime):
    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
        return datetime.now(tz) + timedelta(days=10)



@pytest.fixture
def deployment(tmp_path: Path) -> Deployment:
    folder = tmp_path / "deploy"
    folder.mkdir()
    key = new_district_key("x25519")
    (folder / "district_public_key.json").write_bytes(dump_key(key.public_key()))
    (folder / "deploy.toml").write_text(DEPLOY, encoding="utf-8")
    return load_deployment(folder / "deploy.toml")


def signed_in(qtbot, db_path: Path, deployment: Deployment, username: str = "admin") -> Shell:
    shell = Shell(db_path, deployment=deployment)
    shell.start()
    login(qtbot, front_login(shell), username, PASSWORD)
    shell.window.resize(1150, 720)
    idle(qtbot)
    return shell


@pytest.fixture
def school(db_path: Path) -> Path:
    create_school(db_path, "青心实验中学", "admin", PASSWORD, admin_display_name="刘老师")
    with unlock(db_path, "admin", PASSWORD) as store:
        add_students(store, 20, seed=1)
    return db_path


def backup_tab(window: MainWindow) -> BackupTab:
    assert window.backup_tab is not None
    window.open_backup_tab()
    return window.backup_tab


save = screen_saver("settings-")


def nav_titles(window: MainWindow) -> list[str]:
    return [window.nav.item(i).text() for i in range(window.nav.count())]


def settings_titles(window: MainWindow) -> list[str]:
    page = window.settings_page
    assert page is not None
    return [page.tabText(i) for i in range(page.count())]


def test_reminder_bar_until_a_backup_is_made(qtbot, school, deployment, tmp_path,
                                             monkeypatch, screens_dir):
    shell = signed_in(qtbot, school, deployment)
    window = shell.window
    assert window.reminder.isVisible()
    assert "还没有做过备份" in window.reminder.text.text()
    assert not message_boxes()  # a bar, not a popup
    save(window, screens_dir, "reminder-bar")
    window.reminder.button.click()
    assert window.nav.currentItem().text() == strings.NAV_SETTINGS
    assert window.settings_page is not None
    assert window.settings_page.currentWidget() is window.backup_tab
    usb = tmp_path / "U盘"
    usb.mkdir()
    monkeypatch.setattr(file_dialogs, "QFileDialog", Picker(folder=usb))
    tab = backup_tab(window)
    tab.backup_button.click()
    idle(qtbot)
    [made] = usb.glob("qingxin-backup-*.db")
    assert keyslot_path(made).exists()
    assert not window.reminder.isVisible()
    assert str(made) in tab.result.text() and tab.where.text() == str(made)
    assert tab.size.text().endswith("MB") and "（0 天前）" in tab.when.text()
    assert not tab.summary.isVisible()  # nothing is due
    # done is said in the status bar (no box to click away); failures stay boxes
    assert not message_boxes() and str(made) in window.statusBar().currentMessage()
    save(window, screens_dir, "backup-tab")
    window.lock()  # the bar is gone on the lock screen and back only if still due
    assert not window.reminder.isVisible()


@pytest.mark.parametrize(("days", "due"), [(7, True), (30, False)])
def test_reminder_follows_the_deployments_period(qtbot, school, monkeypatch, days, due):
    with unlock(school, "admin", PASSWORD) as store:
        make_backup(store, school.parent.parent)
    monkeypatch.setattr("app.services.maintenance.backup.datetime", TenDaysLater)
    shell = signed_in(qtbot, school, Deployment(backup_reminder_days=days))
    assert shell.window.reminder.isVisible() is due
    if due:
        assert "10 天前" in shell.window.reminder.text.text()
        assert "已超过 7 天" in shell.window.reminder.text.text()


def test_who_sees_what(qtbot, school, deployment):
    with unlock(school, "admin", PASSWORD) as store:
        class_id = list_students(store)[0].class_id
        create_user(store, "chen", "陈老师", "class_teacher", PASSWORD, class_id)
        create_user(store, "wang", "王老师", "counselor", PASSWORD)
    shell = signed_in(qtbot, school, deployment, "chen")
    window = shell.window
    assert not window.reminder.isVisible() and window.backup_tab is None
    # The pages follow the capability table: a class teacher has the list, 反映 and
    # settings.
    assert nav_titles(window) == [strings.NAV_STUDENTS, signal_texts.NAV, strings.NAV_SETTINGS]
    assert settings_titles(window) == [strings.SETTINGS_ACCOUNT_TAB]
    window.lock()
    login(qtbot, front_login(shell), "wang", PASSWORD)
    assert window.reminder.isVisible()
    assert nav_titles(window) == [strings.NAV_HOME, strings.NAV_STUDENTS, strings.NAV_SCREENING,
                                  strings.NAV_WARNINGS, signal_texts.NAV, strings.NAV_REPORTS,
                                  strings.NAV_SETTINGS]
    assert settings_titles(window) == [strings.SETTINGS_ACCOUNT_TAB, texts.BACKUP_TAB,
                                       texts.DEPLOYMENT_TAB]  # no users, no audit log
    tab = backup_tab(window)
    idle(qtbot)
    assert tab.summary.isVisible() and "还没有做过备份" in tab.summary.text()
    assert not tab.restore_button.isVisible() and tab.backup_button.isVisible()


def test_faults_and_the_check_in_chinese(qtbot, school, deployment, tmp_path, screens_dir):
    shell = signed_in(qtbot, school, deployment)
    tab = backup_tab(shell.window)
    tab.backup_to(tmp_path / "拔掉的U盘")
    idle(qtbot)
    assert "找不到文件夹" in tab.error.text() and "U 盘" in tab.error.text()
    assert any("找不到文件夹" in b.text() for b in message_boxes())
    assert shell.window.reminder.isVisible()  # nothing was backed up
    close_boxes()
    save(shell.window, screens_dir, "backup-fault")
    tab.check_button.click()
    idle(qtbot)
    assert not message_boxes()
    assert "数据库完好" in shell.window.statusBar().currentMessage()
    assert "每一页校验通过" in tab.result.text()


def test_restore_brings_back_the_backup_and_returns_to_the_login(
        qtbot, school, deployment, tmp_path, monkeypatch, screens_dir):
    shell = signed_in(qtbot, school, deployment)
    window = shell.window
    store = shell.ctx.require_store()
    backup = make_backup(store, tmp_path).path
    add_students(store, 10, seed=2)
    assert len(list_students(store)) == 30
    monkeypatch.setattr(file_dialogs, "QFileDialog", Picker(file=backup))
    dialog = backup_tab(window).pick_backup()
    assert isinstance(dialog, RestoreDialog)
    said = [label.text() for label in dialog.findChildren(QLabel)]
    assert texts.RESTORE_WARNING in said and dialog.username.text() == "admin"
    dialog.password.setText("wrong-password-9")
    dialog.submit.click()
    qtbot.waitUntil(lambda: dialog.op is not None and not dialog.op.running, timeout=10_000)
    assert "打不开这份备份" in dialog.error.text()
    assert window.isVisible() and shell.ctx.store is store and store.is_open
    dialog.password.setText(PASSWORD)
    save(dialog, screens_dir, "restore-dialog")
    dialog.submit.click()
    qtbot.waitUntil(lambda: isinstance(shell.front, LoginDialog) and shell.front.isVisible()
                    and not window.isVisible(), timeout=20_000)
    idle(qtbot)
    assert closed(dialog) and shell.ctx.store is None and not store.is_open
    [box] = [b for b in message_boxes() if b.windowTitle() == texts.RESTORED_TITLE]
    assert backup.name in box.text() and "另存为" in box.text()
    assert texts.RESTORED_LOGIN in box.text()
    assert list(backup_dir(school).glob("before-restore-*.db"))
    save(box, screens_dir, "restored-box")
    close_boxes()
    login(qtbot, front_login(shell), "admin", PASSWORD)
    assert window.isVisible()
    restored = shell.ctx.require_store()
    assert len(list_students(restored)) == 20
    assert [e for e in audit.list_events(restored, 10) if e.action == "restore"]
    assert not window.reminder.isVisible()  # a restore counts as a backup just made


def test_restore_with_the_recovery_code(qtbot, db_path, deployment, tmp_path, monkeypatch):
    school = create_school(db_path, "青心实验中学", "admin", PASSWORD)
    shell = signed_in(qtbot, db_path, deployment)
    backup = make_backup(shell.ctx.require_store(), tmp_path).path
    monkeypatch.setattr(file_dialogs, "QFileDialog", Picker(file=backup))
    dialog = backup_tab(shell.window).pick_backup()
    assert dialog is not None
    dialog.use_recovery.setChecked(True)
    assert not dialog.password.isEnabled() and dialog.code.isEnabled()
    dialog.submit.click()
    assert dialog.error.text() == texts.NEED_CODE
    dialog.code.setText(school.recovery_code.lower())
    dialog.submit.click()
    qtbot.waitUntil(lambda: isinstance(shell.front, LoginDialog) and shell.front.isVisible(),
                    timeout=20_000)
    idle(qtbot)
    assert any(texts.RESTORED_RECOVERY in b.text() for b in message_boxes())


def test_deployment_tab_shows_the_file_and_the_fingerprints(qtbot, school, deployment,
                                                            screens_dir):
    shell = signed_in(qtbot, school, deployment)
    window = shell.window
    [tab] = window.findChildren(DeploymentTab)
    assert window.settings_page is not None
    window.show_area(strings.NAV_SETTINGS)
    window.settings_page.setCurrentWidget(tab)
    idle(qtbot)
    assert tab.source.text() == str(deployment.source)
    assert "青心实验中学" in tab.school.text() and "4131011234" in tab.school.text()
    assert deployment.district_key is not None
    assert deployment.district_key.fingerprint in tab.district_key.text()
    assert tab.school_key.text().startswith("尚未生成")
    school_signing_key(shell.ctx.require_store())
    tab.reload()
    idle(qtbot)
    fingerprint = school_key_fingerprint(shell.ctx.require_store())
    assert fingerprint and fingerprint in tab.school_key.text()
    assert "市第六人民医院 儿童青少年心理科" in tab.hospitals.text()
    assert AGGREGATES["bands"] in tab.aggregates.text()
    assert AGGREGATES["gender"] not in tab.aggregates.text()
    assert tab.key_students.text() == KEY_STUDENT_MODES["pseudonymous"]
    assert "<5" in tab.min_cell.text() and "1–4" in tab.min_cell.text()
    assert tab.data_dir.text() == str(school.parent)
    assert str(school.parent / "instruments") in tab.instruments.text()
    assert "尚未建立" in tab.instruments.text()
    assert "10 分钟" in tab.auto_lock.text() and "7 天" in tab.reminder.text()
    save(window, screens_dir, "deployment-tab")


def test_deployment_tab_without_a_file(qtbot, school, screens_dir):
    shell = signed_in(qtbot, school, Deployment())
    [tab] = shell.window.findChildren(DeploymentTab)
    assert tab.source.text() == texts.NO_DEPLOY_FILE
    assert tab.district_key.text() == texts.NO_DISTRICT_KEY
    assert tab.hospitals.text() == texts.NO_HOSPITALS
    shell.window.show_area(strings.NAV_SETTINGS)
    assert shell.window.settings_page is not None
    shell.window.settings_page.setCurrentWidget(tab)
    idle(qtbot)
    save(shell.window, screens_dir, "deployment-tab-defaults")


def test_deployment_tab_exports_the_school_key_for_registration(qtbot, school, deployment,
                                                                tmp_path, monkeypatch):
    """The file the district registers: written where the teacher chooses, the key made
    if no sealed export has made it yet, its fingerprint shown to be read out by phone,
    and an existing file never replaced."""
    from app.seal import load_school_public_key
    from tests.ui.reports.reports_helpers import SaveDialog

    shell = signed_in(qtbot, school, deployment)
    [tab] = shell.window.findChildren(DeploymentTab)
    out = tmp_path / "stick" / "key"
    out.parent.mkdir()
    dialog = SaveDialog(out)
    monkeypatch.setattr(file_dialogs, "QFileDialog", dialog)
    assert tab.export_school_key() == out.with_name("key.json")
    idle(qtbot)
    assert dialog.suggested[0].endswith("4131011234_本校签名公钥.json")
    fingerprint = school_key_fingerprint(shell.ctx.require_store())
    assert fingerprint is not None and fingerprint in tab.school_key.text()
    key = load_school_public_key(out.with_name("key.json"))
    assert key.public_bytes_raw() == school_signing_key(
        shell.ctx.require_store()).public_key().public_bytes_raw()
    assert not message_boxes()
    bar = shell.window.statusBar()
    assert fingerprint in bar.currentMessage()
    [folder] = bar.findChildren(QPushButton, NOTICE_ACTION)  # 打开所在文件夹 beside it
    assert folder.text() == report_texts.OPEN_FOLDER and folder.isVisible()
    before = out.with_name("key.json").read_bytes()
    tab.export_school_key()
    idle(qtbot)
    assert out.with_name("key.json").read_bytes() == before
    assert any("已存在，不会覆盖" in b.text() for b in message_boxes())
    close_boxes()
