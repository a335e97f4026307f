"""心理危机学生动态信息库: the students on the warning list, who is due, who is late.

A QAbstractTableModel over `warnings.key_list` rows (most severe first, then the most
overdue, as the service sorts) and a filter proxy: level, grade, class, overdue only.
Overdue rows are tinted red so a monthly review starts at the top. The list is short
(tens to a few hundred students), so the proxy decides row by row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.instruments.warning import WARNING_LABELS, WarningLevel
from app.services.classes import ClassRow
from app.services.roster.file import grade_display_name
from app.services.warning.decisions import KeyStudentRow
from app.ui import strings
from app.ui.casefile import texts
from app.ui.casefile.widgets import (
    LEVEL_COLORS,
    OVERDUE_BACKGROUND,
    StyledRowModel,
    day,
    level_label,
)
from app.ui.form_widgets import data_table, fit_columns
from app.ui.row_open import RowOpener
from app.ui.table_models import Column

SEVERITY = {w.value: w.severity for w in WarningLevel}
LEVEL_COLUMN = 3
PAIRING_COLUMN = 8


def _pairing(row: KeyStudentRow) -> str:
    if row.level not in ("key", "crisis"):
        return ""
    return texts.PAIRING_MISSING if row.pairing_gap else texts.PAIRING_DONE


KEY_COLUMNS = (
    Column(texts.COL_STUDENT_NO, lambda r: r.student_no),
    Column(texts.COL_NAME, lambda r: r.name),
    Column(texts.COL_CLASS, lambda r: r.class_name),
    Column(texts.COL_LEVEL, lambda r: level_label(r.level),
           sort_key=lambda r: -SEVERITY.get(r.level, 0)),
    Column(texts.COL_SINCE, lambda r: day(r.since), sort_key=lambda r: r.since or date.max),
    Column(texts.COL_NEXT_DUE, lambda r: day(r.next_due, texts.NOT_SET),
           sort_key=lambda r: r.next_due or date.max),
    Column(texts.COL_LAST_DONE, lambda r: day(r.last_followup),
           sort_key=lambda r: r.last_followup or date.min),
    Column(texts.COL_OVERDUE, lambda r: texts.OVERDUE_DAYS.format(days=r.overdue_days)
           if r.overdue else "", sort_key=lambda r: -r.overdue_days),
    Column(texts.COL_PAIRING, _pairing),
)


def _background(row: KeyStudentRow) -> QColor | None:
    return OVERDUE_BACKGROUND if row.overdue else None


def _foreground(row: KeyStudentRow, column: int) -> QColor | None:
    if column == LEVEL_COLUMN:
        return QColor(LEVEL_COLORS.get(row.level, "#555555"))
    if column == PAIRING_COLUMN and row.pairing_gap:
        return QColor(LEVEL_COLORS["crisis"])
    return None


class KeyListModel(StyledRowModel):
    def __init__(self) -> None:
        super().__init__(KEY_COLUMNS, _background, _foreground)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if (role == Qt.ItemDataRole.ToolTipRole and index.isValid()
                and index.column() == PAIRING_COLUMN):
            return self.rows[index.row()].pairing_gap or None
        return super().data(index, role)


class KeyListFilter(QSortFilterProxyModel):
    """Level, grade, class and overdue filters; sorting is the source model's."""

    def __init__(self, source: KeyListModel) -> None:
        super().__init__()
        self._rows = source
        self.setSourceModel(source)
        self.level: str | None = None
        self.grade: int | None = None
        self.class_name: str | None = None
        self.overdue_only = False
        self.grade_of: dict[str, int] = {}

    def set_filter(self, level: str | None, grade: int | None, class_name: str | None,
                   overdue_only: bool) -> None:
        self.beginFilterChange()
        self.level, self.grade, self.class_name = level, grade, class_name
        self.overdue_only = overdue_only
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        row: KeyStudentRow = self._rows.row_at(source_row)
        return ((self.level is None or row.level == self.level)
                and (self.grade is None or self.grade_of.get(row.class_name) == self.grade)
                and (self.class_name is None or row.class_name == self.class_name)
                and (not self.overdue_only or row.overdue))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._rows.sort(column, order)


class KeyListView(QWidget):
    """The list with its filters; `open_requested` carries a student id."""

    open_requested = Signal(int)
    refresh_requested = Signal()
    export_requested = Signal(bool)
    """True: the 重点名单 (危机 and 重点关注, whole list); False: the rows shown."""

    def __init__(self) -> None:
        super().__init__()
        self.model = KeyListModel()
        self.proxy = KeyListFilter(self.model)
        for owned in (self.model, self.proxy):
            owned.setParent(self)
        self.classes: list[ClassRow] = []
        self.level = QComboBox()
        self.level.addItem(texts.KEY_ALL_LEVELS, None)
        for code in ("crisis", "key", "general"):
            self.level.addItem(WARNING_LABELS[code], code)
        self.grade = QComboBox()
        self.school_class = QComboBox()
        self.school_class.setMinimumContentsLength(8)
        self.overdue = QCheckBox(texts.KEY_ONLY_OVERDUE)
        self.count = QLabel()
        self.open_button = QPushButton(texts.OPEN_FILE)
        self.refresh_button = QPushButton(texts.REFRESH)
        self.export_button = QToolButton()
        self.export_button.setText(strings.EXPORT_MENU)
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        menu.addAction(strings.EXPORT_SHOWN, lambda: self.export_requested.emit(False))
        menu.addAction(strings.EXPORT_KEY_STUDENTS, lambda: self.export_requested.emit(True))
        self.export_button.setMenu(menu)
        self.view = data_table()
        self.view.setModel(self.proxy)
        self.opener = RowOpener(self.view, lambda row: self.open_requested.emit(row.student_id))
        self.open_button.clicked.connect(lambda: self.opener.open_current())
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.level.currentIndexChanged.connect(self._apply)
        self.grade.currentIndexChanged.connect(self._grade_changed)
        self.school_class.currentIndexChanged.connect(self._apply)
        self.overdue.toggled.connect(self._apply)
        filters = QHBoxLayout()
        for widget in (self.level, self.grade, self.school_class, self.overdue):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(self.open_button)
        filters.addWidget(self.export_button)
        filters.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count)
        self._fill_grades()

    def set_rows(self, rows: Sequence[KeyStudentRow], classes: Sequence[ClassRow]) -> None:
        self.classes = list(classes)
        self.proxy.grade_of = {c.name: c.grade for c in classes}
        grade, class_name = self.grade.currentData(), self.school_class.currentData()
        self.model.set_rows(rows)
        self._fill_grades(grade, class_name)
        fit_columns(self.view)

    def clear(self) -> None:
        self.model.clear()
        self.classes = []
        self._fill_grades()
        self.count.clear()

    def _fill_grades(self, keep: int | None = None, keep_class: str | None = None) -> None:
        self.grade.blockSignals(True)
        self.grade.clear()
        self.grade.addItem(strings.ALL_GRADES, None)
        for grade in sorted({c.grade for c in self.classes}):
            self.grade.addItem(grade_display_name(grade), grade)
        self.grade.setCurrentIndex(max(0, self.grade.findData(keep)))
        self.grade.blockSignals(False)
        self._fill_classes(keep_class)

    def _fill_classes(self, keep: str | None = None) -> None:
        grade = self.grade.currentData()
        self.school_class.blockSignals(True)
        self.school_class.clear()
        self.school_class.addItem(strings.ALL_CLASSES, None)
        for c in self.classes:
            if grade is None or c.grade == grade:
                self.school_class.addItem(c.name, c.name)
        self.school_class.setCurrentIndex(max(0, self.school_class.findData(keep)))
        self.school_class.blockSignals(False)
        self._apply()

    def _grade_changed(self) -> None:
        self._fill_classes(self.school_class.currentData())

    def _apply(self) -> None:
        self.proxy.set_filter(self.level.currentData(), self.grade.currentData(),
                              self.school_class.currentData(), self.overdue.isChecked())
        overdue = sum(1 for r in self.model.rows if r.overdue)
        self.count.setText(texts.KEY_COUNT.format(shown=self.proxy.rowCount(),
                                                  total=self.model.rowCount(),
                                                  overdue=overdue))

    def show_filtered(self, level: str | None, grade: int | None,
                      class_name: str | None) -> None:
        """Set the filters (a figure on 首页 opening its list); the overdue box clears."""
        self.overdue.setChecked(False)
        self.level.setCurrentIndex(max(0, self.level.findData(level)))
        self.grade.setCurrentIndex(max(0, self.grade.findData(grade)))
        self.school_class.setCurrentIndex(max(0, self.school_class.findData(class_name)))
        self._apply()

    def shown_student_ids(self) -> list[int]:
        """The students the filters leave on screen, in the shown order."""
        return [self.model.row_at(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
                .student_id for r in range(self.proxy.rowCount())]
