"""学生档案: the student list with search, grade, class and warning-level (预警等级)
filters, roster import and the new-school-year promotion.

The list loads on a worker (query plus pinyin indexing) and reloads only when a
broadcast Changes says students or levels changed. A 班主任 sees
the same page restricted by the service to their own class, with no import buttons; a
年级组长 sees their grade's classes, with the class filter.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.changes import Changes
from app.services.roster.file import grade_display_name
from app.services.students import list_students
from app.ui import strings
from app.ui.app_keys import SEARCH_KEY, key_text
from app.ui.casefile.file_window import StudentFileWindow, open_student_file
from app.ui.form_widgets import data_table, fit_columns, hint_label
from app.ui.roster_dialog import start_promotion, start_roster_import
from app.ui.row_open import RowOpener
from app.ui.store_context import StoreContext
from app.ui.student_model import (
    LEVEL_FILTERS,
    IndexedStudents,
    StudentFilterProxy,
    StudentTableModel,
    index_students,
)


class StudentsPage(QWidget):
    def __init__(self, ctx: StoreContext, can_manage: bool, own_class_only: bool) -> None:
        super().__init__()
        self.ctx = ctx
        self.own_class_only = own_class_only
        self._kept_filters: tuple[int | None, int | None] | None = None
        self.model = StudentTableModel()
        self.proxy = StudentFilterProxy(self.model)
        for owned in (self.model, self.proxy):
            owned.setParent(self)  # die with the page, not whenever Python collects them
        self.search = QLineEdit()
        self.search.setPlaceholderText(strings.SEARCH_PLACEHOLDER)
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(strings.SEARCH_TIP.format(key=key_text(SEARCH_KEY)))
        self.search.returnPressed.connect(self.open_found)
        self.grade = QComboBox()
        self.school_class = QComboBox()
        self.level = QComboBox()
        for code, text in LEVEL_FILTERS:
            self.level.addItem(text, code)
        self.grade.setMinimumContentsLength(6)
        self.school_class.setMinimumContentsLength(10)
        self.count = QLabel()
        self.title = hint_label()
        self.title.setVisible(own_class_only)
        self.view = data_table()
        self.view.setModel(self.proxy)
        self.opener = RowOpener(self.view, lambda row: open_student_file(
            self.ctx, self.window(), row.id))
        self.open_button = self.opener.button()
        self.import_button = QPushButton(strings.IMPORT_ROSTER)
        self.promote_button = QPushButton(strings.PROMOTE)
        self.import_button.clicked.connect(lambda: self.start_import())
        self.empty = hint_label(strings.STUDENTS_EMPTY if can_manage
                                else strings.STUDENTS_EMPTY_ASK)
        self.empty.setStyleSheet("font-size: 11pt;")
        self.empty_button = QPushButton(strings.STUDENTS_EMPTY_BUTTON)
        self.empty_button.clicked.connect(lambda: self.start_import())
        self.empty_button.setVisible(can_manage)
        self.can_manage = can_manage
        self.promote_button.clicked.connect(self.start_promotion)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.grade)
        filters.addWidget(self.school_class)
        filters.addWidget(self.level)
        filters.addStretch(1)
        filters.addWidget(self.open_button)
        if can_manage:
            filters.addWidget(self.import_button)
            filters.addWidget(self.promote_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(filters)
        self.empty_box = QWidget()
        empty_column = QVBoxLayout(self.empty_box)
        empty_column.setContentsMargins(0, 24, 0, 0)
        empty_column.addWidget(self.empty)
        empty_row = QHBoxLayout()
        empty_row.addWidget(self.empty_button)
        empty_row.addStretch(1)
        empty_column.addLayout(empty_row)
        empty_column.addStretch(1)
        self.empty_box.setVisible(False)
        layout.addWidget(self.empty_box, 1)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count)
        self.grade.setVisible(not own_class_only)
        self.school_class.setVisible(not own_class_only)

        self.search.textChanged.connect(self._apply_filter)
        self.grade.currentIndexChanged.connect(self._grade_changed)
        self.school_class.currentIndexChanged.connect(self._apply_filter)
        self.level.currentIndexChanged.connect(self._apply_filter)
        self.proxy.rowsInserted.connect(self._show_count)
        self.proxy.rowsRemoved.connect(self._show_count)
        self.proxy.modelReset.connect(self._show_count)
        self.proxy.layoutChanged.connect(self._show_count)
        self._fill_grades()

    def reload(self) -> None:
        self.count.setText(strings.STUDENTS_LOADING)
        self.ctx.query(self, lambda store: index_students(list_students(store)), self._loaded)

    def _loaded(self, indexed: IndexedStudents) -> None:
        grade, class_id = self._kept_filters or (self.grade.currentData(),
                                                 self.school_class.currentData())
        self._kept_filters = None
        self.model.set_students(indexed)
        self._fill_grades(grade, class_id)
        fit_columns(self.view)
        if self.own_class_only:
            self._show_own_classes()
        self._show_count()
        self._show_empty(self.model.rowCount() == 0 and not self.own_class_only)

    def _show_own_classes(self) -> None:
        """A 班主任 has one class: the title names it and there is nothing to filter. A
        年级组长 has the grade's classes: the title names the grade and the class filter
        is shown (and the grade filter too, should an account ever cover several)."""
        classes = self.model.classes()
        grades = sorted({grade for _cid, _name, grade in classes})
        if len(classes) > 1:
            self.title.setText(strings.OWN_GRADE_TITLE.format(
                grades="、".join(grade_display_name(g) for g in grades), count=len(classes)))
        elif classes:
            self.title.setText(strings.OWN_CLASS_TITLE.format(classes=classes[0][1]))
        else:
            self.title.setText(strings.OWN_CLASS_NONE)
        self.grade.setVisible(len(grades) > 1)
        self.school_class.setVisible(len(classes) > 1)

    def _show_empty(self, empty: bool) -> None:
        """No student at all (a new school): say what to do first, with the button,
        instead of an empty table with 显示 0 人."""
        self.empty_box.setVisible(empty)
        self.view.setVisible(not empty)
        self.count.setVisible(not empty)

    def clear(self) -> None:
        """Called by the lock: no name may stay behind the lock screen, not even in the
        search box; the grade and class chosen are kept for when the list reloads."""
        self._kept_filters = (self.grade.currentData(), self.school_class.currentData())
        self.search.clear()
        self.model.clear()
        self._fill_grades()
        self.count.clear()

    def on_changed(self, change: Changes) -> None:
        """Reload when students changed, or a level did (the 预警等级 column)."""
        if change.students or change.levels:
            self.reload()

    def _fill_grades(self, keep_grade: int | None = None, keep_class: int | None = None) -> None:
        grades = sorted({grade for _cid, _name, grade in self.model.classes()})
        self.grade.blockSignals(True)
        self.grade.clear()
        self.grade.addItem(strings.ALL_GRADES, None)
        for grade in grades:
            self.grade.addItem(grade_display_name(grade), grade)
        index = self.grade.findData(keep_grade)
        self.grade.setCurrentIndex(max(index, 0))
        self.grade.blockSignals(False)
        self._fill_classes(keep_class)

    def _fill_classes(self, keep_class: int | None = None) -> None:
        grade = self.grade.currentData()
        self.school_class.blockSignals(True)
        self.school_class.clear()
        self.school_class.addItem(strings.ALL_CLASSES, None)
        for class_id, name, class_grade in self.model.classes():
            if grade is None or class_grade == grade:
                self.school_class.addItem(name, class_id)
        index = self.school_class.findData(keep_class)
        self.school_class.setCurrentIndex(max(index, 0))
        self.school_class.blockSignals(False)
        self._apply_filter()

    def _grade_changed(self) -> None:
        self._fill_classes(self.school_class.currentData())

    def _apply_filter(self) -> None:
        self.proxy.set_filter(self.search.text(), self.grade.currentData(),
                              self.school_class.currentData(), self.level.currentData())
        self._show_count()

    def _show_count(self) -> None:
        self.count.setText(strings.STUDENTS_COUNT.format(shown=self.proxy.rowCount(),
                                                         total=self.model.rowCount()))

    def open_file(self, index: QModelIndex) -> StudentFileWindow | None:
        """Double-click or Enter opens the student's file (a class teacher's summary)."""
        window = self.opener.open_index(index)
        return window if isinstance(window, StudentFileWindow) else None

    def open_found(self) -> StudentFileWindow | None:
        """Enter in the search box: one student found opens their file; several put
        the keyboard on the first of them, to pick with the arrows and Enter."""
        found = self.proxy.rowCount()
        if found == 1:
            return self.open_file(self.proxy.index(0, 0))
        if found > 1:
            self.view.setCurrentIndex(self.proxy.index(0, 0))
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        return None

    def start_import(self, path: Path | None = None) -> None:
        start_roster_import(self.ctx, self, path)

    def start_promotion(self) -> None:
        start_promotion(self.ctx, self)
