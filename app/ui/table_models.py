"""A read-only Qt table model over plain rows (frozen dataclasses from the services).

Each table is described by its columns: a header and a function from row to text.
The model holds rows, never an ORM session, so it stays valid after the session that
produced them is closed, and `clear()` drops every row when the idle lock fires.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    header: str
    text: Callable[[Any], str]
    sort_key: Callable[[Any], Any] | None = None


class RowTableModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], rows: Sequence[Any] = ()) -> None:
        super().__init__()
        self._columns = list(columns)
        self._rows: list[Any] = list(rows)

    @property
    def rows(self) -> list[Any]:
        return self._rows

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._rows_changed()
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])

    def _rows_changed(self) -> None:
        """Hook for subclasses that keep per-row data alongside the rows."""

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and index.isValid():
            return self._columns[index.column()].text(self._rows[index.row()])
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._columns[section].header
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in Python with a key per column: one pass instead of a C++ comparison
        calling back into Python for every pair, which is slow at 10,000 rows."""
        if not 0 <= column < len(self._columns):
            return
        spec = self._columns[column]
        key = spec.sort_key or spec.text
        self.layoutAboutToBeChanged.emit()
        old = list(self._rows)
        self._rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self._rows_changed()
        position = {id(row): i for i, row in enumerate(self._rows)}
        for index in self.persistentIndexList():
            new_row = position[id(old[index.row()])]
            self.changePersistentIndex(index, self.index(new_row, index.column()))
        self.layoutChanged.emit()


def local_time_text(at: datetime | None) -> str:
    """Timestamps are stored as naive UTC; teachers read them in local time."""
    if at is None:
        return ""
    return at.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")
