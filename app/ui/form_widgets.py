"""Small widget builders the dialogs share, so every form looks and behaves alike."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
)

from app.ui.form_errors import FieldErrors

ERROR_STYLE = "color: #b3261e;"
#: A table with the keyboard on it gets a green frame (Fusion shows none, and its
#: selection looks the same with or without the focus); the same 2 px either way, so
#: the rows do not shift when the focus comes and goes.
TABLE_STYLE = """
QTableView { border: 1px solid #b4bfbb; padding: 1px; }
QTableView:focus { border: 2px solid #2f7d6d; padding: 0px; }
"""
COLUMN_PADDING = 18
ROWS_MEASURED = 100
"""Rows `fit_columns` measures in each column (Qt's default is 1,000). A school's student
list measured 3,000 names × 9 columns at sign-in (0.9 s of the GUI thread), a ten-year file
400 rows a tab; names, classes and dates are as wide in row 100 as in row 3,000. A rare
wider cell further down is elided with "…" until its column is dragged wider (the file's
tables also show it whole as a tooltip)."""


def password_edit(placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setPlaceholderText(placeholder)
    return edit


def hint_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def error_label() -> QLabel:
    """Inline error text: empty (and so invisible) until a message is set."""
    label = hint_label()
    label.setStyleSheet(ERROR_STYLE)
    return label


def lay_out_form_dialog(dialog: QDialog, form: QFormLayout, error: QLabel,
                        submit: Callable[[], None], hint: str = "") -> FieldErrors:
    """An optional hint, the form, its inline error line and OK/Cancel: the one shape of
    the small account dialogs. OK calls `submit`, which closes the dialog only when the
    service accepted the input, so a refusal stays on screen beside the fields: shown
    through the returned FieldErrors, it focuses its field and goes when that changes."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(submit)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    if hint:
        layout.addWidget(hint_label(hint))
    layout.addLayout(form)
    layout.addWidget(error)
    layout.addWidget(buttons)
    return FieldErrors(error, form)


def data_table() -> QTableView:
    """A read-only, row-selecting, header-sortable view for the models in table_models.
    One Tab stop: the arrows move inside it and Tab leaves it (Qt's default walked a
    class of 40 one cell at a time, 240 stops); Enter emits `activated`, as a
    double-click does."""
    view = QTableView()
    view.setTabKeyNavigation(False)
    view.setStyleSheet(TABLE_STYLE)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setResizeContentsPrecision(ROWS_MEASURED)
    view.setWordWrap(False)
    # No initial sort: rows keep the order the service chose until a header is clicked.
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(True)
    return view


def fit_columns(view: QTableView) -> None:
    """Size columns to their text plus some air; the last one takes the rest."""
    view.resizeColumnsToContents()
    for column in range(view.model().columnCount() - 1):
        view.setColumnWidth(column, view.columnWidth(column) + COLUMN_PADDING)
