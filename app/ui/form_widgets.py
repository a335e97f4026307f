"""Small widget builders the dialogs share, so every form looks and behaves alike."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QLineEdit, QTableView

ERROR_STYLE = "color: #b3261e;"
COLUMN_PADDING = 18


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


def data_table() -> QTableView:
    """A read-only, row-selecting, header-sortable view for the models in table_models."""
    view = QTableView()
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
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
