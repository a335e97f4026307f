"""家校沟通: this term's key students and whether their families have been reached.

The families not yet contacted come first (tinted), then those still without a 三方沟通.
Double-click, Enter or 打开档案 (row_open.RowOpener) opens the student's file at
家校联系, where the contact is recorded and the guardians' numbers are kept; 导出 Excel
takes the list away (password by default).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.services.casefile.family_contacts import FamilyContactRow, FamilyContacts
from app.ui import strings
from app.ui.casefile import texts
from app.ui.casefile.widgets import OVERDUE_BACKGROUND, day, fill, level_label, table
from app.ui.form_widgets import hint_label
from app.ui.row_open import RowOpener
from app.ui.table_models import Column

FAMILY_COLUMNS = (
    Column(texts.COL_STUDENT_NO, lambda r: r.student_no),
    Column(texts.COL_NAME, lambda r: r.name),
    Column(texts.COL_CLASS, lambda r: r.class_name),
    Column(texts.COL_LEVEL, lambda r: level_label(r.level)),
    Column(texts.COL_GUARDIANS, lambda r: r.guardians or texts.GUARDIANS_NONE),
    Column(texts.COL_LAST_CONTACT, lambda r: day(r.last_contact, texts.NOT_CONTACTED)),
    Column(texts.COL_CONTACT_KIND, lambda r: r.last_kind),
    Column(texts.COL_THREE_WAY, lambda r: day(r.three_way_on, texts.THREE_WAY_NOT_YET)),
)


def _background(row: FamilyContactRow) -> QColor | None:
    return OVERDUE_BACKGROUND if not row.contacted else None


class FamilyListView(QWidget):
    open_requested = Signal(int, str)
    refresh_requested = Signal()
    export_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.summary = hint_label()
        self.export_button = QPushButton(strings.EXPORT_MENU)
        self.export_button.clicked.connect(self.export_requested)
        self.refresh_button = QPushButton(texts.REFRESH)
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.table, self.model = table(FAMILY_COLUMNS, self, _background)
        self.opener = RowOpener(
            self.table, lambda row: self.open_requested.emit(row.student_id, "home"))
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.export_button)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    def set_contacts(self, contacts: FamilyContacts) -> None:
        fill(self.table, self.model, contacts.rows)
        self.summary.setText(texts.FAMILY_SUMMARY.format(
            term=contacts.term_label, n=len(contacts.rows), missing=contacts.not_contacted,
            three_way=contacts.three_way_due))

    def clear(self) -> None:
        self.model.clear()
        self.summary.clear()
