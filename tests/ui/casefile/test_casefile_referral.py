"""The 转介 tab over the real services: the indications checklist and its
recommendation, steps completed in order with what each must record, a skip that needs
a reason, ending a referral early, and a letter printed to PDF on a worker."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton, QStatusBar

from app.models import Student
from app.services.casefile.rows import StepRow
from app.services.referral.steps import (
    FIELDS,
    NO_DETAILS,
    OUTCOMES,
    STEP_LABELS,
    STEP_TABLE,
    STEPS,
    StepDetails,
)
from app.services.referral.workflow import complete_step
from app.services.referral.workflow import open_referral as open_referral_now
from app.ui.casefile import texts
from app.ui.casefile.letter_print import print_to, suggested_name
from app.ui.casefile.referral_dialogs import StepDialog, WithdrawStepDialog
from app.ui.casefile.referral_tab import ReferralTab
from app.ui.messages import NOTICE_ACTION, NOTICE_BAR
from tests.ui.casefile.casefile_helpers import (
    HOSPITAL,
    School,
    add_result,
    all_text,
    audit_count,
    column,
    open_file,
    submit,
)
from tests.ui.ui_helpers import closed, idle, message_boxes

STEP = 4  # the 状态 column of the steps table


def referral_tab(qtbot, school: School, index: int = 0) -> ReferralTab:
    window = open_file(qtbot, school.ctx, school.students[index], "referral")
    tab = window.pages["referral"]
    assert isinstance(tab, ReferralTab)
    return tab


def open_referral(qtbot, tab: ReferralTab, *codes: str) -> None:
    dialog = tab.open_checklist()
    assert dialog is not None
    for code in codes:
        dialog.boxes[code].setChecked(True)
    submit(qtbot, dialog)
    assert closed(dialog)


def test_checklist_recommends_as_the_teacher_ticks(qtbot, school: School):
    tab = referral_tab(qtbot, school)
    assert tab.none_label.isVisible() and tab.open_button.isVisible()
    dialog = tab.open_checklist()
    assert dialog is not None
    assert "暂在校内支持与跟踪" in dialog.result.text()
    dialog.boxes["suicidal_ideation"].setChecked(True)
    assert "建议评估后考虑转介" in dialog.result.text()
    dialog.boxes["severe_depression"].setChecked(True)
    assert "建议立即转介" in dialog.result.text()
    assert "同时存在 2 项" in dialog.result.text()
    dialog.boxes["suicidal_ideation"].setChecked(False)
    dialog.boxes["severe_depression"].setChecked(False)
    submit(qtbot, dialog)  # nothing ticked: the note must say why
    assert dialog.error.text().startswith("未勾选转介指征而开启转介时")
    dialog.boxes["self_harm"].setChecked(True)
    submit(qtbot, dialog)
    assert closed(dialog)
    assert "建议立即转介" in tab.summary.text() and "有自伤行为" in tab.summary.text()
    assert column(tab.step_model, 0) == list(STEP_LABELS.values())
    assert column(tab.step_model, STEP)[:2] == [texts.STEP_NEXT, texts.STEP_LATER]
    assert not tab.open_button.isVisible()  # one referral at a time


def test_checklist_pre_ticks_what_the_file_shows_and_saves_without_a_referral(
        qtbot, school: School, screens_dir: Path):
    sid = school.students[1]
    add_result(school.store, sid, "秋季 PHQ-9", 21, "severe", level="key", critical="9",
               taken=date.today())
    tab = referral_tab(qtbot, school, index=1)
    dialog = tab.open_checklist()
    assert dialog is not None
    assert dialog.ticked() == {"critical_item"}
    assert "档案中已有：「秋季 PHQ-9」第 9 题“几乎每天”" in all_text(dialog)
    assert "建议评估后考虑转介" in dialog.result.text()
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.grab().save(str(screens_dir / "referral-checklist-known.png"))
    dialog.save_button.click()  # no reason yet: refused beside the note
    idle(qtbot)
    assert dialog.isVisible() and "请在说明中写明理由" in dialog.error.text()
    dialog.note.setPlainText("面谈评估：偶有消极念头，无计划，家长已陪同就医")
    dialog.save_button.click()
    idle(qtbot)
    assert closed(dialog)
    assert tab.referral is None and tab.open_button.isVisible()  # no referral opened
    assert tab.assessments.isVisible()
    assert "未转介的理由：</b>面谈评估：偶有消极念头" in tab.assessments.text()
    assert audit_count(school.store, "referral_assessed", sid) == 1
    assert audit_count(school.store, "referral_opened", sid) == 0


def test_complete_and_skip_steps(qtbot, school: School):
    tab = referral_tab(qtbot, school)
    open_referral(qtbot, tab, "self_harm", "severe_depression")

    step = tab.complete()
    assert step is not None and step.step.step == "crisis_assessment"
    step.note.setPlainText("当面评估：近一月多次自伤，无自杀计划")
    submit(qtbot, step)
    assert closed(step)
    assert column(tab.step_model, STEP)[:2] == [texts.STEP_DONE, texts.STEP_NEXT]

    skip = tab.skip()
    assert skip is not None and skip.step.step == "parents_informed"
    submit(qtbot, skip)
    assert skip.error.text() == "跳过转介步骤时必须说明理由。"
    skip.reason.setPlainText("学生已满十八周岁，本人同意就诊")
    submit(qtbot, skip)
    assert closed(skip)
    assert column(tab.step_model, STEP)[1] == texts.STEP_SKIPPED.format(
        reason="学生已满十八周岁，本人同意就诊")

    hospital = tab.complete()
    assert hospital is not None and hospital.step.step == "hospital_contacted"
    assert [hospital.hospital.itemText(i) for i in range(hospital.hospital.count())] == [
        HOSPITAL]
    submit(qtbot, hospital)
    assert closed(hospital)
    assert HOSPITAL in tab.summary.text()
    assert f"医院：{HOSPITAL}" in column(tab.step_model, 5)[2]

    form = tab.complete()
    assert form is not None and form.step.step == "referral_form"
    submit(qtbot, form)
    feedback = tab.complete()
    assert feedback is not None and feedback.step.step == "visit_feedback"
    submit(qtbot, feedback)  # the outcome is chosen, never preset
    assert feedback.error.text().startswith("就诊结果未选择。可选：门诊治疗、住院")
    feedback.outcome.setCurrentIndex(feedback.outcome.findData("outpatient"))
    submit(qtbot, feedback)  # what the hospital said is required
    assert feedback.error.text() == "请填写就诊反馈（医院的意见或处理；未能联系时写明联系经过）。"
    feedback.close()

    cancel = tab.cancel()
    assert cancel is not None
    cancel.reason.setPlainText("家长拒绝继续就诊，改为校内支持")
    submit(qtbot, cancel)
    assert closed(cancel)
    assert column(tab.step_model, STEP)[4:] == [
        texts.STEP_SKIPPED.format(reason="终止转介：家长拒绝继续就诊，改为校内支持")] * 4
    assert not tab.complete_button.isEnabled()
    assert tab.open_button.isVisible()  # closed: a new referral may be opened


def test_print_a_letter_on_a_worker(qtbot, school: School, tmp_path: Path,
                                    screens_dir: Path):
    tab = referral_tab(qtbot, school)
    open_referral(qtbot, tab, "psychosis")
    assert tab.referral is not None
    rid = tab.referral.id
    assert "张小雨" not in suggested_name("notice", rid)
    assert suggested_name("notice", rid).startswith("学生心理健康情况告知书-Z")
    out = tmp_path / "letters" / "notice.pdf"
    out.parent.mkdir()
    print_to(school.ctx, tab, school.students[0], rid, "notice", out)
    idle(qtbot)
    assert out.read_bytes().startswith(b"%PDF")
    # no box to click away: the file window's status bar says where it went, with
    # 打开所在文件夹 beside it
    assert not message_boxes()
    bar = tab.window().findChild(QStatusBar, NOTICE_BAR)
    assert str(out) in bar.toolTip() and out.name in bar.currentMessage()
    [folder] = bar.findChildren(QPushButton, NOTICE_ACTION)
    assert folder.text() == texts.OPEN_FOLDER
    tab.window().grab().save(str(screens_dir / "file-window-letter-saved.png"))
    assert audit_count(school.store, "student_print", school.students[0]) == 1


@pytest.mark.parametrize("spec", STEP_TABLE, ids=lambda s: s.code)
def test_the_step_form_asks_for_exactly_the_rows_fields(qtbot, school: School, spec):
    """The form reads the step's row: its hint, a widget for each of its fields and none
    for the others, and what it submits holds only those fields."""
    step = StepRow(None, spec.code, date(2026, 3, 2), None, "", "", False, "",
                   **vars(NO_DETAILS))
    dialog = StepDialog(school.ctx, school.students[0], 1, step, [HOSPITAL],
                        date(2026, 3, 2), None)
    qtbot.addWidget(dialog)
    assert set(dialog.fields) == set(FIELDS)
    assert spec.hint in dialog.intro.text()
    for name, (_title, widget, _value) in dialog.fields.items():
        assert (dialog.form.indexOf(widget) >= 0) == (name in spec.fields), name
    dialog.certificate.setChecked(True)
    dialog.arrangements.setPlainText("分段复课")
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("other"))
    details = dialog.details()
    for name in FIELDS:
        if name not in spec.fields:
            assert getattr(details, name) == getattr(NO_DETAILS, name), name
    assert spec.check("医院意见", details, [HOSPITAL]) is not None


def test_visit_feedback_offers_the_outcomes_and_admission_suspends(qtbot, school: School):
    """The 就诊反馈 form lists the coded outcomes with none preselected; 住院 with the
    family's diagnosis is shown in the steps table and makes the student 休学."""
    sid, today = school.students[1], date.today()
    rid = open_referral_now(school.store, sid, {"self_harm"}, today)
    earlier = {"parents_informed": StepDetails(receipt="signed"),
               "hospital_contacted": StepDetails(hospital=HOSPITAL)}
    for code in STEPS[:STEPS.index("visit_feedback")]:
        complete_step(school.store, rid, code, today, "已办", hospitals=[HOSPITAL],
                      details=earlier.get(code, StepDetails()))
    tab = referral_tab(qtbot, school, 1)
    feedback = tab.complete()
    assert feedback is not None and feedback.step.step == "visit_feedback"
    outcome = feedback.outcome
    assert feedback.form.indexOf(outcome) >= 0 and feedback.form.indexOf(feedback.diagnosis) >= 0
    assert [outcome.itemText(i) for i in range(outcome.count())] == list(OUTCOMES.values())
    assert outcome.currentIndex() == -1 and outcome.placeholderText() == texts.F_OUTCOME_HINT
    feedback.note.setPlainText("医生建议住院治疗")
    submit(qtbot, feedback)
    assert feedback.error.text().startswith("就诊结果未选择")
    outcome.setCurrentIndex(outcome.findData("inpatient"))
    feedback.diagnosis.setText("抑郁发作")
    submit(qtbot, feedback)
    assert closed(feedback)
    record = column(tab.step_model, 5)[STEPS.index("visit_feedback")]
    assert "结果：住院" in record and "诊断（家长所述）：抑郁发作" in record
    with school.store.read() as session:
        student = session.get(Student, sid)
        assert student is not None and student.status == "suspended"
    assert audit_count(school.store, "student_status", sid) == 1


def test_withdraw_the_last_step_asks_why_then_to_confirm(qtbot, school: School,
                                                         screens_dir: Path):
    """A step recorded by mistake: 撤回此步骤… on its context menu (only the last step
    recorded; an earlier one says why not), a reason, a confirmation that can still be
    cancelled, then the step is due again and the 休学 it caused is undone."""
    sid, today = school.students[2], date.today()
    rid = open_referral_now(school.store, sid, {"self_harm"}, today)
    details = {"parents_informed": StepDetails(receipt="signed"),
               "hospital_contacted": StepDetails(hospital=HOSPITAL),
               "visit_feedback": StepDetails(outcome="inpatient")}
    feedback = STEPS.index("visit_feedback")
    for code in STEPS[:feedback + 1]:
        complete_step(school.store, rid, code, today, "已办", hospitals=[HOSPITAL],
                      details=details.get(code, StepDetails()))
    tab = referral_tab(qtbot, school, 2)
    assert tab.withdraw_button.isVisible() and tab.withdraw_button.isEnabled()

    def menu_on(row: int):
        return tab.step_menu(tab.steps.visualRect(tab.step_model.index(row, 0)).center())

    assert menu_on(feedback + 1) is None  # a step not recorded: nothing to withdraw
    earlier = menu_on(1)
    assert earlier is not None
    [action] = earlier.actions()
    assert action.text() == texts.REF_WITHDRAW_NOT_LAST and not action.isEnabled()
    earlier.close()
    menu = menu_on(feedback)
    assert menu is not None
    [action] = menu.actions()
    assert action.text() == texts.REF_WITHDRAW_MENU and action.isEnabled()
    action.trigger()
    dialog = tab.findChild(WithdrawStepDialog)
    assert dialog is not None and dialog.step.step == "visit_feedback"
    assert "就诊反馈" in dialog.windowTitle() and "恢复原来的状态" in dialog.intro.text()
    submit(qtbot, dialog)
    assert dialog.error.text() == texts.WITHDRAW_NO_REASON and not message_boxes()
    dialog.reason.setPlainText("选错了就诊结果")
    edits = audit_count(school.store, "student_edit", sid)
    submit(qtbot, dialog)
    [box] = message_boxes()
    assert box.text() == texts.WITHDRAW_CONFIRM.format(step="就诊反馈")
    dialog.grab().save(str(screens_dir / "referral-withdraw-dialog.png"))
    box.grab().save(str(screens_dir / "referral-withdraw-confirm.png"))
    box.button(QMessageBox.StandardButton.Cancel).click()
    idle(qtbot)
    assert not closed(dialog) and audit_count(school.store, "student_edit", sid) == edits
    submit(qtbot, dialog)
    [box] = message_boxes()
    [yes] = [b for b in box.buttons() if b.text() == texts.WITHDRAW_YES]
    yes.click()
    idle(qtbot)
    assert closed(dialog) and audit_count(school.store, "student_edit", sid) == edits + 1
    qtbot.waitUntil(lambda: column(tab.step_model, STEP)[feedback] == texts.STEP_NEXT)
    with school.store.read() as session:
        student = session.get(Student, sid)
        assert student is not None and student.status == "enrolled"
    # The button offers the step now last (转介单), in the same dialog.
    again = tab.withdraw()
    assert again is not None and again.step.step == "referral_form"
    assert tab.withdraw(tab.step_model.row_at(0)) is None  # not the last: no dialog


def test_a_long_path_is_elided_in_the_middle_and_the_folder_button_stays(
        qtbot, school: School, tmp_path: Path, screens_dir: Path):
    """Saved deep in a teacher's folders, in a narrow file window: the path is shortened
    in the middle (its start and the file's name stay, the rest of the line too), the
    whole text is the tooltip, and 打开所在文件夹 is fully in view."""
    tab = referral_tab(qtbot, school)
    open_referral(qtbot, tab, "psychosis")
    assert tab.referral is not None
    window = tab.window()
    window.resize(900, 560)
    idle(qtbot)
    folder = tmp_path.joinpath("心理辅导室", "2026-2027学年第一学期", "转介文书", "初一年级",
                               "告知书与回执（家长签收后扫描存档）")
    folder.mkdir(parents=True)
    out = folder / "学生心理健康情况告知书-2026年12月2日打印.pdf"
    print_to(school.ctx, tab, school.students[0], tab.referral.id, "notice", out)
    idle(qtbot)
    bar = window.findChild(QStatusBar, NOTICE_BAR)
    [folder_button] = bar.findChildren(QPushButton, NOTICE_ACTION)
    qtbot.waitUntil(lambda: folder_button.isVisible())
    message = bar.currentMessage()
    assert "…" in message and str(out) not in message
    assert message.startswith("学生心理健康情况告知书已保存到：") and out.name[-8:] in message
    assert message.endswith("不要留在公共电脑或U盘上。")
    assert str(out) in bar.toolTip()
    room = folder_button.geometry().left()
    assert bar.fontMetrics().horizontalAdvance(message) < room
    assert folder_button.geometry().left() > 0 and folder_button.geometry().right() < bar.width()
    assert folder_button.width() >= folder_button.sizeHint().width()
    window.grab().save(str(screens_dir / "file-window-long-path-saved.png"))
    # Once the message goes, so does its tooltip.
    bar.clearMessage()
    assert bar.toolTip() == ""
