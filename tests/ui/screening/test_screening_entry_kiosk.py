"""答题卡录入 (typed answer strings checked per keystroke, Enter saves and moves on) and
本机作答 (one item per screen, a neutral thank-you, leaving needs the password)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.changes import Changes
from app.instruments import load_instrument
from app.services.screening.campaigns import create_campaign
from app.services.screening.entry import AnswersSaved, campaign_students
from app.services.screening.results import campaign_results
from app.ui import system_keys
from app.ui.main_window import MainWindow
from app.ui.screening import strings as s
from app.ui.screening.entry_dialog import (
    AnswerEntryDialog,
    check_answer_text,
    echo_html,
    first_bad,
)
from app.ui.screening.kiosk import REVIEW_PAGE, THANKS_PAGE, KioskDialog, PasswordPrompt
from app.ui.screening.kiosk_launch import KioskLaunchDialog
from tests.conftest import TEST_PASSWORD
from tests.ui.screening.screening_helpers import School, first_class_window
from tests.ui.ui_helpers import closed, idle


def test_answer_text_is_judged_while_typing():
    mht = load_instrument("mht")
    assert check_answer_text("", mht).state == "empty"
    assert check_answer_text("1011 0010", mht).state == "typing"
    assert check_answer_text("1011 0010", mht).typed == 8
    bad = check_answer_text("10120", mht)
    assert bad.state == "error" and "第 4 个字符“2”" in bad.message
    assert check_answer_text("1" * 101, mht).state == "error"
    assert check_answer_text("１" * 100, mht).state == "ready"  # full-width digits fold
    phq = load_instrument("phq9")
    assert check_answer_text("0123-abcd", phq).state == "ready"
    assert check_answer_text("0124", phq).state == "error"
    assert first_bad("10 120", mht) == 3 and first_bad("1011", mht) is None
    echo = echo_html("1" * 10 + "12", mht)
    assert ">11</span>" in echo and "color:#b3261e" in echo  # group numbers, bad char red


def test_entry_grid_saves_on_enter_and_moves_on(qtbot, school: School):
    klass = school.first_class()
    campaign, dialog = first_class_window(
        qtbot, school, "PHQ-9 录入", "phq9",
        lambda c, class_id: AnswerEntryDialog(school.ctx, c, class_id))
    assert dialog.model.rowCount() == len(klass)
    assert dialog.current_row().student_id == klass[0].id
    qtbot.keyClicks(dialog.answer, "01x")
    assert "第 3 个字符“x”" in dialog.state.text()
    qtbot.keyClick(dialog.answer, Qt.Key.Key_Return)  # refused: nothing saved, no move
    assert dialog.current_row().student_id == klass[0].id
    dialog.answer.clear()
    qtbot.keyClicks(dialog.answer, "0123")
    assert dialog.state.text() == s.ENTRY_TYPING.format(n=4, items=9)
    qtbot.keyClicks(dialog.answer, "00002")
    assert dialog.state.text() == s.ENTRY_READY.format(items=9)
    qtbot.keyClick(dialog.answer, Qt.Key.Key_Return)
    assert dialog.current_row().student_id == klass[1].id  # moved on at once
    assert dialog.answer.text() == ""
    qtbot.keyClicks(dialog.answer, "000000000")
    qtbot.keyClick(dialog.answer, Qt.Key.Key_Return)
    idle(qtbot)
    first = dialog.model.row_at(0)
    assert (first.total, first.warning, first.source) == (8, "key", "entry")  # item 9: same-day
    assert first.answer_text == "012300002"
    assert "0" in dialog.last_saved.text()  # the last save: 000000000, total 0
    assert dialog.model.row_at(1).total == 0
    results = {r.student_id: r for r in campaign_results(school.store, campaign.id)}
    assert results[klass[0].id].critical == (9,) and results[klass[1].id].total == 0
    dialog.select_row(0)  # back to a saved student: the stored string comes back to correct
    assert dialog.answer.text() == "012300002"


def test_entry_shows_the_newest_save_when_saves_finish_out_of_order(qtbot, school: School):
    """Two quick saves run on two workers: each fills its own row, and the 上一份 line
    keeps the newest even when the older save's answer arrives last."""
    klass = school.first_class()
    campaign, dialog = first_class_window(
        qtbot, school, "PHQ-9 乱序", "phq9",
        lambda c, class_id: AnswerEntryDialog(school.ctx, c, class_id))
    first, second = klass[0], klass[1]
    changes = Changes(campaigns=(campaign.id,))
    newer = AnswersSaved(campaign.id, second.id, "entry", 0, "none", True, (), changes=changes)
    older = AnswersSaved(campaign.id, first.id, "entry", 8, "key", True, (9,), changes=changes)
    dialog._saved(newer, "000000000", 2)
    dialog._saved(older, "012300002", 1)
    assert dialog.model.row_at(0).total == 8 and dialog.model.row_at(1).total == 0
    assert second.name in dialog.last_saved.text()
    assert first.name not in dialog.last_saved.text()


def kiosk_for(qtbot, school: School, code: str = "phq9") -> tuple[KioskDialog, object]:
    student = school.first_class()[0]
    campaign = create_campaign(school.store, f"{code} 本机", code, [student.class_id])
    [row] = [r for r in campaign_students(school.store, campaign.id, student.class_id)
             if r.student_id == student.id]
    kiosk = KioskDialog(school.ctx, campaign, row)
    qtbot.addWidget(kiosk)
    kiosk.show()
    return kiosk, campaign


def enter_password(qtbot, kiosk: KioskDialog, password: str) -> None:
    prompt = kiosk.prompt
    assert isinstance(prompt, PasswordPrompt) and prompt.isVisible()
    prompt.password.setText(password)
    prompt.check()
    idle(qtbot)


def test_kiosk_answers_every_item_and_exit_needs_the_password(qtbot, school: School):
    kiosk, campaign = kiosk_for(qtbot, school)
    assert "同学，你好" in kiosk.welcome.text()
    kiosk.show_item(0)
    assert kiosk.item_text.text() == "做事时提不起劲或没有兴趣"
    assert not kiosk.paper_hint.isVisible()
    kiosk.options.button(1).click()  # 好几天
    assert kiosk.position == 1
    assert kiosk.progress_bar.value() == 2 and "第 2 题" in kiosk.progress_label.text()
    qtbot.keyClick(kiosk, Qt.Key.Key_Left)
    assert kiosk.position == 0 and kiosk.options.button(1).isChecked()
    # Back at item 1 with one answer given: words and bar both say item 1.
    assert kiosk.progress_bar.value() == 1 and "第 1 题" in kiosk.progress_label.text()
    qtbot.keyClick(kiosk, Qt.Key.Key_2)  # digits choose by position: 好几天 again
    for _ in range(7):
        kiosk.options.button(0).click()
    assert kiosk.position == 8
    kiosk.options.button(2).click()  # item 9: 一半以上的天数
    assert kiosk.pages.currentIndex() == REVIEW_PAGE
    assert kiosk.review_text.text() == s.KIOSK_REVIEW_ALL
    kiosk.submit_button.click()
    idle(qtbot)
    assert kiosk.pages.currentIndex() == THANKS_PAGE
    shown = " ".join(label.text() for label in kiosk.findChildren(type(kiosk.progress_label))
                     if label.isVisible())
    assert "3" not in shown and "危机" not in shown  # never a score or a level
    [result] = campaign_results(school.store, campaign.id)
    assert (result.total, result.source, result.critical) == (3, "kiosk", (9,))
    # Clicked through in well under 2 s per item: 疑似无效 (too fast), and the item-9
    # answer still asks for a same-day assessment.
    assert not result.valid and result.warning == "key"

    qtbot.keyClick(kiosk, Qt.Key.Key_Escape)
    enter_password(qtbot, kiosk, "not-the-password")
    assert kiosk.isVisible() and kiosk.prompt.error.text() == s.KIOSK_WRONG_PASSWORD
    kiosk.prompt.reject()
    assert kiosk.prompt is None and kiosk.isVisible()
    kiosk.close()  # the window's close button asks too
    assert kiosk.isVisible()
    enter_password(qtbot, kiosk, TEST_PASSWORD)
    assert closed(kiosk)


def test_kiosk_for_paper_items_and_the_lock_closes_it(qtbot, school: School):
    kiosk, campaign = kiosk_for(qtbot, school, "mht")
    kiosk.show_item(0)
    assert kiosk.item_text.text() == s.KIOSK_PAPER_ITEM.format(n=1)
    assert "纸质题本" in kiosk.paper_hint.text() and kiosk.paper_hint.isVisible()
    kiosk.show_item(99)
    kiosk.options.button(0).click()
    assert kiosk.pages.currentIndex() == REVIEW_PAGE
    assert s.KIOSK_REVIEW_MISSING.format(n=99, items="")[:6] in kiosk.review_text.text()
    kiosk.reject()  # what the idle lock calls: no password asked, nothing saved
    assert closed(kiosk)
    assert campaign_results(school.store, campaign.id) == []


def test_launcher_lists_waiting_students_and_starts_the_kiosk(qtbot, school: School):
    klass = school.first_class()
    _, launcher = first_class_window(
        qtbot, school, "GAD-7 本机", "gad7",
        lambda c, class_id: KioskLaunchDialog(school.ctx, c, class_id))
    assert launcher.proxy.rowCount() == len(klass)
    kiosk = launcher.start()
    assert kiosk is not None and kiosk.isFullScreen()
    kiosk.show_item(0)
    for _ in range(7):
        kiosk.options.button(0).click()
    kiosk.submit_button.click()
    idle(qtbot)
    assert launcher.proxy.rowCount() == len(klass) - 1  # the saved student left the list
    kiosk.reject()


@pytest.mark.parametrize(("vk", "alt", "ctrl", "win", "held_back"), [
    (0x5B, False, False, False, True),   # Win: the Start menu
    (0x45, False, False, True, True),    # Win+E: Explorer, Documents
    (0x44, False, False, True, True),    # Win+D: the desktop
    (0x09, True, False, False, True),    # Alt+Tab
    (0x1B, True, False, False, True),    # Alt+Esc
    (0x1B, False, True, False, True),    # Ctrl+Esc: the Start menu
    (0x5D, False, False, False, True),   # the menu key
    (0x73, True, False, False, False),   # Alt+F4: the kiosk asks for the password
    (0x31, False, False, False, False),  # 1: choose the first answer
    (0x1B, False, False, False, False),  # Esc: the kiosk's own exit
    (0x25, False, False, False, False),  # ←
])
def test_system_keys_held_back_at_the_kiosk(vk, alt, ctrl, win, held_back):
    assert system_keys.blocked(vk, alt, ctrl, win) is held_back


def test_the_keyboard_hook_is_on_exactly_while_the_kiosk_shows(qtbot, school: School,
                                                                monkeypatch):
    hooks: list[str] = []
    monkeypatch.setattr(system_keys.sys, "platform", "win32")
    monkeypatch.setattr(system_keys, "_install_hook",
                        lambda: hooks.append("on") or (lambda: hooks.append("off")))
    kiosk, _campaign = kiosk_for(qtbot, school)
    assert hooks == ["on"] and kiosk.system_keys.active
    kiosk.reject()  # the idle lock
    assert hooks == ["on", "off"] and not kiosk.system_keys.active


def test_no_hook_off_windows(qtbot, school: School):
    kiosk, _campaign = kiosk_for(qtbot, school)
    assert kiosk.isVisible() and not kiosk.system_keys.active
    kiosk.reject()


def test_the_teachers_keys_do_nothing_at_the_kiosk(qtbot, school: School):
    """Ctrl+L and Ctrl+F are the teacher's: at the kiosk (and its password prompt) a
    student's Ctrl+L would end the answers in progress. The idle lock still closes it."""
    window = MainWindow(school.ctx)
    qtbot.addWidget(window)
    window.attach(school.store)
    idle(qtbot)
    kiosk, _campaign = kiosk_for(qtbot, school)
    kiosk.show_item(0)
    kiosk.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is kiosk, timeout=3000)
    qtbot.keyClick(kiosk, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(kiosk, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert kiosk.isVisible() and window.isVisible() and school.ctx.store is not None
    qtbot.keyClick(kiosk, Qt.Key.Key_Escape)
    prompt = kiosk.prompt
    assert prompt is not None
    prompt.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is prompt, timeout=3000)
    qtbot.keyClick(prompt.password, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert prompt.isVisible() and kiosk.isVisible() and school.ctx.store is not None
    window.lock()  # what the idle lock does
    assert closed(kiosk) and school.ctx.store is None
