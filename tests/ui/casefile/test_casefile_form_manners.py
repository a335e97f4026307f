"""How every casefile form behaves around the data typed into it (FormDialog): typed
text is not thrown away without asking (Esc, 取消), the lock still closes it at once,
and a refusal focuses the field it is about and goes when that field is changed."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from app.services.referral.workflow import StepDetails, complete_step, open_referral
from app.ui import strings
from app.ui.casefile.referral_dialogs import SkipDialog, StepDialog
from app.ui.casefile.referral_tab import ReferralTab
from tests.ui.casefile.casefile_helpers import HOSPITAL, School, idle, open_file, submit
from tests.ui.ui_helpers import closed, message_boxes


def referral_tab(qtbot, school: School) -> ReferralTab:
    open_referral(school.store, school.students[0], {"self_harm"}, date.today())
    window = open_file(qtbot, school.ctx, school.students[0], "referral")
    tab = window.pages["referral"]
    assert isinstance(tab, ReferralTab)
    return tab


def the_question() -> QMessageBox:
    [box] = message_boxes()
    assert box.text() == strings.DISCARD_TEXT
    return box


def answer(box: QMessageBox, text: str) -> None:
    [button] = [b for b in box.buttons() if b.text() == text]
    button.click()


def test_esc_and_cancel_ask_before_a_typed_note_is_lost(qtbot, school: School):
    tab = referral_tab(qtbot, school)
    dialog = tab.complete()  # 登记完成：危机评估
    assert isinstance(dialog, StepDialog)
    qtbot.waitExposed(dialog)
    dialog.note.setFocus()
    qtbot.keyClicks(dialog.note, "self-harm twice")  # QTest types Latin-1 only
    qtbot.keyClick(dialog.note, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    answer(the_question(), strings.DISCARD_NO)
    assert dialog.isVisible() and dialog.note.toPlainText() == "self-harm twice"
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    answer(the_question(), strings.DISCARD_YES)
    assert closed(dialog)


def test_an_untouched_form_closes_at_once_and_the_lock_never_waits_for_an_answer(
        qtbot, school: School):
    tab = referral_tab(qtbot, school)
    dialog = tab.complete()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert closed(dialog) and not message_boxes()
    typed = tab.complete()
    assert typed is not None
    qtbot.waitExposed(typed)
    typed.note.setPlainText("写了一半")
    typed.reject()  # what the lock does to every dialog
    assert closed(typed) and not message_boxes()


def test_a_refusal_focuses_its_field_and_goes_when_the_field_is_changed(
        qtbot, school: School):
    tab = referral_tab(qtbot, school)
    skip = tab.skip()
    assert isinstance(skip, SkipDialog)
    qtbot.waitExposed(skip)
    skip.activateWindow()
    submit(qtbot, skip)
    assert skip.error.text() == "跳过转介步骤时必须说明理由。"
    assert skip.reason.hasFocus()  # not 取消
    qtbot.keyClicks(skip.reason, "x")
    assert skip.error.text() == ""
    skip.reason.clear()
    submit(qtbot, skip)
    assert skip.error.text() == "跳过转介步骤时必须说明理由。"
    skip.done_on.setDate(skip.done_on.date().addDays(-1))  # another field: the line stays
    assert skip.error.text() != ""
    skip.reject()
    idle(qtbot)


def test_a_missing_note_focuses_the_note_not_an_optional_line(qtbot, school: School):
    """「请填写就诊反馈」 names no label of the form: the empty note is meant, not the
    optional 经办人 line above it."""
    today = date.today()
    rid = open_referral(school.store, school.students[1], {"self_harm"}, today)
    for step, details in (("crisis_assessment", StepDetails()),
                          ("parents_informed", StepDetails(receipt="signed")),
                          ("hospital_contacted", StepDetails(hospital=HOSPITAL)),
                          ("referral_form", StepDetails())):
        complete_step(school.store, rid, step, today, "已办", details=details,
                      hospitals=(HOSPITAL,))
    tab = open_file(qtbot, school.ctx, school.students[1], "referral").pages["referral"]
    assert isinstance(tab, ReferralTab)
    feedback = tab.complete()
    assert isinstance(feedback, StepDialog) and feedback.step.step == "visit_feedback"
    qtbot.waitExposed(feedback)
    feedback.activateWindow()
    submit(qtbot, feedback)
    assert feedback.error.text().startswith("就诊结果未选择")
    assert feedback.field_errors.field is feedback.outcome  # 「就诊结果」 is its label
    feedback.outcome.setCurrentIndex(0)
    assert feedback.error.text() == ""  # fixed: the red line goes
    submit(qtbot, feedback)
    assert feedback.error.text().startswith("请填写就诊反馈")
    assert feedback.note.hasFocus() and not feedback.done_by.hasFocus()
    feedback.reject()


def test_the_guard_lets_events_through_after_the_collector_emptied_it(qtbot, school: School):
    """The collector empties a wrapper's __dict__ when it breaks a cycle holding it, while
    the C++ guard still filters its dialog's events: those must pass, not raise (a full
    run once failed on "'UnsavedGuard' object has no attribute 'dialog'")."""
    tab = referral_tab(qtbot, school)
    dialog = tab.complete()
    qtbot.waitUntil(dialog.isVisible)
    dialog.note.setPlainText("当面评估：情绪低落，否认自伤计划")
    dialog.unsaved.__dict__.clear()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nothing typed as far as the guard knows now
    qtbot.waitUntil(lambda: closed(dialog))
    assert not message_boxes()
