"""A counselling teacher's first day, scripted through the real windows (issue 20): the
setup wizard → sign-in → roster import → a PHQ-9 campaign and its 问卷星 answers → the
item-9 student's file opened from 查看结果 by double-click → the warning level → the
referral checklist (pre-ticked from the screening) → the parents' letter → lock.

Screenshots of each step go to QINGXIN_SCREENS_DIR (or the test's tmp folder); each is
checked not to be blank. Nothing here reaches into a service the teacher could not
reach through a window, but for printing the letter, whose save dialog is skipped."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget, QWizard

from app.ui import strings, workers
from app.ui.casefile.file_window import StudentFileWindow
from app.ui.casefile.letter_print import print_to
from app.ui.casefile.referral_dialogs import ChecklistDialog
from app.ui.casefile.referral_tab import ReferralTab
from app.ui.casefile.warning_dialogs import LevelDialog
from app.ui.casefile.warning_tab import WarningTab
from app.ui.login import LoginDialog
from app.ui.main_window import MainWindow
from app.ui.roster_dialog import RosterImportDialog
from app.ui.screening.campaign_dialog import CampaignDialog
from app.ui.screening.campaign_page import ScreeningPage
from app.ui.screening.import_dialog import ImportDialog
from app.ui.screening.results_dialog import ResultsDialog
from app.ui.setup_wizard import PAGE_RECOVERY, SetupWizard
from app.ui.shell import Shell
from app.ui.students_page import StudentsPage
from tests.ui.ui_helpers import message_boxes, visible

PASSWORD = "first-day-pass-1"
SCHOOL = "青心实验中学"
ROSTER = [("G201301010001", "张一诺", "女"), ("G201301010002", "李子航", "男"),
          ("G201301010003", "王可欣", "女"), ("G201301010004", "赵宇轩", "男")]
PHQ = ["完全不会", "好几天", "一半以上的天数", "几乎每天"]
AT_RISK = "王可欣"  # answers item 9 「几乎每天」


@pytest.fixture
def screens(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("QINGXIN_SCREENS_DIR") or tmp_path / "screens")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def idle(qtbot) -> None:
    qtbot.waitUntil(lambda: not workers.busy(), timeout=30_000)


def shot(widget: QWidget, folder: Path, name: str) -> None:
    QApplication.processEvents()
    path = folder / f"first-day-{name}.png"
    assert widget.grab().save(str(path))
    image = QImage(str(path))
    colours = {image.pixel(x, y) for x in range(0, image.width(), 9)
               for y in range(0, image.height(), 9)}
    assert len(colours) > 4, f"{name} looks blank"


def one(kind: type[QWidget]) -> QWidget:
    [widget] = visible(kind)
    return widget


def write_roster(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["学籍号", "姓名", "性别", "班级"])
    for no, name, gender in ROSTER:
        sheet.append([no, name, gender, "初一(1)班"])
    book.save(path)
    return path


def write_wjx(path: Path) -> Path:
    """问卷星's export of this morning's survey: 学籍号, 姓名, 班级, then PHQ-9."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP",
                  "1、你的学籍号：", "2、你的姓名：", "3、你的班级：",
                  *[f"{n + 3}、题目{n}" for n in range(1, 10)]])
    now = datetime.now().replace(microsecond=0)
    for n, (no, name, _gender) in enumerate(ROSTER, start=1):
        answers = [PHQ[1]] * 8 + [PHQ[3] if name == AT_RISK else PHQ[0]]
        sheet.append([n, f"{now:%Y/%m/%d %H:%M:%S}", "180秒", "微信", "N/A", "10.0.0.1",
                      no, name, "初一(1)班", *answers])
    book.save(path)
    return path


def test_a_teachers_first_day(qtbot, db_path: Path, tmp_path: Path, screens: Path):
    shell = Shell(db_path)
    wizard = shell.start()
    assert isinstance(wizard, SetupWizard)
    qtbot.waitExposed(wizard)
    wizard.school_page.name.setText(SCHOOL)
    wizard.next()
    admin = wizard.admin_page
    create = wizard.button(QWizard.WizardButton.CommitButton)
    admin.display_name.setText("王老师")
    admin.password.setText(PASSWORD)
    admin.password_again.setText(PASSWORD[:-1])
    assert not create.isEnabled() and admin.error.text() == strings.PASSWORD_MISMATCH
    shot(wizard, screens, "1-wizard-admin")
    admin.password_again.setText(PASSWORD)
    create.click()
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_RECOVERY, timeout=30_000)
    wizard.recovery_page.panel.write_pdf(tmp_path / "恢复码.pdf")
    wizard.recovery_page.panel.saved.setChecked(True)
    shot(wizard, screens, "2-wizard-recovery")
    wizard.button(QWizard.WizardButton.FinishButton).click()

    login = shell.front
    assert isinstance(login, LoginDialog) and SCHOOL in login.banner.text()
    login.password.setText(PASSWORD)
    login.submit.click()
    qtbot.waitUntil(lambda: shell.ctx.store is not None, timeout=30_000)
    idle(qtbot)
    window = shell.window
    assert isinstance(window, MainWindow) and window.windowTitle().startswith(SCHOOL)
    assert not window.reminder.isVisible()  # nothing to back up yet

    window.show_area(strings.NAV_STUDENTS)
    students = window.stack.currentWidget()
    assert isinstance(students, StudentsPage)
    assert students.empty_box.isVisible() and students.empty_button.isVisible()
    assert not students.view.isVisible()
    shot(window, screens, "3-empty-student-list")
    students.start_import(write_roster(tmp_path / "名册.xlsx"))
    qtbot.waitUntil(lambda: bool(visible(RosterImportDialog)), timeout=30_000)
    preview = one(RosterImportDialog)
    assert isinstance(preview, RosterImportDialog)
    shot(preview, screens, "4-roster-preview")
    preview.confirm.click()
    idle(qtbot)
    assert "新增 4 人" in window.statusBar().currentMessage() and not message_boxes()
    assert students.view.isVisible() and not students.empty_box.isVisible()
    assert window.reminder.isVisible()  # now there is something to lose

    window.show_area(strings.NAV_SCREENING)
    screening = window.stack.currentWidget()
    assert isinstance(screening, ScreeningPage)
    campaign = screening.new_campaign()
    assert isinstance(campaign, CampaignDialog)
    idle(qtbot)
    campaign.instrument.setCurrentIndex(campaign.instrument.findData("phq9"))
    campaign.check_classes({students.model.rows[0].class_id})
    campaign.submit()
    idle(qtbot)
    assert not message_boxes() and "已建立测评批次" in window.statusBar().currentMessage()
    importer = screening.open_import()
    assert isinstance(importer, ImportDialog)
    importer.offset.blockSignals(True)
    importer.offset.setValue(3)
    importer.offset.blockSignals(False)
    importer.choose_file(write_wjx(tmp_path / "问卷星.xlsx"))
    idle(qtbot)
    assert importer.preview is not None and importer.preview.warnings == []  # today's
    assert importer.confirm.text() == "确认写入 4 份"
    shot(importer, screens, "5-answers-preview")
    importer.confirm.click()
    idle(qtbot)
    assert not message_boxes()

    results = screening.open_results()
    assert isinstance(results, ResultsDialog)
    idle(qtbot)
    results.critical_only.setChecked(True)
    assert results.proxy.rowCount() == 1 and results.proxy.index(0, 1).data() == AT_RISK
    qtbot.waitExposed(results)
    index = results.proxy.index(0, 1)
    at = results.view.viewport().mapTo(results, results.view.visualRect(index).center())
    qtbot.mouseDClick(results.windowHandle(), Qt.MouseButton.LeftButton, pos=at)
    idle(qtbot)
    shot(results, screens, "6-results")
    file = one(StudentFileWindow)
    assert isinstance(file, StudentFileWindow) and file.parentWidget() is window
    assert AT_RISK in file.windowTitle() and "未列入预警" in file.header.text()
    results.close()

    file.show_tab("warning")
    warning = file.pages["warning"]
    assert isinstance(warning, WarningTab)
    decide = warning.decide()
    assert isinstance(decide, LevelDialog)
    assert decide.level.currentData() == "key"  # the rules' suggestion for item 9
    decide.level.setCurrentIndex(decide.level.findData("crisis"))
    decide.reason.setPlainText("当面评估：两周内多次出现自杀念头，有初步计划")
    shot(decide, screens, "7-decide-level")
    decide.ok.click()
    idle(qtbot)
    assert "危机" in file.header.text()

    checklist = warning.open_referral()
    assert isinstance(checklist, ChecklistDialog)
    qtbot.waitExposed(checklist)
    assert checklist.ticked() == {"critical_item"}  # what the file already showed
    checklist.boxes["suicide_plan"].setChecked(True)
    shot(checklist, screens, "8-referral-checklist")
    checklist.ok.click()
    idle(qtbot)
    file.show_tab("referral")
    referral = file.pages["referral"]
    assert isinstance(referral, ReferralTab) and referral.referral is not None
    shot(file, screens, "9-referral-tab")

    letter = tmp_path / "告知书.pdf"
    print_to(shell.ctx, referral, file.student_id, referral.referral.id, "notice", letter)
    idle(qtbot)
    assert letter.read_bytes().startswith(b"%PDF")
    # said in the file window's own status bar (it covers the main window's), no box
    assert not message_boxes() and letter.name in file.status.currentMessage()
    assert str(letter) in file.status.toolTip()  # the whole path, when the line is elided
    assert not window.statusBar().currentMessage().startswith("告知书")

    window.lock()
    idle(qtbot)
    assert not visible(StudentFileWindow) and not window.isVisible()
    lock_screen = shell.front
    assert isinstance(lock_screen, LoginDialog) and SCHOOL in lock_screen.banner.text()
    shot(lock_screen, screens, "10-locked")
