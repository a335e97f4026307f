"""Qt models of the export preview: the files that leave the school and every table's rows.

The rows are the preview's own tuples, shown as they are written into the files (a
hidden cell stays "<5" or "*", a share stays the number the district reads), so the
teacher checks exactly what is sealed. The models hold plain tuples and are emptied
when the page is cleared.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt

from app.services.district.export import ExportPreview
from app.services.district.tables import ExportTable, Value
from app.ui.reports import texts
from app.ui.table_models import Column, Index, RowTableModel

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def size_text(n: int) -> str:
    return texts.SIZE_TEXT.format(kib=n / 1024, n=n)


FILE_COLUMNS = (
    Column(texts.FILE_NAME, lambda f: f.name),
    Column(texts.FILE_SIZE, lambda f: size_text(f.size), lambda f: f.size),
    Column(texts.FILE_CONTENT, lambda f: f.description),
    Column(texts.FILE_TABLES, lambda f: texts.FILE_TABLES_MANY.format(n=len(f.tables))
           if len(f.tables) > 1 else "、".join(t.title for t in f.tables)),
)


def files_model() -> RowTableModel:
    return RowTableModel(FILE_COLUMNS)


def value_text(value: Value) -> str:
    return "" if value is None else str(value)


def value_key(value: Value) -> tuple[int, Any]:
    """Numbers before marks ("<5", "*") before text before blanks, so a column of counts
    with a few hidden cells still sorts by count."""
    if isinstance(value, bool) or value is None:
        return (3, 0)
    if isinstance(value, int | float):
        return (0, value)
    if isinstance(value, date):
        return (2, value.isoformat())
    if value == "*" or value.startswith("<"):
        return (1, value)
    return (2, value)


def _column(i: int, header: str) -> Column:
    return Column(header, lambda row: value_text(row[i]), lambda row: value_key(row[i]))


class ExportTableModel(RowTableModel):
    """One table of the export, its columns as the file names them, numbers on the right."""

    def __init__(self, table: ExportTable) -> None:
        super().__init__([_column(i, h) for i, h in enumerate(table.columns)], table.rows)
        self.title = table.title
        self.note = table.note
        self._numeric = {i for i in range(len(table.columns))
                         if any(isinstance(r[i], int | float) for r in table.rows)}

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self._numeric:
            return int(RIGHT.value)
        return super().data(index, role)


def distinct_tables(preview: ExportPreview) -> list[ExportTable]:
    """Each table once: the workbook, the PDF summary and the JSON file carry the same
    tables, the key-student list its own."""
    seen: set[str] = set()
    out: list[ExportTable] = []
    for f in preview.files:
        for table in f.tables:
            if table.code not in seen:
                seen.add(table.code)
                out.append(table)
    return out
