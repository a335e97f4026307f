"""Pieces every casefile screen shares: dates, coloured tables, the form dialog.

`FormDialog` is the one way a casefile form writes: its OK runs one service call on a
worker (StoreContext.mutate), a refusal (our BadInputError with its Chinese message)
stays inside the form, focuses the field it names and goes when that field is changed
(form_errors.py), typed text is not thrown away without asking (unsaved.py), and
success broadcasts the `Changes` its service returns (the students' files it wrote) so
the open files and the lists refresh themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import QingxinError
from app.instruments.warning import WARNING_LABELS
from app.store.handle import Store
from app.ui.casefile import texts
from app.ui.form_errors import FieldErrors
from app.ui.form_widgets import data_table, error_label, fit_columns, hint_label
from app.ui.store_context import StoreContext
from app.ui.table_models import Column, RowTableModel
from app.ui.unsaved import guard_unsaved

LEVEL_COLORS = {"crisis": "#b3261e", "key": "#c25e00", "general": "#8a6d00", "none": "#555555"}
OVERDUE_BACKGROUND = QColor("#fde8e6")
OVERDUE_TEXT = QColor("#8c1d18")
MUTED_TEXT = QColor("#777777")
TEXT_ROWS = 4


def day(value: date | None, empty: str = "") -> str:
    return value.isoformat() if value else empty


def level_label(code: str | None) -> str:
    return WARNING_LABELS.get(code or "none", code or "")


def level_html(code: str | None) -> str:
    color = LEVEL_COLORS.get(code or "none", "#555555")
    return f'<span style="color:{color}; font-weight:bold">{level_label(code)}</span>'


def date_edit(value: date | None = None, latest: date | None = None) -> QDateEdit:
    """A date with a calendar popup; `latest` caps it (records cannot be in the future)."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    if latest is not None:
        edit.setMaximumDate(QDate(latest.year, latest.month, latest.day))
    chosen = value or date.today()
    edit.setDate(QDate(chosen.year, chosen.month, chosen.day))
    return edit


def date_of(edit: QDateEdit) -> date:
    value = edit.date().toPython()
    assert isinstance(value, date)
    return value


def text_edit(placeholder: str = "", rows: int = TEXT_ROWS) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * rows + 14)
    return edit


def code_combo(table: dict[str, str], current: str | None = None) -> QComboBox:
    """A picker over one of app.labels' tables: shows the wording, holds the code."""
    combo = QComboBox()
    for code, wording in table.items():
        combo.addItem(wording, code)
    if current is not None:
        combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


def group(title: str, *widgets: QWidget, stretch_last: bool = False) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    for i, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if stretch_last and i == len(widgets) - 1 else 0)
    return box


def rich_label(text: str = "") -> QLabel:
    label = hint_label(text)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    return label


def button_row(*buttons: QWidget, stretch_first: bool = True) -> QHBoxLayout:
    row = QHBoxLayout()
    if stretch_first:
        row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    return row


class StyledRowModel(RowTableModel):
    """RowTableModel with colours: a row's text and background (overdue rows) and a
    per-cell foreground (a warning level in its colour)."""

    def __init__(self, columns: Sequence[Column],
                 background: Callable[[Any], QColor | None] | None = None,
                 foreground: Callable[[Any, int], QColor | None] | None = None) -> None:
        super().__init__(columns)
        self._background = background
        self._foreground = foreground

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.BackgroundRole and self._background is not None:
            return self._background(self.rows[index.row()])
        if role == Qt.ItemDataRole.ForegroundRole and self._foreground is not None:
            return self._foreground(self.rows[index.row()], index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return super().data(index, Qt.ItemDataRole.DisplayRole)
        return super().data(index, role)


def table(columns: Sequence[Column], owner: QWidget,
          background: Callable[[Any], QColor | None] | None = None,
          foreground: Callable[[Any, int], QColor | None] | None = None,
          ) -> tuple[QTableView, StyledRowModel]:
    view = data_table()
    model = StyledRowModel(columns, background, foreground)
    model.setParent(owner)
    view.setModel(model)
    return view, model


def fill(view: QTableView, model: RowTableModel, rows: Sequence[Any]) -> None:
    model.set_rows(rows)
    fit_columns(view)


def selected(view: QTableView, model: RowTableModel) -> Any | None:
    """The row selected in `view` (through any proxy), or None."""
    indexes = view.selectionModel().selectedRows() if view.selectionModel() else []
    if not indexes:
        return None
    index = indexes[0]
    proxy = view.model()
    if proxy is not model and hasattr(proxy, "mapToSource"):
        index = proxy.mapToSource(index)
    return model.row_at(index.row()) if index.isValid() else None


class FormDialog(QDialog):
    """A form whose OK runs `build()`'s service call on a worker (see module doc).

    Subclasses add rows to `self.form` and implement `build()`, returning the call to
    make with the Store; `build()` may raise QingxinError for what it can check itself.
    """

    def __init__(self, ctx: StoreContext, student_id: int, title: str,
                 parent: QWidget | None, ok_text: str | None = None,
                 width: int = 520) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.student_id = student_id
        self.result_value: Any = None
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(width)
        self.intro = hint_label()
        self.intro.setVisible(False)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.error = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok_text:
            self.ok.setText(ok_text)
        self.buttons.accepted.connect(self.submit)
        self.unsaved = guard_unsaved(self)
        self.buttons.rejected.connect(self.unsaved.request_close)
        self.field_errors = FieldErrors(self.error, self.form)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def set_intro(self, text: str) -> None:
        self.intro.setText(text)
        self.intro.setVisible(bool(text))

    def build(self) -> Callable[[Store], Any]:
        raise NotImplementedError

    def submit(self) -> None:
        self.field_errors.clear()
        try:
            call = self.build()
        except QingxinError as exc:
            self.field_errors.show(exc.message)
            return
        self.ok.setEnabled(False)
        op = self.ctx.mutate(self, lambda store, _progress: call(store), self._done,
                             label=texts.SAVING, on_failure=self._failed)
        if op is None:  # locked meanwhile: the context has said so
            self.ok.setEnabled(True)

    def _done(self, result: Any) -> None:
        self.result_value = result
        self.accept()

    def _failed(self, exc: QingxinError) -> None:
        self.ok.setEnabled(True)
        self.field_errors.show(exc.message)


class OnDayDialog(FormDialog):
    """A form that marks one entry ended or done on one day (风险因素解除, 会议任务完成,
    结对结束): a line naming the entry, the day under `field` (today at the latest),
    and OK runs `finish(store, entry_id, day)`."""

    def __init__(self, ctx: StoreContext, student_id: int, title: str, intro: str,
                 field: str, entry_id: int, today: date,
                 finish: Callable[[Store, int, date], Any], parent: QWidget | None,
                 width: int = 520) -> None:
        super().__init__(ctx, student_id, title, parent, width=width)
        self.entry_id = entry_id
        self.finish = finish
        self.set_intro(intro)
        self.on = date_edit(today, latest=today)
        self.form.addRow(field, self.on)

    def build(self) -> Callable[[Store], Any]:
        entry_id, on, finish = self.entry_id, date_of(self.on), self.finish
        return lambda store: finish(store, entry_id, on)


def checkbox(text: str, checked: bool = False) -> QCheckBox:
    box = QCheckBox(text)
    box.setChecked(checked)
    return box
