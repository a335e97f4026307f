"""Qt models of the screening screens: plain rows from the services, colours that
carry meaning (a critical item, a sheet that will not be written), and one filter proxy.

Every table here can hold a whole school (6,000 sheets), so, as with the student list,
sorting runs in one Python pass in the source model and the proxy decides all rows in
one pass per filter change instead of calling a Python predicate from C++ per row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.instruments import WARNING_LABELS, Instrument, load_instrument
from app.labels import CONSENT, PARTICIPATION, RESULT_SOURCES, SHEET_STATUSES, label
from app.services.screening.campaigns import CampaignRow, ClassCompletion
from app.services.screening.entry import ParticipantRow
from app.services.screening.importing import CHOICE, SheetMatch
from app.terms import term_text
from app.ui.screening import strings as s
from app.ui.table_models import Column, Index, RowTableModel

WARNING_ORDER = {code: i for i, code in enumerate(reversed(WARNING_LABELS))}
"""Severity order for sorting: none < general < key < crisis."""
WARNING_COLORS = {"crisis": "#f6d5d2", "key": "#fbe3c7", "general": "#fbf3c4"}
CRITICAL_TEXT_COLOR = "#b3261e"
NOT_WRITTEN_COLOR = "#ececec"
COMPLETE_COLOR = "#e4efe9"


def instrument_for(code: str) -> Instrument:
    """The definition with the school's settings and texts (cached by load_instrument
    until the school's instruments folder changes)."""
    return load_instrument(code)


def instrument_name(code: str) -> str:
    try:
        instrument = instrument_for(code)
    except Exception:  # a definition removed since the campaign was made: show the code
        return code
    return instrument.short_name or instrument.name


def number_text(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def number_key(value: float | None) -> tuple[bool, float]:
    """Blank scores sort after every number, in either direction's first pass."""
    return (value is None, value or 0.0)


def percent(done: int, due: int) -> str:
    return f"{done / due:.0%}" if due else "—"


class TintedTableModel(RowTableModel):
    """RowTableModel with a row background, emphasised columns and a change counter.

    `generation` grows whenever rows are replaced or reordered, which tells the
    filter proxy that its one-pass decision list is stale.
    """

    def __init__(self, columns: Sequence[Column],
                 tint: Callable[[Any], str | None] | None = None,
                 emphasis: dict[int, Callable[[Any], str | None]] | None = None) -> None:
        super().__init__(columns)
        self._tint = tint
        self._emphasis = emphasis or {}
        self._bold = QFont()
        self._bold.setBold(True)
        self.generation = 0

    def _rows_changed(self) -> None:
        self.generation += 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.BackgroundRole and self._tint is not None:
            color = self._tint(self.rows[index.row()])
            return QBrush(QColor(color)) if color else None
        emphasis = self._emphasis.get(index.column())
        if emphasis is not None and role in (Qt.ItemDataRole.ForegroundRole,
                                             Qt.ItemDataRole.FontRole):
            color = emphasis(self.rows[index.row()])
            if color is None:
                return None
            return QBrush(QColor(color)) if role == Qt.ItemDataRole.ForegroundRole else self._bold
        return super().data(index, role)

    def replace_row(self, position: int, row: Any) -> None:
        """Show a row's new state (a sheet just saved) without resetting the view."""
        self.rows[position] = row
        self.generation += 1
        self.dataChanged.emit(self.index(position, 0),
                              self.index(position, self.columnCount() - 1))

    def emphasise(self, column: int, color: Callable[[Any], str | None]) -> None:
        self._emphasis[column] = color


class RowFilterProxy(QSortFilterProxyModel):
    """Filters a TintedTableModel with one predicate over its plain rows."""

    def __init__(self, source: TintedTableModel) -> None:
        super().__init__()
        self._rows_model = source
        self.setSourceModel(source)
        self._predicate: Callable[[Any], bool] | None = None
        self._accepted: list[bool] | None = None
        self._basis = -1

    def set_predicate(self, predicate: Callable[[Any], bool] | None) -> None:
        self.beginFilterChange()
        self._predicate = predicate
        self._basis = -1
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if self._basis != self._rows_model.generation:
            self._basis = self._rows_model.generation
            predicate = self._predicate
            self._accepted = (None if predicate is None
                              else [bool(predicate(row)) for row in self._rows_model.rows])
        return self._accepted is None or self._accepted[source_row]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._rows_model.sort(column, order)

    def source_rows(self) -> list[Any]:
        """The visible rows, in view order."""
        return [self._rows_model.row_at(self.mapToSource(self.index(r, 0)).row())
                for r in range(self.rowCount())]


def _term(row: CampaignRow) -> str:
    return term_text(row.school_year, row.term) if row.school_year else ""


def _dates(row: CampaignRow) -> str:
    """The planned dates; without them, the days the sheets were answered on."""
    if row.starts_on is None and row.ends_on is None:
        if row.first_taken is None or row.last_taken is None:
            return ""
        first, last = row.first_taken.date(), row.last_taken.date()
        days = first.isoformat() if first == last else s.DATES_TEXT.format(
            start=first.isoformat(), end=last.isoformat())
        return s.DATES_TAKEN.format(days=days)
    start = row.starts_on.isoformat() if row.starts_on else "…"
    end = row.ends_on.isoformat() if row.ends_on else "…"
    return s.DATES_TEXT.format(start=start, end=end)


CAMPAIGN_COLUMNS = (
    Column(s.COL_CAMPAIGN, lambda r: r.name),
    Column(s.COL_INSTRUMENT, lambda r: instrument_name(r.instrument_code)),
    Column(s.COL_TERM, _term, sort_key=lambda r: (r.school_year, r.term)),
    Column(s.COL_DATES, _dates, sort_key=lambda r: (r.starts_on is None, r.starts_on)),
    Column(s.COL_DUE, lambda r: str(r.due), sort_key=lambda r: r.due),
    Column(s.COL_DONE, lambda r: str(r.done), sort_key=lambda r: r.done),
    Column(s.COL_RATE, lambda r: percent(r.done, r.due), sort_key=lambda r: r.completion),
)

COMPLETION_COLUMNS = (
    Column(s.COL_CLASS, lambda c: c.class_name, sort_key=lambda c: c.class_id),
    Column(s.COL_DUE, lambda c: str(c.due), sort_key=lambda c: c.due),
    Column(s.COL_DONE, lambda c: str(c.done), sort_key=lambda c: c.done),
    Column(s.COL_RATE, lambda c: percent(c.done, c.due),
           sort_key=lambda c: c.done / c.due if c.due else 0.0),
    Column(s.COL_LEAVE, lambda c: str(c.leave), sort_key=lambda c: c.leave),
    Column(s.COL_EXEMPT, lambda c: str(c.exempt), sort_key=lambda c: c.exempt),
    Column(s.COL_EXCLUDED, lambda c: str(c.excluded), sort_key=lambda c: c.excluded),
)


def completion_tint(c: ClassCompletion) -> str | None:
    return COMPLETE_COLOR if c.due and c.done >= c.due else None


PARTICIPANT_COLUMNS = (
    Column(s.COL_STUDENT_NO, lambda r: r.student_no),
    Column(s.COL_NAME, lambda r: r.name),
    Column(s.COL_CLASS, lambda r: r.class_name, sort_key=lambda r: (r.class_id, r.student_no)),
    Column(s.COL_PARTICIPATION, lambda r: label(PARTICIPATION, r.status),
           sort_key=lambda r: list(PARTICIPATION).index(r.status)
           if r.status in PARTICIPATION else 99),
    Column(s.COL_CONSENT, lambda r: label(CONSENT, r.consent)),
    Column(s.COL_RESULT, lambda r: label(RESULT_SOURCES, r.source) if r.source else s.NO_RESULT),
    Column(s.COL_NOTE, lambda r: r.note),
)
"""Who takes part, without scores: these lists are open while students are nearby
(marking absentees, handing over the PC for 本机作答)."""

ENTRY_COLUMNS = (
    *PARTICIPANT_COLUMNS[:4],
    PARTICIPANT_COLUMNS[5],
    Column(s.COL_TOTAL, lambda r: number_text(r.total), sort_key=lambda r: number_key(r.total)),
    Column(s.COL_WARNING, lambda r: label(WARNING_LABELS, r.warning),
           sort_key=lambda r: WARNING_ORDER.get(r.warning or "", -1)),
)
"""答题卡录入 shows each saved sheet's total and suggested level, to catch a typing slip."""


def participant_tint(row: ParticipantRow) -> str | None:
    return NOT_WRITTEN_COLOR if row.status != "due" else None


def entry_tint(row: ParticipantRow) -> str | None:
    return participant_tint(row) or WARNING_COLORS.get(row.warning or "")


SHEET_COLUMNS = (
    Column(s.COL_ROW, lambda m: str(m.row), sort_key=lambda m: m.row),
    Column(s.COL_LABEL, lambda m: m.label),
    Column(s.COL_STATUS, lambda m: label(SHEET_STATUSES, m.status),
           sort_key=lambda m: list(SHEET_STATUSES).index(m.status)
           if m.status in SHEET_STATUSES else 99),
    Column(s.COL_WRITE, lambda m: s.SHEET_WRITTEN if m.writable
           else s.SHEET_TO_CHOOSE if m.status in CHOICE else s.SHEET_NOT_WRITTEN),
    Column(s.COL_MESSAGE, lambda m: m.message),
)


def sheet_tint(match: SheetMatch) -> str | None:
    """Sheets that will not be written stand out; replacing a stored result, or writing
    a sheet the teacher picked, is marked too."""
    if match.status == "replaces" or match.chosen:
        return WARNING_COLORS["general"]
    return None if match.writable else WARNING_COLORS["key"]


PROBLEM_COLUMNS = (Column(s.COL_PROBLEM, lambda text: text),)
