"""The forms of the referral (转介): the indications checklist, and recording a step.

The checklist starts with what the file already shows ticked, each with why
(known_indications), and recommends as the teacher ticks (both are pure and instant, so
they run on the GUI thread); opening the referral is the teacher's decision. Whatever it
advises, the checklist can instead be saved without a referral, with the reason
(record_assessment). A step form asks for what that step must record, as its row in
referral/steps.py's STEP_TABLE says (the 告知书 receipt, the green-channel hospital, the
visit's outcome and the diagnosis the family reports, the certificate and arrangements
of 复学评估); skipping asks for a reason. Withdrawing the last step recorded (recorded
by mistake) asks for the reason, then for a confirmation, before it writes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.services.casefile.entries import withdraw_entry
from app.services.casefile.rows import StepRow, StudentFile
from app.services.referral.checklist import assess_indications, checklist, known_indications
from app.services.referral.steps import OUTCOMES, RECEIPTS, STEP_LABELS, StepDetails, spec
from app.services.referral.workflow import (
    cancel_referral,
    complete_step,
    open_referral,
    record_assessment,
    skip_step,
)
from app.store.handle import Store
from app.ui.casefile import texts
from app.ui.casefile.widgets import (
    FormDialog,
    checkbox,
    code_combo,
    date_edit,
    date_of,
    day,
    rich_label,
    text_edit,
)
from app.ui.form_widgets import hint_label
from app.ui.store_context import StoreContext


class ChecklistDialog(FormDialog):
    """开启转介 (OK), or 保存评估（不转介）, which keeps the checklist and the reason."""

    def __init__(self, ctx: StoreContext, file: StudentFile, today: date,
                 parent: QWidget | None) -> None:
        super().__init__(ctx, file.profile.id, texts.CHECKLIST_TITLE, parent,
                         ok_text=texts.CHECKLIST_OPEN, width=600)
        self.set_intro(texts.CHECKLIST_HINT)
        self.known = known_indications(file, today)
        self.boxes = {}
        self.without_referral = False
        ticks = QWidget()
        column = QVBoxLayout(ticks)
        column.setContentsMargins(0, 0, 0, 0)
        for indication in checklist():
            box = checkbox(indication.label, indication.code in self.known)
            box.toggled.connect(self._assess)
            self.boxes[indication.code] = box
            column.addWidget(box)
            if indication.code in self.known:
                why = hint_label(texts.CHECKLIST_KNOWN.format(why=self.known[indication.code]))
                why.setStyleSheet("color: #2f7d6d; margin-left: 22px;")
                column.addWidget(why)
        self.result = rich_label()
        self.opened_on = date_edit(today, latest=today)
        self.note = text_edit(rows=3)
        self.note.setPlaceholderText(texts.CHECKLIST_NOTE_HINT)
        self.form.addRow(ticks)
        self.form.addRow(self.result)
        self.form.addRow(texts.F_OPENED_ON, self.opened_on)
        self.form.addRow(texts.F_REF_NOTE, self.note)
        self.save_button = self.buttons.addButton(texts.CHECKLIST_SAVE,
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(self.save_without_referral)
        self._assess()

    def ticked(self) -> set[str]:
        return {code for code, box in self.boxes.items() if box.isChecked()}

    def _assess(self) -> None:
        recommendation = assess_indications(self.ticked())
        color = {"refer_now": "#b3261e", "consider": "#c25e00"}.get(recommendation.level,
                                                                    "#2f7d6d")
        reasons = "".join(f"<li>{escape(r)}</li>" for r in recommendation.reasons)
        self.result.setText(f"<b style='color:{color}'>"
                            f"{escape(texts.CHECKLIST_RESULT.format(label=recommendation.label))}"
                            f"</b><ul style='margin-top:0'>{reasons}</ul>")

    def save_without_referral(self) -> None:
        self.without_referral = True
        self.submit()
        self.without_referral = False

    def build(self) -> Callable[[Store], Any]:
        sid, ticked, on = self.student_id, self.ticked(), date_of(self.opened_on)
        note = self.note.toPlainText()
        if self.without_referral:
            return lambda store: record_assessment(store, sid, ticked, on, note)
        return lambda store: open_referral(store, sid, ticked, on, note)


class StepDialog(FormDialog):
    """Record the referral's next step as done, with what that step must record: the
    fields and hint of its row in STEP_TABLE, each asked for by the widget `fields`
    names for it."""

    def __init__(self, ctx: StoreContext, student_id: int, referral_id: int, step: StepRow,
                 hospitals: Sequence[str], today: date, parent: QWidget | None) -> None:
        row = spec(step.step)
        super().__init__(ctx, student_id, texts.STEP_TITLE.format(step=row.label), parent,
                         width=560)
        self.referral_id = referral_id
        self.step = step
        self.spec = row
        self.hospitals = tuple(hospitals)
        self.set_intro(texts.STEP_INTRO.format(step=row.label, due=day(step.due_on, "—"))
                       + (f"\n{row.hint}" if row.hint else ""))
        self.done_on = date_edit(today, latest=today)
        self.done_by = QLineEdit()
        self.done_by.setPlaceholderText(texts.F_STEP_DONE_BY_HINT)
        self.note = text_edit(rows=3)
        self.receipt = code_combo(RECEIPTS)
        self.hospital = QComboBox()
        self.hospital.addItems(list(self.hospitals))
        self.certificate = checkbox(texts.F_CERTIFICATE)
        self.meeting_on = date_edit(today, latest=today)
        self.arrangements = text_edit(rows=3)
        self.outcome = code_combo(OUTCOMES)
        self.outcome.setPlaceholderText(texts.F_OUTCOME_HINT)
        self.outcome.setCurrentIndex(-1)  # chosen by the teacher, never by default
        self.diagnosis = QLineEdit()
        self.fields = self._fields()
        self.form.addRow(texts.F_STEP_DONE_ON, self.done_on)
        self.form.addRow(texts.F_STEP_DONE_BY, self.done_by)
        for name in row.fields:
            title, widget, _value = self.fields[name]
            self.form.addRow(title, widget)
        self.form.addRow(texts.F_STEP_NOTE, self.note)

    def _fields(self) -> dict[str, tuple[str, QWidget, Callable[[], Any]]]:
        """Each StepDetails field (steps.FIELDS): its row title, widget and value."""
        hospital: QWidget = self.hospital
        if not self.hospitals:
            hospital = QLabel(texts.NO_HOSPITALS)
            hospital.setWordWrap(True)
        return {
            "receipt": (texts.F_RECEIPT, self.receipt, self.receipt.currentData),
            "hospital": (texts.F_HOSPITAL, hospital, self.hospital.currentText),
            "certificate_seen": ("", self.certificate, self.certificate.isChecked),
            "meeting_on": (texts.F_MEETING_ON, self.meeting_on,
                           lambda: date_of(self.meeting_on)),
            "arrangements": (texts.F_ARRANGEMENTS, self.arrangements,
                             self.arrangements.toPlainText),
            "outcome": (texts.F_OUTCOME, self.outcome, lambda: self.outcome.currentData() or ""),
            "diagnosis": (texts.F_DIAGNOSIS, self.diagnosis, self.diagnosis.text),
        }

    def details(self) -> StepDetails:
        return StepDetails(**{name: self.fields[name][2]() for name in self.spec.fields})

    def build(self) -> Callable[[Store], Any]:
        rid, step, on = self.referral_id, self.step.step, date_of(self.done_on)
        note, by, details, hospitals = (self.note.toPlainText(), self.done_by.text(),
                                        self.details(), self.hospitals)
        return lambda store: complete_step(store, rid, step, on, note, by, details, hospitals)


class SkipDialog(FormDialog):
    def __init__(self, ctx: StoreContext, student_id: int, referral_id: int, step: StepRow,
                 today: date, parent: QWidget | None) -> None:
        super().__init__(ctx, student_id, texts.SKIP_TITLE.format(step=STEP_LABELS[step.step]),
                         parent)
        self.referral_id = referral_id
        self.step = step
        self.reason = text_edit(rows=3)
        self.done_on = date_edit(today, latest=today)
        self.form.addRow(texts.F_SKIP_REASON, self.reason)
        self.form.addRow(texts.F_DATE, self.done_on)

    def build(self) -> Callable[[Store], Any]:
        rid, step, reason = self.referral_id, self.step.step, self.reason.toPlainText()
        on = date_of(self.done_on)
        return lambda store: skip_step(store, rid, step, reason, on)


class CancelDialog(FormDialog):
    def __init__(self, ctx: StoreContext, student_id: int, referral_id: int, today: date,
                 parent: QWidget | None) -> None:
        super().__init__(ctx, student_id, texts.CANCEL_TITLE, parent)
        self.referral_id = referral_id
        self.set_intro(texts.CANCEL_HINT)
        self.reason = text_edit(rows=3)
        self.on = date_edit(today, latest=today)
        self.form.addRow(texts.F_CANCEL_REASON, self.reason)
        self.form.addRow(texts.F_DATE, self.on)

    def build(self) -> Callable[[Store], Any]:
        rid, reason, on = self.referral_id, self.reason.toPlainText(), date_of(self.on)
        return lambda store: cancel_referral(store, rid, reason, on)


class WithdrawStepDialog(FormDialog):
    """撤回 the referral's last recorded step: what withdrawing does, the reason, and OK
    asks once more (确认撤回) before the step is withdrawn (casefile/entries.py
    `withdraw_entry`, which also gives back a status the step changed)."""

    def __init__(self, ctx: StoreContext, student_id: int, step: StepRow,
                 parent: QWidget | None) -> None:
        name = STEP_LABELS[step.step]
        super().__init__(ctx, student_id, texts.WITHDRAW_TITLE.format(step=name), parent,
                         ok_text=texts.WITHDRAW_YES + "…")
        assert step.id is not None, "only a recorded step can be withdrawn"
        self.step = step
        self.confirm_box: QMessageBox | None = None
        status = texts.WITHDRAW_STATUS if spec(step.step).status is not None else ""
        self.set_intro(texts.WITHDRAW_HINT.format(on=day(step.done_on), step=name,
                                                  status=status))
        self.reason = text_edit(rows=3)
        self.form.addRow(texts.F_WITHDRAW_REASON, self.reason)

    def submit(self) -> None:
        """The reason first, then the confirmation; its 撤回 runs the write."""
        self.field_errors.clear()
        if not self.reason.toPlainText().strip():
            self.field_errors.show(texts.WITHDRAW_NO_REASON)
            return
        box = QMessageBox(QMessageBox.Icon.Question, texts.WITHDRAW_CONFIRM_TITLE,
                          texts.WITHDRAW_CONFIRM.format(step=STEP_LABELS[self.step.step]),
                          QMessageBox.StandardButton.NoButton, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        yes = box.addButton(texts.WITHDRAW_YES, QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
        yes.clicked.connect(lambda: FormDialog.submit(self))
        box.finished.connect(lambda _result: setattr(self, "confirm_box", None))
        self.confirm_box = box
        box.open()

    def build(self) -> Callable[[Store], Any]:
        step_id, reason = self.step.id, self.reason.toPlainText()
        assert step_id is not None
        return lambda store: withdraw_entry(store, "referral_step", step_id, reason)
