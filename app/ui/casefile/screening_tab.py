"""筛查记录: every screening result of the student across the years, and the trend.

Results are listed newest first; the chart shows one instrument at a time (picked
above it), oldest to newest, so a teacher reads whether a student's scores are rising
across terms. A date taken from the campaign (the sheet had none) is marked as such.
Only staff see this tab: a class teacher's summary has no scores.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from app.services.casefile.rows import ScreeningRow
from app.ui.casefile import texts
from app.ui.casefile.loading import FileView
from app.ui.casefile.trend_chart import TrendChart
from app.ui.casefile.widgets import LEVEL_COLORS, fill, level_label, table
from app.ui.table_models import Column

CRITICAL_COLUMN, LEVEL_COLUMN = 5, 6


def _taken(row: ScreeningRow) -> str:
    if row.taken_on is None:
        return ""
    text = row.taken_on.isoformat()
    return texts.SCREEN_DATE_GUESSED.format(day=text) if row.date_from_campaign else text


class ScreeningTab(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.view_: FileView | None = None
        self._names: dict[str, str] = {}
        self._bands: dict[int, str] = {}
        columns = (
            Column(texts.COL_DATE, _taken, sort_key=lambda r: r.taken_on or date.min),
            Column(texts.COL_CAMPAIGN, lambda r: r.campaign_name),
            Column(texts.COL_INSTRUMENT,
                   lambda r: self._names.get(r.instrument_code, r.instrument_code)),
            Column(texts.COL_TOTAL, lambda r: "" if r.total is None else f"{r.total:g}",
                   sort_key=lambda r: -1 if r.total is None else r.total),
            Column(texts.COL_BAND, lambda r: self._bands.get(r.result_id, "")),
            Column(texts.COL_CRITICAL, lambda r: texts.CRITICAL_ITEMS.format(
                items="、".join(str(i) for i in r.critical_items)) if r.critical_items else ""),
            Column(texts.COL_SUGGESTED, lambda r: level_label(r.suggested_level)),
            Column(texts.COL_VALID,
                   lambda r: texts.SCREEN_VALID if r.valid else texts.SCREEN_INVALID),
        )
        self.table, self.model = table(columns, self, foreground=self._colour)
        self.pick = QComboBox()
        self.pick.currentIndexChanged.connect(self._show_trend)
        self.chart = TrendChart()
        top = QHBoxLayout()
        top.addWidget(QLabel(texts.TREND_PICK))
        top.addWidget(self.pick)
        top.addStretch(1)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(top)
        lower_layout.addWidget(self.chart, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)

    def _colour(self, row: ScreeningRow, column: int) -> QColor | None:
        if column == CRITICAL_COLUMN and row.critical_items:
            return QColor(LEVEL_COLORS["crisis"])
        if column == LEVEL_COLUMN:
            return QColor(LEVEL_COLORS.get(row.suggested_level, "#555555"))
        return None

    def show_view(self, view: FileView) -> None:
        self.view_ = view
        self._names = view.instrument_names
        self._bands = view.band_labels
        fill(self.table, self.model, list(reversed(view.file.screening)))
        chosen = self.pick.currentData()
        self.pick.blockSignals(True)
        self.pick.clear()
        for trend in view.trends:
            self.pick.addItem(trend.name, trend.code)
        self.pick.setCurrentIndex(max(0, self.pick.findData(chosen)))
        self.pick.blockSignals(False)
        self._show_trend()

    def _show_trend(self) -> None:
        code = self.pick.currentData()
        trends = self.view_.trends if self.view_ else ()
        self.chart.set_trend(next((t for t in trends if t.code == code), None))
