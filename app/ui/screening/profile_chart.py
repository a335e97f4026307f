"""One student's profile: each scale's score on its full range, over the bands and
cut-offs the definition gives, drawn with QPainter.

QtCharts is not part of PySide6-Essentials (the only Qt wheel we ship), and a chart of
ten bars does not need it. Bands are tinted by the warning they suggest, so "above
the line" reads at a glance, and each cut-off is labelled with its value. The panel
under the chart gives the band wording and the scoring notes in words.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.instruments import Instrument
from app.instruments.model import Scale
from app.services.screening.results import ResultRow
from app.ui.screening import strings as s
from app.ui.screening.models import number_text
from app.ui.screening.results_model import band_of, unit_score

ROW_HEIGHT = 38
TRACK_HEIGHT = 14
BAR_HEIGHT = 6
MARGIN = 10
BAND_COLORS = {"none": "#e4efe9", "general": "#fbf0b8", "key": "#f8d7ad", "crisis": "#f3c1bc"}
NO_BAND_COLOR = "#ececec"
CUT_COLOR = "#555555"
SCORE_COLOR = "#1f5f52"
TEXT_COLOR = "#222222"
MUTED_COLOR = "#777777"


def unit_range(instrument: Instrument, unit: Scale) -> tuple[float, float]:
    """Lowest and highest score a unit can take (the chart's axis for it)."""
    low, high = instrument.value_range
    if unit.scales:
        parts = [unit_range(instrument, instrument.unit(code)) for code in unit.scales]
        lows, highs = [p[0] for p in parts], [p[1] for p in parts]
        if unit.method == "sum":
            low, high = sum(lows), sum(highs)
        else:
            low, high = sum(lows) / len(lows), sum(highs) / len(highs)
    elif unit.method == "sum":
        low, high = low * len(unit.items), high * len(unit.items)
    return low * unit.multiplier, high * unit.multiplier


class ProfileChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.instrument: Instrument | None = None
        self.row: ResultRow | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(360)

    def set_profile(self, instrument: Instrument | None, row: ResultRow | None) -> None:
        self.instrument, self.row = instrument, row
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    def units(self) -> list[Scale]:
        return list(self.instrument.units) if self.instrument is not None else []

    def sizeHint(self) -> QSize:
        return QSize(480, 2 * MARGIN + max(1, len(self.units())) * ROW_HEIGHT)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.instrument is None or self.row is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.8))
        metrics = self.fontMetrics()
        name_width = max(metrics.horizontalAdvance(u.name) for u in self.units()) + 12
        widest_band = max((metrics.horizontalAdvance(b.label) for u in self.units()
                           for b in u.bands), default=0)
        value_width = metrics.horizontalAdvance("99.99 ") + widest_band + 8
        left = MARGIN + name_width
        right = self.width() - MARGIN - value_width
        if right - left < 60:
            right = left + 60
        for i, unit in enumerate(self.units()):
            top = MARGIN + i * ROW_HEIGHT
            self._draw_unit(painter, unit, top, left, right, name_width, small)
        painter.end()

    def _draw_unit(self, painter: QPainter, unit: Scale, top: float, left: float,
                   right: float, name_width: float, small: QFont) -> None:
        assert self.instrument is not None and self.row is not None
        low, high = unit_range(self.instrument, unit)
        span = (high - low) or 1.0

        def x_of(value: float) -> float:
            return left + (min(max(value, low), high) - low) / span * (right - left)

        track = QRectF(left, top + 4, right - left, TRACK_HEIGHT)
        painter.setPen(QColor(TEXT_COLOR))
        painter.drawText(QRectF(MARGIN, top, name_width - 8, TRACK_HEIGHT + 8),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, unit.name)
        painter.setPen(Qt.PenStyle.NoPen)
        if not unit.bands or unit.band_basis != "raw":
            painter.fillRect(track, QColor(NO_BAND_COLOR))
        for band in unit.bands if unit.band_basis == "raw" else ():
            start = x_of(band.min if math.isfinite(band.min) else low)
            end = x_of(band.below if math.isfinite(band.below) else high)
            painter.fillRect(QRectF(start, track.top(), end - start, track.height()),
                             QColor(BAND_COLORS.get(band.warning.value, NO_BAND_COLOR)))
        painter.setFont(small)
        cuts = sorted({b.min for b in unit.bands if math.isfinite(b.min) and low < b.min < high}
                      if unit.band_basis == "raw" else set())
        for cut in cuts:
            x = x_of(cut)
            painter.setPen(QPen(QColor(CUT_COLOR), 1.5))
            painter.drawLine(int(x), int(track.top() - 2), int(x), int(track.bottom() + 2))
            painter.setPen(QColor(MUTED_COLOR))
            painter.drawText(QRectF(x - 30, track.bottom() + 1, 60, 14),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                             number_text(cut))
        value = unit_score(self.row, unit.code)
        band = band_of(unit, self.row.bands.get(unit.code))
        painter.setFont(self.font())
        text_rect = QRectF(right + 8, top, self.width() - right - 8, TRACK_HEIGHT + 8)
        if value is None:
            painter.setPen(QColor(MUTED_COLOR))
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, s.PROFILE_NO_SCORE)
            return
        x = x_of(value)
        bar = QRectF(left, track.center().y() - BAR_HEIGHT / 2, x - left, BAR_HEIGHT)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.fillRect(bar, QColor(SCORE_COLOR))
        painter.setBrush(QColor(SCORE_COLOR))
        painter.drawEllipse(QRectF(x - 6, track.center().y() - 6, 12, 12))
        painter.setPen(QColor(TEXT_COLOR))
        text = number_text(value) + (f" {band.label}" if band else "")
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, text)

