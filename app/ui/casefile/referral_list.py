"""转介跟踪: the referrals under way, each with its current step and how late it is.

The service lists the most overdue first; overdue rows are tinted. Double-clicking
opens the student's file at its 转介 tab, where the step is recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.labels import REFERRAL_RECOMMENDATIONS, label
from app.services.referral.steps import STEP_LABELS
from app.services.referral.workflow import ReferralListRow
from app.ui.casefile import texts
from app.ui.casefile.widgets import OVERDUE_BACKGROUND, OVERDUE_TEXT, day, fill, table
from app.ui.row_open import RowOpener
from app.ui.table_models import Column

OVERDUE_COLUMN = 7


def _step(row: ReferralListRow) -> str:
    return STEP_LABELS[row.next_step.step] if row.next_step else texts.REF_STATE_CLOSED


REFERRAL_COLUMNS = (
    Column(texts.COL_STUDENT_NO, lambda r: r.student_no),
    Column(texts.COL_NAME, lambda r: r.name),
    Column(texts.COL_CLASS, lambda r: r.class_name),
    Column(texts.COL_OPENED_ON, lambda r: day(r.referral.opened_on),
           sort_key=lambda r: r.referral.opened_on),
    Column(texts.COL_RECOMMENDATION,
           lambda r: label(REFERRAL_RECOMMENDATIONS, r.referral.recommendation)),
    Column(texts.COL_CURRENT_STEP, _step),
    Column(texts.COL_DUE, lambda r: day(r.next_step.due_on) if r.next_step else "",
           sort_key=lambda r: (r.next_step.due_on if r.next_step and r.next_step.due_on
                               else date.max)),
    Column(texts.COL_OVERDUE, lambda r: texts.OVERDUE_DAYS.format(days=r.overdue_days)
           if r.overdue_days else "", sort_key=lambda r: -r.overdue_days),
)


def _background(row: ReferralListRow) -> QColor | None:
    return OVERDUE_BACKGROUND if row.overdue_days else None


def _foreground(row: ReferralListRow, column: int) -> QColor | None:
    return OVERDUE_TEXT if row.overdue_days and column == OVERDUE_COLUMN else None


class ReferralListView(QWidget):
    open_requested = Signal(int, str)
    refresh_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.include_closed = QCheckBox(texts.REF_LIST_CLOSED)
        self.include_closed.toggled.connect(self.refresh_requested)
        self.count = QLabel()
        self.refresh_button = QPushButton(texts.REFRESH)
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.table, self.model = table(REFERRAL_COLUMNS, self, _background, _foreground)
        self.opener = RowOpener(
            self.table, lambda row: self.open_requested.emit(row.student_id, "referral"))
        top = QHBoxLayout()
        top.addWidget(self.include_closed)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)

    def set_rows(self, rows: Sequence[ReferralListRow]) -> None:
        fill(self.table, self.model, rows)
        self.count.setText(texts.REF_LIST_COUNT.format(
            n=len(rows), overdue=sum(1 for r in rows if r.overdue_days)))

    def clear(self) -> None:
        self.model.clear()
        self.count.clear()

