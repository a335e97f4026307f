"""转介: the referral as assessed (checklist, recommendation, reasons) and its steps as a
timeline — due, done, who, what was recorded — with the next step highlighted (red
when overdue), the buttons to complete or skip it, the letters to print, and the scans
kept with the referral (附件, app/ui/casefile/attachments.py).

Steps run strictly in order (referral/workflow.py), so only the next step can be completed or
skipped; ending a referral early skips every step left with one reason. A step recorded
by mistake is withdrawn with 撤回最后一步… (or 撤回此步骤… on the step's context menu):
only the last one recorded, with a reason and a confirmation (WithdrawStepDialog).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMenu, QPushButton, QVBoxLayout

from app.labels import REFERRAL_RECOMMENDATIONS, label
from app.services.casefile.rows import ReferralAssessmentRow, ReferralRow, StepRow
from app.services.casefile.snapshot import WITHHELD
from app.services.referral.steps import OUTCOMES, RECEIPTS, STEP_LABELS
from app.ui.casefile import texts
from app.ui.casefile.attachments import AttachmentsBox
from app.ui.casefile.file_tab import FileTab
from app.ui.casefile.letter_print import ask_and_print
from app.ui.casefile.loading import FileView
from app.ui.casefile.referral_dialogs import (
    CancelDialog,
    ChecklistDialog,
    SkipDialog,
    StepDialog,
    WithdrawStepDialog,
)
from app.ui.casefile.widgets import (
    MUTED_TEXT,
    OVERDUE_BACKGROUND,
    button_row,
    day,
    fill,
    group,
    rich_label,
    table,
)
from app.ui.store_context import StoreContext
from app.ui.table_models import Column

NEXT_BACKGROUND = QColor("#e3f1ec")
LETTER_KINDS = (("notice", texts.PRINT_NOTICE), ("referral", texts.PRINT_REFERRAL),
                ("return", texts.PRINT_RETURN))


def step_record(s: StepRow) -> str:
    parts = [s.note] if s.note else []
    if s.receipt:
        parts.append(texts.STEP_RECEIPT.format(receipt=label(RECEIPTS, s.receipt)))
    if s.hospital:
        parts.append(texts.STEP_HOSPITAL.format(hospital=s.hospital))
    if s.outcome:
        parts.append(texts.STEP_OUTCOME.format(outcome=label(OUTCOMES, s.outcome)))
    if s.diagnosis:
        parts.append(texts.STEP_DIAGNOSIS.format(diagnosis=s.diagnosis))
    if s.meeting_on or s.arrangements:
        # Recorded arrangements are never empty: blank is the summary's sealed column.
        parts.append(texts.STEP_RETURN.format(meeting=day(s.meeting_on),
                                              arrangements=s.arrangements or WITHHELD))
    return "；".join(parts)


def assessments_html(rows: Sequence[ReferralAssessmentRow]) -> str:
    """The checklists saved without a referral, newest first, each with its reason."""
    items = "".join(texts.ASSESSMENT_ITEM.format(
        on=day(a.assessed_on), by=escape(a.assessed_by),
        recommendation=escape(label(REFERRAL_RECOMMENDATIONS, a.recommendation)),
        indications=escape("、".join(text for _code, text in a.indications)) or "—",
        note=escape(a.note)) for a in reversed(rows))
    return f"<b>{texts.ASSESSMENTS_TITLE}</b><ul style='margin-top:0'>{items}</ul>"


class ReferralTab(FileTab):
    def __init__(self, ctx: StoreContext) -> None:
        super().__init__(ctx)
        self.referral: ReferralRow | None = None
        self.none_label = QLabel(texts.REF_NONE)
        self.none_label.setWordWrap(True)
        self.open_button = QPushButton(texts.REF_OPEN)
        self.open_button.clicked.connect(lambda: self.open_checklist())
        self.pick = QComboBox()
        self.pick.currentIndexChanged.connect(self._picked)
        self.pick_label = QLabel(texts.REF_PICK)
        self.summary = rich_label()
        self.assessments = rich_label()
        columns = (
            Column(texts.COL_STEP, lambda s: STEP_LABELS[s.step]),
            Column(texts.COL_DUE, lambda s: day(s.due_on)),
            Column(texts.COL_DONE_ON, lambda s: day(s.done_on)),
            Column(texts.COL_DONE_BY, lambda s: s.done_by),
            Column(texts.COL_STATE, self._state),
            Column(texts.COL_NOTE, step_record),
        )
        self.steps, self.step_model = table(columns, self, background=self._background,
                                            foreground=self._foreground)
        self.steps.setSortingEnabled(False)
        self.steps.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.steps.customContextMenuRequested.connect(lambda pos: self.step_menu(pos))
        self.complete_button = QPushButton(texts.REF_COMPLETE)
        self.skip_button = QPushButton(texts.REF_SKIP)
        self.cancel_button = QPushButton(texts.REF_CANCEL)
        self.complete_button.clicked.connect(lambda: self.complete())
        self.skip_button.clicked.connect(lambda: self.skip())
        self.cancel_button.clicked.connect(lambda: self.cancel())
        self.withdraw_button = QPushButton(texts.REF_WITHDRAW)
        self.withdraw_button.setToolTip(texts.REF_WITHDRAW_TIP)
        self.withdraw_button.clicked.connect(lambda: self.withdraw())
        self.print_buttons = []
        for kind, text in LETTER_KINDS:
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, k=kind: self.print_letter(k))
            self.print_buttons.append(button)
        top = QHBoxLayout()
        top.addWidget(self.pick_label)
        top.addWidget(self.pick, 1)
        top.addStretch(1)
        top.addWidget(self.open_button)
        self.steps_box = group(texts.REF_STEPS, self.steps, stretch_last=True)
        self.steps_box.layout().addLayout(button_row(self.complete_button, self.skip_button,
                                                     self.cancel_button, self.withdraw_button))
        letters = button_row(*self.print_buttons)
        self.attachments_box = AttachmentsBox(ctx, self)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.none_label)
        layout.addWidget(self.assessments)
        layout.addWidget(self.summary)
        layout.addWidget(self.steps_box, 2)
        layout.addWidget(self.attachments_box, 1)
        layout.addLayout(letters)

    def _state(self, s: StepRow) -> str:
        if s.skipped:
            return texts.STEP_SKIPPED.format(reason=s.skip_reason)
        if not s.pending:
            return texts.STEP_DONE
        if self.referral is None or self.referral.next_step is not s:
            return texts.STEP_LATER
        late = (self.view_.today - s.due_on).days if self.view_ and s.due_on else 0
        return texts.STEP_OVERDUE.format(days=late) if late > 0 else texts.STEP_NEXT

    def _background(self, s: StepRow) -> QColor | None:
        if self.referral is None or self.referral.next_step is not s:
            return None
        late = self.view_ is not None and s.due_on is not None and s.due_on < self.view_.today
        return OVERDUE_BACKGROUND if late else NEXT_BACKGROUND

    def _foreground(self, s: StepRow, _column: int) -> QColor | None:
        later = s.pending and (self.referral is None or self.referral.next_step is not s)
        return MUTED_TEXT if later or s.skipped else None

    def show_view(self, view: FileView) -> None:
        self.view_ = view
        referrals = view.file.referrals
        chosen = self.referral.id if self.referral else None
        self.pick.blockSignals(True)
        self.pick.clear()
        for r in reversed(referrals):  # newest first
            state = texts.REF_STATE_CLOSED if r.closed else texts.REF_STATE_OPEN
            self.pick.addItem(texts.REF_ITEM.format(opened=day(r.opened_on), state=state), r.id)
        self.pick.setCurrentIndex(max(0, self.pick.findData(chosen)))
        self.pick.blockSignals(False)
        has = bool(referrals)
        for widget in (self.pick, self.pick_label, self.summary, self.steps_box,
                       self.attachments_box, *self.print_buttons):
            widget.setVisible(has)
        self.none_label.setVisible(not has)
        self.assessments.setText(assessments_html(view.file.referral_assessments))
        self.assessments.setVisible(bool(view.file.referral_assessments))
        self.open_button.setVisible(view.can_edit and all(r.closed for r in referrals))
        self._picked()

    def _picked(self) -> None:
        view = self.view_
        rid = self.pick.currentData()
        self.referral = next((r for r in view.file.referrals if r.id == rid), None) if view \
            else None
        r = self.referral
        if r is None or view is None:
            self.step_model.clear()
            return
        note = f"<br><b>{texts.F_REF_NOTE}</b>{escape(r.note)}" if r.note else ""
        hospital = texts.REF_HOSPITAL.format(hospital=escape(r.hospital)) if r.hospital else ""
        self.summary.setText(texts.REF_SUMMARY.format(
            recommendation=escape(label(REFERRAL_RECOMMENDATIONS, r.recommendation)),
            reasons=escape("；".join(r.reasons)) or "—",
            indications=escape("、".join(text for _code, text in r.indications)) or "—",
            opened=day(r.opened_on), by=escape(r.opened_by), note=note + hospital))
        fill(self.steps, self.step_model, list(r.steps))
        self.attachments_box.show_rows(view.file.profile.id, r.id,
                                       view.file.attachments_of(r.id))
        self.attachments_box.add_button.setVisible(view.can_edit)
        self.attachments_box.remove_button.setVisible(view.can_edit)
        editable = view.can_edit and not r.closed
        for button in (self.complete_button, self.skip_button, self.cancel_button):
            button.setVisible(view.can_edit)
            button.setEnabled(editable)
        # A closed referral's last step (复学后跟踪 recorded by mistake) can go back too.
        self.withdraw_button.setVisible(view.can_edit)
        self.withdraw_button.setEnabled(self.last_recorded() is not None)
        for button in self.print_buttons:
            button.setVisible(view.can_edit)

    def open_checklist(self) -> ChecklistDialog | None:
        return self.open_dialog(lambda v: ChecklistDialog(self.ctx, v.file, v.today, self))

    def _next(self) -> tuple[ReferralRow, StepRow] | None:
        r = self.referral
        if self.view_ is None or r is None or r.next_step is None:
            return None
        return r, r.next_step

    def complete(self) -> StepDialog | None:
        found = self._next()
        if found is None:
            return None
        r, step = found
        return self.open_dialog(
            lambda v: StepDialog(self.ctx, v.file.profile.id, r.id, step, v.hospitals, v.today,
                                 self))

    def skip(self) -> SkipDialog | None:
        found = self._next()
        if found is None:
            return None
        r, step = found
        return self.open_dialog(
            lambda v: SkipDialog(self.ctx, v.file.profile.id, r.id, step, v.today, self))

    def cancel(self) -> CancelDialog | None:
        r = self.referral
        if r is None or r.closed:
            return None
        return self.open_dialog(
            lambda v: CancelDialog(self.ctx, v.file.profile.id, r.id, v.today, self))

    def last_recorded(self) -> StepRow | None:
        """The step recorded last (done or skipped): the only one that can be withdrawn."""
        r = self.referral
        return next((s for s in reversed(r.steps) if not s.pending), None) if r else None

    def withdraw(self, step: StepRow | None = None) -> WithdrawStepDialog | None:
        """Ask why (and then to confirm) before withdrawing the last recorded step;
        `step`, from the context menu, must be that step."""
        last = self.last_recorded()
        if last is None or (step is not None and step is not last) or \
                self.view_ is None or not self.view_.can_edit:
            return None
        return self.open_dialog(
            lambda v: WithdrawStepDialog(self.ctx, v.file.profile.id, last, self))

    def step_menu(self, pos: QPoint) -> QMenu | None:
        """撤回此步骤… on a recorded step; offered but disabled on one that is not the
        last, saying why."""
        index = self.steps.indexAt(pos)
        if not index.isValid() or self.view_ is None or not self.view_.can_edit:
            return None
        row = self.step_model.row_at(index.row())
        if row.pending:
            return None
        last = row is self.last_recorded()
        menu = QMenu(self.steps)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        action = menu.addAction(texts.REF_WITHDRAW_MENU if last else texts.REF_WITHDRAW_NOT_LAST)
        action.setEnabled(last)
        action.triggered.connect(lambda: self.withdraw(row))
        menu.popup(self.steps.viewport().mapToGlobal(pos))
        return menu

    def print_letter(self, kind: str) -> Any:
        if self.view_ is None or self.referral is None:
            return None
        return ask_and_print(self.ctx, self, self.view_.file.profile.id, self.referral.id, kind)
