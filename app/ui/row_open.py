"""One way to open what a table row stands for (a student's file, from every list of
students): double-click, Enter, the row's context menu 打开档案 and, where a page wants
one, an 打开档案 button all call the same function with the row.

Double-click and Enter both arrive as the view's `activated` signal (Qt emits it for a
double-click with every style this program uses, and for Enter/Return on the current
row), so the lists do not each re-implement key and mouse handling. The row is found
through any filter/sort proxies down to the RowTableModel that holds it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QMainWindow, QPushButton, QWidget

from app.ui.casefile import texts
from app.ui.table_models import RowTableModel


def row_at(view: QAbstractItemView, index: QModelIndex | QPersistentModelIndex) -> Any | None:
    """The row object behind `index` of `view`, mapped through any proxies; None for an
    invalid index or a model that holds no rows."""
    model = view.model()
    while index.isValid() and hasattr(model, "mapToSource"):
        index = model.mapToSource(index)
        model = model.sourceModel()
    if not index.isValid() or not isinstance(model, RowTableModel):
        return None
    return model.row_at(index.row())


def main_window_of(widget: QWidget) -> QWidget | None:
    """The main window `widget` belongs to, or None: a file opened from a dialog (查看结果)
    must not be that dialog's child, or it would close with it."""
    found: QWidget | None = widget
    while found is not None and not isinstance(found, QMainWindow):
        found = found.parentWidget()
    return found


class RowOpener(QObject):
    """Wires `view` so that double-click, Enter and the context menu's 打开档案 call
    `open_row(row)`; `button()` makes a push button doing the same for the selected row."""

    def __init__(self, view: QAbstractItemView, open_row: Callable[[Any], object],
                 text: str = texts.OPEN_FILE) -> None:
        super().__init__(view)
        self.view = view
        self.open_row = open_row
        self.text = text
        self.action = QAction(text, view)
        self.action.triggered.connect(lambda: self.open_current())
        view.addAction(self.action)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        view.activated.connect(self.open_index)

    def open_index(self, index: QModelIndex | QPersistentModelIndex) -> object:
        row = row_at(self.view, index)
        return None if row is None else self.open_row(row)

    def open_current(self) -> object:
        """The selected row (the first of several), else the current one."""
        selection = self.view.selectionModel()
        rows = selection.selectedRows() if selection is not None else []
        return self.open_index(rows[0] if rows else self.view.currentIndex())

    def button(self) -> QPushButton:
        button = QPushButton(self.text)
        button.clicked.connect(lambda: self.open_current())
        return button
