"""Roster import and new-school-year promotion: preview first, write only on confirm.

Both previews are computed on a worker and shown in a dialog that writes nothing; the
confirm button runs the apply service on a worker, which compares again inside its
own transaction (the database may have changed while the teacher read the preview).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.labels import GENDERS, label
from app.services.roster.importing import (
    PromotionPreview,
    RosterChanges,
    RosterPreview,
    apply_promotion,
    apply_roster_import,
    preview_promotion,
    preview_roster_import,
)
from app.services.roster.rejected import export_rejected
from app.terms import school_year_text
from app.ui import file_dialogs, messages, strings
from app.ui.form_widgets import data_table, fit_columns, hint_label
from app.ui.reports.saving import show_saved
from app.ui.store_context import StoreContext
from app.ui.table_models import Column, RowTableModel

ROW_COLUMNS = (
    Column(strings.COL_ROW, lambda r: str(r.row_number), sort_key=lambda r: r.row_number),
    Column(strings.COL_STUDENT_NO, lambda r: r.student_no),
    Column(strings.COL_NAME, lambda r: r.name),
)
"""Where a file row stands and whom it names: first in every preview table of the file."""
ADDED_COLUMNS = (
    *ROW_COLUMNS,
    Column(strings.COL_GENDER, lambda c: label(GENDERS, c.gender)),
    Column(strings.COL_CLASS, lambda c: "；".join(c.details)),
)
CHANGE_COLUMNS = (
    *ROW_COLUMNS,
    Column(strings.COL_GENDER, lambda c: label(GENDERS, c.gender)),
    Column(strings.COL_CHANGE, lambda c: "；".join(c.details)),
)
REJECTED_COLUMNS = (
    *ROW_COLUMNS,
    Column(strings.COL_COLUMN, lambda p: p.column or ""),
    Column(strings.COL_REASON, lambda p: p.message),
)
PROMOTION_COLUMNS = (
    Column(strings.COL_OLD_CLASS, lambda s: s.old_name),
    Column(strings.COL_NEW_CLASS, lambda s: s.new_name or strings.PROMOTION_GRADUATE),
    Column(strings.COL_STUDENTS, lambda s: str(s.students), sort_key=lambda s: s.students),
)


def _table(columns: tuple[Column, ...], rows: list) -> QWidget:
    view = data_table()
    model = RowTableModel(columns, rows)
    model.setParent(view)
    view.setModel(model)
    fit_columns(view)
    return view


class _PreviewDialog(QDialog):
    """A preview with a confirm button; subclasses supply the apply call."""

    def __init__(self, ctx: StoreContext, title: str, confirm_text: str,
                 parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(820, 560)
        self.layout_ = QVBoxLayout(self)
        self.buttons = QDialogButtonBox()
        self.confirm = QPushButton(confirm_text)
        self.buttons.addButton(self.confirm, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)

    def apply(self) -> None:
        raise NotImplementedError


class RosterImportDialog(_PreviewDialog):
    def __init__(self, ctx: StoreContext, preview: RosterPreview,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, strings.ROSTER_TITLE.format(file=preview.file_name),
                         strings.ROSTER_CONFIRM, parent)
        self.preview = preview
        summary = strings.ROSTER_SUMMARY.format(
            added=len(preview.added), updated=len(preview.updated), moved=len(preview.moved),
            unchanged=preview.unchanged, rejected=len(preview.rejected))
        self.summary = hint_label("\n".join([summary, *preview.notes]))
        self.tabs = QTabWidget()
        self.tabs.addTab(_table(ADDED_COLUMNS, preview.added),
                         strings.ROSTER_TAB_ADDED.format(n=len(preview.added)))
        self.tabs.addTab(_table(CHANGE_COLUMNS, preview.updated),
                         strings.ROSTER_TAB_UPDATED.format(n=len(preview.updated)))
        self.tabs.addTab(_table(CHANGE_COLUMNS, preview.moved),
                         strings.ROSTER_TAB_MOVED.format(n=len(preview.moved)))
        self.tabs.addTab(_table(REJECTED_COLUMNS, preview.rejected),
                         strings.ROSTER_TAB_REJECTED.format(n=len(preview.rejected)))
        if preview.rejected and not preview.has_changes:
            self.tabs.setCurrentIndex(3)
        self.export_button = QPushButton(strings.ROSTER_EXPORT_REJECTED)
        self.export_button.setAutoDefault(False)
        self.export_button.clicked.connect(self.export_rejected)
        self.export_button.setVisible(bool(preview.rejected))
        self.buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        if preview.rejected:
            self.confirm.setText(strings.ROSTER_CONFIRM_SKIPPING.format(n=len(preview.rejected)))
        if not preview.has_changes:
            self.confirm.setEnabled(False)
            self.confirm.setToolTip(strings.ROSTER_NOTHING)
        self.layout_.addWidget(self.summary)
        self.layout_.addWidget(self.tabs, 1)
        self.layout_.addWidget(self.buttons)

    def export_rejected(self) -> None:
        """The refused rows as a workbook to send back to whoever keeps the list."""
        suggested = Path(self.preview.file_name).stem + strings.ROSTER_REJECTED_SUFFIX
        path = file_dialogs.ask_save_path(self, file_dialogs.ROSTER, strings.ROSTER_EXPORT_REJECTED,
                                          suggested, strings.XLSX_FILTER, ".xlsx")
        if path is not None:
            self.save_rejected(path)

    def save_rejected(self, path: Path) -> None:
        rows = list(self.preview.rejected)
        self.ctx.mutate(self, lambda store, _p: export_rejected(store, rows, path),
                        lambda done: show_saved(self, strings.APP_TITLE,
                                                strings.ROSTER_REJECTED_SAVED.format(
                                                    path=done.value), done.value))

    def apply(self) -> None:
        preview = self.preview
        self.ctx.mutate(self, lambda store, progress: apply_roster_import(store, preview,
                                                                          progress),
                        self._applied, label=strings.ROSTER_APPLYING,
                        cancellable=True)

    def _applied(self, changes: RosterChanges) -> None:
        messages.notify(self.parentWidget(), strings.ROSTER_DONE.format(
            added=changes.added, updated=changes.updated, moved=changes.moved))
        self.accept()


class PromotionDialog(_PreviewDialog):
    def __init__(self, ctx: StoreContext, plan: PromotionPreview,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, strings.PROMOTION_TITLE, strings.PROMOTION_CONFIRM, parent)
        self.plan = plan
        self.summary = hint_label(strings.PROMOTION_SUMMARY.format(
            from_text=school_year_text(plan.from_year), to_text=school_year_text(plan.to_year),
            classes=len(plan.steps), graduating=plan.graduating))
        self.layout_.addWidget(self.summary)
        self.layout_.addWidget(_table(PROMOTION_COLUMNS, plan.steps), 1)
        self.layout_.addWidget(self.buttons)

    def apply(self) -> None:
        plan = self.plan
        self.ctx.mutate(self, lambda store, _progress: apply_promotion(store, plan),
                        self._applied, label=strings.PROMOTION_APPLYING)

    def _applied(self, _plan: PromotionPreview) -> None:
        messages.notify(self.parentWidget(), strings.PROMOTION_DONE)
        self.accept()


def start_roster_import(ctx: StoreContext, parent: QWidget,
                        path: Path | None = None) -> None:
    """Ask for a file (unless given), preview it on a worker, then show the preview."""
    if path is None:
        path = file_dialogs.ask_open_path(parent, file_dialogs.ROSTER, strings.ROSTER_PICK,
                                         strings.ROSTER_FILTER)
        if path is None:
            return
    chosen = path
    ctx.query(parent, lambda store: preview_roster_import(store, chosen),
              lambda preview: RosterImportDialog(ctx, preview, parent).open(),
              label=strings.ROSTER_READING)


def start_promotion(ctx: StoreContext, parent: QWidget) -> None:
    ctx.query(parent, preview_promotion,
              lambda plan: PromotionDialog(ctx, plan, parent).open(),
              label=strings.PROMOTION_READING)
