"""参测名单: one class of a campaign, where a teacher marks who was on leave (请假),
exempt (免测) or excluded (已排除) and records consent (知情同意).

Those students stop counting against the completion rate. Marks apply to every
selected row at once (a class's absentees are marked in one go) on a worker; the
change is broadcast so the completion table and the other screening views reload.
打印知情同意书… prints the shown class's consent forms to send home
(app/reports/consent_form.py); the choices returned are recorded here as 知情同意.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.changes import Changes
from app.errors import QingxinError
from app.labels import CONSENT, PARTICIPATION
from app.services.reports.consent_form import print_consent_forms
from app.services.screening.campaigns import CampaignRow, ClassCompletion
from app.services.screening.entry import (
    ParticipantRow,
    ParticipationChanged,
    mark_participation,
)
from app.ui.casefile.file_window import open_student_file
from app.ui.file_dialogs import LETTERS, ask_save_path
from app.ui.form_widgets import data_table, error_label, fit_columns, hint_label
from app.ui.reports.saving import show_saved
from app.ui.row_open import RowOpener, main_window_of
from app.ui.screening import strings as s
from app.ui.screening.campaign_window import CampaignWindow
from app.ui.screening.class_picker import ClassPicker
from app.ui.screening.models import (
    PARTICIPANT_COLUMNS,
    TintedTableModel,
    participant_tint,
)
from app.ui.store_context import StoreContext
from app.ui.workers import Op

NOTE_MAX = 200


class ParticipationDialog(CampaignWindow):
    def __init__(self, ctx: StoreContext, campaign: CampaignRow, class_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, campaign, s.PART_TITLE, (900, 620), parent, maximisable=False)
        self.completion: list[ClassCompletion] = []
        self.class_picker = ClassPicker(ctx, campaign.id, class_id)
        self.summary = hint_label()
        self.model = TintedTableModel(PARTICIPANT_COLUMNS, tint=participant_tint)
        self.model.setParent(self)
        self.view = data_table()
        self.view.setModel(self.model)
        self.view.setSelectionMode(self.view.SelectionMode.ExtendedSelection)
        self.opener = RowOpener(self.view, lambda row: open_student_file(
            ctx, main_window_of(self), row.student_id))
        self.status = QComboBox()
        for code, text in PARTICIPATION.items():
            self.status.addItem(text, code)
        self.consent = QComboBox()
        self.consent.addItem(s.PART_KEEP_CONSENT, None)
        for code, text in CONSENT.items():
            self.consent.addItem(text, code)
        self.note = QLineEdit()
        self.note.setMaxLength(NOTE_MAX)
        self.apply_button = QPushButton(s.PART_APPLY)
        self.selected = QLabel(s.PART_SELECTED.format(n=0))
        self.error = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(QLabel(s.PART_CLASS))
        top.addWidget(self.class_picker)
        top.addWidget(self.summary, 1)
        self.consent_form_button = QPushButton(s.PART_CONSENT_FORM)
        self.consent_form_button.setAutoDefault(False)
        self.consent_form_button.clicked.connect(lambda: self.print_consent_forms())
        top.addWidget(self.consent_form_button)
        marks = QHBoxLayout()
        marks.addWidget(self.selected)
        marks.addSpacing(12)
        marks.addWidget(QLabel(s.PART_STATUS))
        marks.addWidget(self.status)
        marks.addWidget(QLabel(s.PART_CONSENT))
        marks.addWidget(self.consent)
        marks.addWidget(QLabel(s.PART_NOTE))
        marks.addWidget(self.note, 1)
        marks.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(marks)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

        self.class_picker.classes_loaded.connect(self._classes_loaded)
        self.class_picker.students_loaded.connect(self._students_loaded)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.apply_button.clicked.connect(self.apply)
        ctx.changed.connect(self._on_changed)
        self.reload()

    def reload(self) -> None:
        self.class_picker.reload()

    def print_consent_forms(self, path: Path | None = None) -> Op | None:
        """The shown class's 知情同意书 (one page per student) to a PDF the teacher names;
        the suggested name carries the campaign and class numbers, never a name."""
        class_id = self.class_picker.currentData()
        if class_id is None:
            return None
        if path is None:
            path = ask_save_path(self, LETTERS, s.PART_CONSENT_FORM, s.CONSENT_FORM_FILE.format(
                campaign=self.campaign.id, klass=class_id), "PDF (*.pdf)", ".pdf")
            if path is None:
                return None
        campaign_id, policy, out = self.campaign.id, self.ctx.deployment.consent, path
        return self.ctx.query(
            self, lambda store: print_consent_forms(store, campaign_id, class_id, out, policy),
            lambda written: show_saved(self, s.PART_CONSENT_FORM,
                                       s.CONSENT_FORM_DONE.format(path=written), written))

    def _classes_loaded(self, completion: list[ClassCompletion]) -> None:
        self.completion = completion

    def _students_loaded(self, rows: list[ParticipantRow]) -> None:
        class_id = self.class_picker.currentData()
        entry = next((c for c in self.completion if c.class_id == class_id), None)
        self.summary.setText("" if entry is None else s.PART_SUMMARY.format(
            due=entry.due, done=entry.done, leave=entry.leave, exempt=entry.exempt,
            excluded=entry.excluded))
        selected = set(self.selected_ids())
        self.model.set_rows(rows)
        fit_columns(self.view)
        for i, row in enumerate(rows):
            if row.student_id in selected:
                self.view.selectionModel().select(
                    self.model.index(i, 0),
                    self.view.selectionModel().SelectionFlag.Select
                    | self.view.selectionModel().SelectionFlag.Rows)

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [self.model.row_at(r).student_id for r in rows]

    def _selection_changed(self) -> None:
        self.selected.setText(s.PART_SELECTED.format(n=len(self.selected_ids())))

    def apply(self) -> None:
        ids = self.selected_ids()
        if not ids:
            self.error.setText(s.PART_NEED_SELECTION)
            return
        self.error.clear()
        campaign_id, status = self.campaign.id, self.status.currentData()
        consent, note = self.consent.currentData(), self.note.text().strip()
        self.apply_button.setEnabled(False)
        self.ctx.mutate(self, lambda store, _p: mark_participation(
            store, campaign_id, ids, status, consent, note),
            self._applied, label=s.PART_SAVING,
            on_failure=self._failed)

    def _applied(self, _change: ParticipationChanged) -> None:
        self.apply_button.setEnabled(True)
        self.note.clear()

    def _failed(self, exc: QingxinError) -> None:
        self.apply_button.setEnabled(True)
        self.error.setText(exc.message)

    def _on_changed(self, change: Changes) -> None:
        if change.campaign(self.campaign.id):
            self.reload()
