"""A line chart of one instrument's totals across the years, painted with QPainter.

QtCharts is not part of PySide6-Essentials (the wheel we ship), and one line with a
few points does not need it. Points are spaced evenly in the order taken (screenings
are a term or a year apart, and even spacing keeps every label readable); the x axis
names each point's date, and dashed lines mark where the instrument's bands begin, so
a teacher sees at a glance which side of a cut-off each result fell.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.ui.casefile import texts
from app.ui.casefile.loading import Trend

LINE = QColor("#2f7d6d")
GRID = QColor("#e3e8e6")
AXIS = QColor("#8a9490")
CUTOFF = QColor("#c25e00")
Y_TICKS = 6  # at most; the step is a round number
X_INSET = 44  # keeps the first and last date labels inside the plot
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 48, 96, 36, 52


def axis_step(y_max: float, ticks: int = Y_TICKS) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving at most `ticks` steps."""
    raw = max(y_max, 1e-9) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)


class TrendChart(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.trend: Trend | None = None
        self.step = 1.0
        self.top = 1.0
        self.setMinimumSize(420, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_trend(self, trend: Trend | None) -> None:
        self.trend = trend
        if trend is not None:
            self.step = axis_step(trend.y_max)
            self.top = math.ceil(trend.y_max / self.step) * self.step
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        if self.trend is None or not self.trend.points:
            painter.setPen(AXIS)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, texts.TREND_EMPTY)
            return
        plot = QRectF(MARGIN_LEFT, MARGIN_TOP, max(10, self.width() - MARGIN_LEFT - MARGIN_RIGHT),
                      max(10, self.height() - MARGIN_TOP - MARGIN_BOTTOM))
        self._title(painter)
        self._grid(painter, plot)
        self._cutoffs(painter, plot)
        self._line(painter, plot)
        painter.end()

    def _y(self, plot: QRectF, value: float) -> float:
        return plot.bottom() - plot.height() * min(value, self.top) / self.top

    def _x(self, plot: QRectF, i: int) -> float:
        assert self.trend is not None
        n = len(self.trend.points)
        inner = plot.adjusted(X_INSET, 0, -X_INSET, 0)
        return inner.center().x() if n == 1 else inner.left() + inner.width() * i / (n - 1)

    def _title(self, painter: QPainter) -> None:
        assert self.trend is not None
        font = QFont(painter.font())
        font.setBold(True)
        painter.save()
        painter.setFont(font)
        painter.setPen(QColor("#222222"))
        painter.drawText(QRectF(MARGIN_LEFT, 6, self.width() - MARGIN_LEFT, MARGIN_TOP - 8),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         texts.TREND_TITLE.format(name=self.trend.name))
        painter.restore()

    def _grid(self, painter: QPainter, plot: QRectF) -> None:
        assert self.trend is not None
        metrics = painter.fontMetrics()
        for tick in range(round(self.top / self.step) + 1):
            value = tick * self.step
            y = self._y(plot, value)
            painter.setPen(QPen(GRID, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(AXIS)
            text = f"{value:g}"
            painter.drawText(QRectF(0, y - metrics.height() / 2, MARGIN_LEFT - 6,
                                    metrics.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
        painter.setPen(QPen(AXIS, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())

    def _cutoffs(self, painter: QPainter, plot: QRectF) -> None:
        assert self.trend is not None
        metrics = painter.fontMetrics()
        pen = QPen(CUTOFF, 1, Qt.PenStyle.DashLine)
        for value, label in self.trend.cutoffs:
            if value > self.top:
                continue
            y = self._y(plot, value)
            painter.setPen(pen)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(CUTOFF)
            text = metrics.elidedText(f"{value:g} {label}", Qt.TextElideMode.ElideRight,
                                      MARGIN_RIGHT - 8)
            painter.drawText(QRectF(plot.right() + 6, y - metrics.height() / 2,
                                    MARGIN_RIGHT - 6, metrics.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)

    def _line(self, painter: QPainter, plot: QRectF) -> None:
        assert self.trend is not None
        points = self.trend.points
        metrics = painter.fontMetrics()
        path = QPainterPath()
        for i, p in enumerate(points):
            at = QPointF(self._x(plot, i), self._y(plot, p.total))
            if i == 0:
                path.moveTo(at)
            else:
                path.lineTo(at)
        painter.setPen(QPen(LINE, 2))
        painter.drawPath(path)
        slot = (plot.width() - 2 * X_INSET) / (len(points) - 1) if len(points) > 1 else 120.0
        for i, p in enumerate(points):
            at = QPointF(self._x(plot, i), self._y(plot, p.total))
            painter.setPen(QPen(LINE, 2))
            painter.setBrush(QColor("white"))
            painter.drawEllipse(at, 4, 4)
            painter.setPen(QColor("#222222"))
            painter.drawText(QRectF(at.x() - 40, at.y() - metrics.height() - 6, 80,
                                    metrics.height()), Qt.AlignmentFlag.AlignCenter,
                             f"{p.total:g}")
            painter.setPen(AXIS)
            when = p.taken_on.isoformat() if p.taken_on else ""
            width = min(slot, 120.0)
            for line, text in enumerate((when, p.band)):
                shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(width))
                painter.drawText(QRectF(at.x() - width / 2,
                                        plot.bottom() + 4 + line * metrics.height(),
                                        width, metrics.height()),
                                 Qt.AlignmentFlag.AlignCenter, shown)
