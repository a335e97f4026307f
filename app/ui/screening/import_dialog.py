"""导入答卷: pick a file, preview it on a worker, write the matched sheets on confirm.

The preview (reading, scoring, matching to the roster) writes nothing; the teacher
sees every sheet with its row number and status, the file's problems and how many
of the sheets to be written suggest each warning level. Only "已匹配" sheets, and the
姓名不符 / 学籍号不符 / 文件中重复 sheets the teacher picks row by row, are
written, on a worker with progress and cancel (a cancel rolls the whole import back).
Changing an option (numbers as values or positions, the survey's own questions)
previews the same file again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import QingxinError
from app.instruments import WARNING_LABELS
from app.labels import SHEET_STATUSES
from app.services.screening.campaigns import CampaignRow
from app.services.screening.importing import (
    CHOICE,
    ScreeningChanges,
    ScreeningPreview,
    apply_screening_import,
    preview_screening_import,
)
from app.ui import messages
from app.ui.file_dialogs import ANSWERS, ask_open_path
from app.ui.form_widgets import data_table, error_label, fit_columns, hint_label
from app.ui.screening import strings as s
from app.ui.screening.models import (
    PROBLEM_COLUMNS,
    SHEET_COLUMNS,
    RowFilterProxy,
    TintedTableModel,
    sheet_tint,
)
from app.ui.store_context import StoreContext

MAX_OFFSET = 60


def _counted(counts: dict[str, int], labels: dict[str, str]) -> str:
    """"已匹配 120，名册上没有 2" in the labels' order, leaving out zeros."""
    return "，".join(f"{text} {counts[code]}" for code, text in labels.items()
                    if counts.get(code))


class ImportDialog(QDialog):
    def __init__(self, ctx: StoreContext, campaign: CampaignRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.campaign = campaign
        self.path: Path | None = None
        self.preview: ScreeningPreview | None = None
        self._request = 0
        self.setWindowTitle(s.IMPORT_TITLE.format(name=campaign.name))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(900, 640)

        self.file_label = hint_label(s.IMPORT_NO_FILE)
        self.pick_button = QPushButton(s.IMPORT_PICK)
        self.values_radio = QRadioButton(s.IMPORT_NUMBERS_VALUES)
        self.positions_radio = QRadioButton(s.IMPORT_NUMBERS_POSITIONS)
        self.values_radio.setChecked(True)
        self.numbers = QButtonGroup(self)
        self.numbers.addButton(self.values_radio)
        self.numbers.addButton(self.positions_radio)
        self.offset = QSpinBox()
        self.offset.setRange(0, MAX_OFFSET)
        self.preview_button = QPushButton(s.IMPORT_PREVIEW)
        self.preview_button.setEnabled(False)
        self.summary = hint_label()
        self.warnings = hint_label()
        self.note = hint_label()
        self.note.setStyleSheet("color: #5b4a00; background: #fbf3c4; padding: 6px;")
        self.note.setVisible(False)
        self.error = error_label()
        self.status_filter = QComboBox()
        self.status_filter.addItem(s.IMPORT_ALL_STATUSES, None)
        for code, text in SHEET_STATUSES.items():
            self.status_filter.addItem(text, code)
        self.sheets = TintedTableModel(SHEET_COLUMNS, tint=sheet_tint)
        self.sheet_proxy = RowFilterProxy(self.sheets)
        self.problems = TintedTableModel(PROBLEM_COLUMNS)
        for owned in (self.sheets, self.sheet_proxy, self.problems):
            owned.setParent(self)
        self.sheet_view = data_table()
        self.sheet_view.setModel(self.sheet_proxy)
        self.problem_view = data_table()
        self.problem_view.setModel(self.problems)
        sheets_tab = QWidget()
        sheets_layout = QVBoxLayout(sheets_tab)
        self.pick_rows = QPushButton(s.IMPORT_PICK_ROWS)
        self.drop_rows = QPushButton(s.IMPORT_DROP_ROWS)
        for button in (self.pick_rows, self.drop_rows):
            button.setEnabled(False)
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.status_filter)
        filter_row.addStretch(1)
        filter_row.addWidget(self.pick_rows)
        filter_row.addWidget(self.drop_rows)
        sheets_layout.addLayout(filter_row)
        sheets_layout.addWidget(self.sheet_view, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(sheets_tab, s.IMPORT_TAB_SHEETS.format(n=0))
        self.tabs.addTab(self.problem_view, s.IMPORT_TAB_PROBLEMS.format(n=0))
        self.buttons = QDialogButtonBox()
        self.confirm = QPushButton(s.IMPORT_NOTHING)
        self.confirm.setEnabled(False)
        self.buttons.addButton(self.confirm, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)

        options = QGridLayout()
        options.addWidget(self.pick_button, 0, 0)
        options.addWidget(self.file_label, 0, 1, 1, 2)
        options.addWidget(QLabel(s.IMPORT_NUMBERS), 1, 0)
        options.addWidget(self.values_radio, 1, 1)
        options.addWidget(self.positions_radio, 1, 2)
        options.addWidget(QLabel(s.IMPORT_OFFSET), 2, 0)
        offset_row = QHBoxLayout()
        offset_row.addWidget(self.offset)
        offset_row.addWidget(hint_label(s.IMPORT_OFFSET_HINT), 1)
        options.addLayout(offset_row, 2, 1, 1, 2)
        options.addWidget(self.preview_button, 3, 0)
        options.setColumnStretch(2, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(options)
        layout.addWidget(self.error)
        layout.addWidget(self.summary)
        layout.addWidget(self.warnings)
        layout.addWidget(self.note)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)

        self.pick_button.clicked.connect(lambda: self.choose_file())
        self.preview_button.clicked.connect(self.run_preview)
        self.numbers.buttonClicked.connect(self.run_preview)
        self.offset.valueChanged.connect(self.run_preview)
        self.status_filter.currentIndexChanged.connect(self._filter)
        self.pick_rows.clicked.connect(lambda: self.choose_selected(True))
        self.drop_rows.clicked.connect(lambda: self.choose_selected(False))
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)

    def choose_file(self, path: Path | None = None) -> None:
        if path is None:
            path = ask_open_path(self, ANSWERS, s.IMPORT_PICK_TITLE, s.IMPORT_FILTER)
            if path is None:
                return
        self.path = path
        self.file_label.setText(str(path))
        self.preview_button.setEnabled(True)
        self.run_preview()

    @property
    def number_mode(self) -> str:
        return "positions" if self.positions_radio.isChecked() else "values"

    def run_preview(self) -> None:
        if self.path is None:
            return
        self._show(None)
        self._request += 1
        request, path, campaign_id = self._request, self.path, self.campaign.id
        numbers, offset = self.number_mode, self.offset.value()
        consent = self.ctx.deployment.consent
        self.ctx.query(self, lambda store: preview_screening_import(
            store, campaign_id, path, numbers, offset, consent_policy=consent),
            lambda preview: self._show(preview) if request == self._request else None,
            label=s.IMPORT_READING,
            on_failure=lambda exc: self._failed(exc) if request == self._request else None)

    def _failed(self, exc: QingxinError) -> None:
        """Only the answer to the latest options counts: stepping the spin box starts a
        preview per step, and an older one may finish last."""
        self._show(None)
        problems = getattr(exc, "problems", None) or []
        self.error.setText("\n".join([exc.message, *problems[:8]]))

    def _show(self, preview: ScreeningPreview | None) -> None:
        """Show a preview, or (None) clear the last one while another is computed:
        a stale preview must never stay confirmable under new options."""
        self.preview = preview
        self.error.clear()
        self.sheets.set_rows(preview.matches if preview else [])
        self.problems.set_rows([*preview.problems, *preview.warnings] if preview else [])
        self.tabs.setTabText(0, s.IMPORT_TAB_SHEETS.format(n=self.sheets.rowCount()))
        self.tabs.setTabText(1, s.IMPORT_TAB_PROBLEMS.format(n=self.problems.rowCount()))
        for button in (self.pick_rows, self.drop_rows):
            button.setEnabled(preview is not None)
        if preview is None:
            for label in (self.summary, self.warnings, self.note):
                label.clear()
            self.note.setVisible(False)
            self.confirm.setEnabled(False)
            self.confirm.setText(s.IMPORT_NOTHING)
            return
        fit_columns(self.sheet_view)
        self._counts(preview)
        if preview.problems and not preview.matches:
            self.tabs.setCurrentIndex(1)

    def choose_selected(self, take: bool) -> None:
        """Write (or not) the selected sheets that need the teacher's choice: 姓名不符,
        学籍号不符 and 文件中重复 are never written without it."""
        preview = self.preview
        if preview is None:
            return
        at = {m.row: i for i, m in enumerate(preview.matches)}
        picked = [self.sheets.row_at(self.sheet_proxy.mapToSource(index).row())
                  for index in self.sheet_view.selectionModel().selectedRows()]
        choices = [m for m in picked if m.status in CHOICE]
        if not choices:
            self.error.setText(s.IMPORT_NOTHING_TO_PICK)
            return
        self.error.clear()
        for match in choices:
            preview.choose(at[match.row], take)
        self.sheets.set_rows(preview.matches)
        self._counts(preview)

    def _counts(self, preview: ScreeningPreview) -> None:
        counts = preview.counts()
        self.summary.setText(s.IMPORT_SUMMARY.format(
            file=preview.file_name, layout=s.LAYOUTS.get(preview.layout, preview.layout),
            total=len(preview.matches), parts=_counted(counts, SHEET_STATUSES))
            + (f"\n{preview.inferred}" if preview.inferred else ""))
        warning_counts = preview.warning_counts()
        self.warnings.setText(s.IMPORT_WARNINGS.format(
            parts=_counted(warning_counts, WARNING_LABELS) or "—"))
        writable = len(preview.writable())
        not_written = len(preview.matches) - writable
        self.note.setText("\n".join([s.IMPORT_NOT_WRITTEN.format(n=not_written) if not_written
                                     else s.IMPORT_ALL_WRITTEN,
                                     *(s.IMPORT_DATE_WARNING.format(text=w)
                                       for w in preview.warnings)]))
        self.note.setVisible(True)
        self.confirm.setEnabled(writable > 0)
        self.confirm.setText(s.IMPORT_CONFIRM.format(n=writable) if writable
                             else s.IMPORT_NOTHING)

    def _filter(self) -> None:
        status = self.status_filter.currentData()
        self.sheet_proxy.set_predicate(None if status is None
                                       else lambda m: m.status == status)

    def apply(self) -> None:
        preview = self.preview
        if preview is None or not preview.writable():
            return
        self.confirm.setEnabled(False)
        self.ctx.mutate(self, lambda store, progress: apply_screening_import(
            store, preview, progress), self._applied,
            label=s.IMPORT_APPLYING,
            cancellable=True, on_failure=self._apply_failed)

    def _apply_failed(self, exc: QingxinError) -> None:
        self.confirm.setEnabled(True)
        messages.show_error(self, exc)

    def _applied(self, changes: ScreeningChanges) -> None:
        messages.notify(self.parentWidget(), s.IMPORT_DONE.format(
            written=changes.written, replaced=changes.replaced))
        self.accept()
