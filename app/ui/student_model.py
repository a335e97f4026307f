"""The student list's Qt model and its search filter, built to stay fast at 10,000 rows.

Search matches a name, its pinyin initials ("zs" finds 张三), its full pinyin
("zhangsan") or a 学籍号. pypinyin is slow (~50 µs a name), so `index_students` runs
once per load on the worker thread and stores one lowercase key per student; a
keystroke is then a substring test per row (about 6 ms for 10,000 rows measured, so no
debounce). Heteronyms are off: 单 reads as "dan", and a teacher searching "s" for a
surname read "shan" will still find the 学籍号 or name.

Names are read one character at a time (PYPINYIN_NO_PHRASES): pypinyin's phrase
dictionary reads words, not names (it makes 于思豪 "yusaihao" for the word 于思), and
it is most of pypinyin's import time (0.37 → 0.10 s), memory (52 → 9 MB) and 2.5 MB of
the frozen bundle, which leaves it out (build_installer.spec). The variable is set here,
before pypinyin is first imported, so the source and the frozen program read alike.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from app.instruments.warning import WARNING_LABELS, WarningLevel
from app.labels import GENDERS, STUDENT_STATUSES, label
from app.services.students import StudentRow
from app.ui import strings
from app.ui.casefile.widgets import LEVEL_COLORS
from app.ui.table_models import Column, RowTableModel

os.environ["PYPINYIN_NO_PHRASES"] = "1"

KEY_SEPARATOR = "\x00"  # cannot be typed, so a search never spans two fields
STATUS_ORDER = {code: i for i, code in enumerate(STUDENT_STATUSES)}

STUDENT_COLUMNS = (
    Column(strings.COL_STUDENT_NO, lambda r: r.student_no),
    Column(strings.COL_NAME, lambda r: r.name),
    Column(strings.COL_GENDER, lambda r: label(GENDERS, r.gender)),
    Column(strings.COL_BIRTH, lambda r: r.birth_date.isoformat() if r.birth_date else "",
           sort_key=lambda r: r.birth_date.isoformat() if r.birth_date else ""),
    Column(strings.COL_CLASS, lambda r: r.class_name,
           sort_key=lambda r: (r.grade, r.class_number, r.student_no)),
    Column(strings.COL_STATUS, lambda r: label(STUDENT_STATUSES, r.status),
           sort_key=lambda r: STATUS_ORDER.get(r.status, len(STATUS_ORDER))),
    Column(strings.COL_LEVEL, lambda r: "" if r.level == "none" else WARNING_LABELS[r.level],
           sort_key=lambda r: -WarningLevel(r.level).severity),
)
LEVEL_COLUMN = len(STUDENT_COLUMNS) - 1
#: The level filter's choices: None all, "any" every level above 无, or one level code.
LEVEL_FILTERS: tuple[tuple[str | None, str], ...] = (
    (None, strings.ALL_LEVELS), ("any", strings.ANY_LEVEL),
    *((code, WARNING_LABELS[code]) for code in ("crisis", "key", "general")),
    ("none", strings.NO_LEVEL))


def search_key(row: StudentRow) -> str:
    # pypinyin's dictionaries take ~0.6 s to import: load them with the first student
    # list (on the worker thread), not before the login window can appear.
    from pypinyin import Style, lazy_pinyin

    initials = "".join(lazy_pinyin(row.name, style=Style.FIRST_LETTER))
    full = "".join(lazy_pinyin(row.name))
    return KEY_SEPARATOR.join((row.name, initials, full, row.student_no)).lower()


@dataclass(frozen=True)
class IndexedStudents:
    """Rows plus their search keys, computed off the GUI thread."""

    rows: list[StudentRow]
    keys: dict[int, str]


def index_students(rows: Sequence[StudentRow]) -> IndexedStudents:
    return IndexedStudents(list(rows), {row.id: search_key(row) for row in rows})


class StudentTableModel(RowTableModel):
    def __init__(self) -> None:
        super().__init__(STUDENT_COLUMNS)
        self._key_by_id: dict[int, str] = {}
        self.keys: list[str] = []

    def set_students(self, indexed: IndexedStudents) -> None:
        self._key_by_id = indexed.keys
        self.set_rows(indexed.rows)

    def clear(self) -> None:
        self._key_by_id = {}
        super().clear()

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if (role == Qt.ItemDataRole.ForegroundRole and index.isValid()
                and index.column() == LEVEL_COLUMN):
            return QColor(LEVEL_COLORS[self.rows[index.row()].level])
        return super().data(index, role)

    def _rows_changed(self) -> None:
        self.keys = [self._key_by_id.get(row.id, "") for row in self.rows]

    def classes(self) -> list[tuple[int, str, int]]:
        """(class_id, class name, grade) of the classes in the list, in grade order."""
        seen: dict[int, tuple[int, str, int, int]] = {}
        for row in self.rows:
            seen.setdefault(row.class_id, (row.grade, row.class_number, row.class_name,
                                           row.class_id))
        return [(cid, name, grade) for grade, _n, name, cid in sorted(seen.values())]


def normalize_query(text: str) -> str:
    return "".join(text.split()).lower()


class StudentFilterProxy(QSortFilterProxyModel):
    """Filters by search text, grade, class and warning level (LEVEL_FILTERS); sorting
    is delegated to the source model, which sorts in one Python pass (see
    RowTableModel.sort)."""

    def __init__(self, source: StudentTableModel) -> None:
        super().__init__()
        self._students = source
        self.setSourceModel(source)
        self._needle = ""
        self._grade: int | None = None
        self._class_id: int | None = None
        self._level: str | None = None
        self._accepted: list[bool] | None = None  # None: every row passes
        self._basis: list[str] | None = None  # the source's keys list it was computed for

    def set_filter(self, text: str, grade: int | None, class_id: int | None,
                   level: str | None = None) -> None:
        needle = normalize_query(text)
        if (needle, grade, class_id, level) == (self._needle, self._grade, self._class_id,
                                                self._level):
            return
        self.beginFilterChange()
        self._needle, self._grade, self._class_id = needle, grade, class_id
        self._level = level
        self._basis = None
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def _recompute(self, keys: list[str]) -> None:
        """Decide every row in one Python pass: Qt then calls filterAcceptsRow once per
        row, and each of those calls crossing into Python must do as little as possible
        (10,000 rows: ~30 ms with the tests inside it, ~10 ms as a list lookup).

        The source rebuilds its keys list whenever its rows change (load, sort), so a
        list that is not the one we computed for means the rows moved: compute again."""
        self._basis = keys
        rows = self._students.rows
        if not (self._needle or self._grade is not None or self._class_id is not None
                or self._level is not None):
            self._accepted = None
            return
        needle, grade, class_id, level = self._needle, self._grade, self._class_id, self._level
        self._accepted = [
            (grade is None or row.grade == grade)
            and (class_id is None or row.class_id == class_id)
            and (level is None or row.level == level
                 or (level == "any" and row.level != "none"))
            and needle in key
            for row, key in zip(rows, keys, strict=True)
        ]

    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        keys = self._students.keys
        if self._basis is not keys:
            self._recompute(keys)
        accepted = self._accepted
        return accepted is None or accepted[source_row]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._students.sort(column, order)
