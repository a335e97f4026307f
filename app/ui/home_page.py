"""首页: the school at a glance for counselling staff (services/overview.py).

The work waiting, as four figures that open 今日工作 or the review queue; a table of
grades and classes (在读, 本学期已测, 测评提示 and each warning level), every level figure
opening the dynamic list filtered to that class and level; and the screening figures of
the last terms. Only counts are shown here; the lists they open are audited as usual.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.changes import Changes
from app.instruments.warning import WARNING_LABELS
from app.services.overview import LEVELS, Figures, Overview, school_overview
from app.ui import strings
from app.ui.casefile.widgets import LEVEL_COLORS, StyledRowModel
from app.ui.form_widgets import data_table, fit_columns, hint_label
from app.ui.stale_reload import ReloadsWhenShown
from app.ui.store_context import StoreContext
from app.ui.table_models import Column

GROUP_COLUMNS = (
    Column(strings.HOME_COL_GROUP, lambda f: f.name if f.class_id is None else "　" + f.name),
    Column(strings.HOME_COL_ENROLLED, lambda f: str(f.enrolled)),
    Column(strings.HOME_COL_SCREENED, lambda f: str(f.screened)),
    Column(strings.HOME_COL_FLAGGED, lambda f: str(f.flagged)),
    *(Column(WARNING_LABELS[level], lambda f, level=level: str(f.levels[level]))
      for level in LEVELS),
)
FLAGGED_COLUMN = 3
FIRST_LEVEL_COLUMN = 4
TREND_COLUMNS = (
    Column(strings.HOME_COL_TERM, lambda t: t.label),
    Column(strings.HOME_COL_SCREENED.removeprefix("本学期"), lambda t: str(t.screened)),
    Column(strings.HOME_COL_FLAGGED, lambda t: str(t.flagged)),
)


class GroupModel(StyledRowModel):
    """Grade and school rows in bold; a level figure above zero in its level's colour."""

    def __init__(self) -> None:
        super().__init__(GROUP_COLUMNS, None, self._colour)

    @staticmethod
    def _colour(row: Figures, column: int) -> QColor | None:
        if column >= FIRST_LEVEL_COLUMN:
            level = LEVELS[column - FIRST_LEVEL_COLUMN]
            if row.levels[level]:
                return QColor(LEVEL_COLORS[level])
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.FontRole and index.isValid() \
                and self.row_at(index.row()).class_id is None:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and index.isValid() and index.column():
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)


class Figure(QPushButton):
    """A big number with its label under it: a button, so the keyboard reaches it."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(64)
        self.set_count(0)

    def set_count(self, n: int) -> None:
        self.count = n
        self.setText(f"{n}\n{self.label}")
        self.setStyleSheet("font-size: 12pt; font-weight: bold;"
                           + (" color: #b3261e;" if n and self.label != strings.HOME_REVIEW
                              else ""))


class HomePage(ReloadsWhenShown, QWidget):
    """`open_list(target, level, grade, class_name)`: target is "today", "review" or
    "key_list"; the main window shows that list with those filters."""

    open_list = Signal(str, object, object, object)

    def __init__(self, ctx: StoreContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.stale = False
        self.overview: Overview | None = None
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.urgent = Figure(strings.HOME_URGENT)
        self.due_today = Figure(strings.HOME_DUE_TODAY)
        self.overdue = Figure(strings.HOME_OVERDUE)
        self.review = Figure(strings.HOME_REVIEW)
        for figure in (self.urgent, self.due_today, self.overdue):
            figure.clicked.connect(lambda: self.open_list.emit("today", None, None, None))
        self.review.clicked.connect(lambda: self.open_list.emit("review", None, None, None))
        self.model = GroupModel()
        self.model.setParent(self)
        self.table = data_table()
        self.table.setSortingEnabled(False)
        self.table.setModel(self.model)
        self.table.horizontalHeader().setStretchLastSection(False)  # figures stay narrow
        self.table.activated.connect(self._activated)
        self.trend_model = StyledRowModel(TREND_COLUMNS)
        self.trend_model.setParent(self)
        self.trend = data_table()
        self.trend.setSortingEnabled(False)
        self.trend.setModel(self.trend_model)
        self.trend.horizontalHeader().setStretchLastSection(False)
        self.trend.setMaximumHeight(170)
        self.trend_empty = hint_label(strings.HOME_TREND_EMPTY)

        figures = QHBoxLayout()
        for figure in (self.urgent, self.due_today, self.overdue, self.review):
            figures.addWidget(figure)
        trend_title = QLabel(strings.HOME_TREND)
        trend_title.setStyleSheet("font-weight: bold;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(figures)
        layout.addWidget(hint_label(strings.HOME_TABLE_HINT))
        layout.addWidget(self.table, 1)
        layout.addWidget(trend_title)
        layout.addWidget(self.trend)
        layout.addWidget(self.trend_empty)

    def reload(self) -> None:
        self.stale = False
        self.ctx.query(self, school_overview, self._loaded)

    def _loaded(self, overview: Overview) -> None:
        self.overview = overview
        self.title.setText(strings.HOME_TITLE.format(term=overview.term_label))
        work = overview.work
        for figure, n in ((self.urgent, work.urgent), (self.due_today, work.due_today),
                          (self.overdue, work.overdue), (self.review, work.review_pending)):
            figure.set_count(n)
        self.model.set_rows(overview.rows)
        fit_columns(self.table)
        self.trend_model.set_rows(overview.trend)
        fit_columns(self.trend)
        self.trend.setVisible(bool(overview.trend))
        self.trend_empty.setVisible(not overview.trend)

    def clear(self) -> None:
        self.overview = None
        self.title.clear()
        self.model.clear()
        self.trend_model.clear()
        for figure in (self.urgent, self.due_today, self.overdue, self.review):
            figure.set_count(0)

    def on_changed(self, change: Changes) -> None:
        if not change.records:
            return
        self.reload_or_mark()

    def _activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        row: Figures = self.model.row_at(index.row())
        grade = row.grade or None
        class_name = row.name if row.class_id is not None else None
        if index.column() >= FIRST_LEVEL_COLUMN:
            level = LEVELS[index.column() - FIRST_LEVEL_COLUMN]
            self.open_list.emit("key_list", level, grade, class_name)
        elif index.column() == FLAGGED_COLUMN:
            self.open_list.emit("review", None, grade, class_name)
        else:
            self.open_list.emit("key_list", None, grade, class_name)
