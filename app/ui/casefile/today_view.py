"""今日工作: what is due today and what is late, across the school, in one list.

At the top, in red, what cannot wait: the 反映 the warning network filed that nobody has
decided yet (double-click: read it and record the decision), 当天面谈评估 for every critical
answer without an assessment yet, and the open items of crisis checklists. Then follow-ups,
the next step of each open referral and plan reviews (today.today_work), the most overdue
first; double-clicking an item opens the student's file at the tab where it is done
(辅导记录 for an assessment, 预警 for the crisis checklist). Below, the campaigns whose
screening still has students to review; double-clicking one goes to the review queue. This
is the first tab of 预警与转介, so the counselling room's day starts here.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from app.services.today import URGENT_KINDS, QueueSummary, TodayWork, WorkItem
from app.ui.casefile import texts
from app.ui.casefile.widgets import OVERDUE_BACKGROUND, OVERDUE_TEXT, button_row, day, fill, table
from app.ui.row_open import RowOpener
from app.ui.table_models import Column

#: Which tab of the file a kind of work is done on.
TAB_FOR = {"assessment": "counselling", "crisis_item": "warning", "follow_up": "warning",
           "referral_step": "referral", "plan_review": "plan", "conference_task": "conference"}
URGENT_BACKGROUND = QColor("#f9d6d2")


def _when(item: WorkItem) -> str:
    return (texts.OVERDUE_DAYS.format(days=item.overdue_days) if item.overdue_days
            else texts.DUE_TODAY)


WORK_COLUMNS = (
    Column(texts.COL_WHEN, _when, sort_key=lambda i: (i.kind not in URGENT_KINDS,
                                                      -i.overdue_days)),
    Column(texts.COL_WHAT, lambda i: i.what),
    Column(texts.COL_STUDENT_NO, lambda i: i.student_no),
    Column(texts.COL_NAME, lambda i: i.name),
    Column(texts.COL_CLASS, lambda i: i.class_name),
    Column(texts.COL_DUE, lambda i: day(i.due_on), sort_key=lambda i: i.due_on),
)
QUEUE_COLUMNS = (
    Column(texts.COL_CAMPAIGN, lambda q: q.campaign_name),
    Column(texts.COL_PENDING, lambda q: str(q.pending), sort_key=lambda q: q.pending),
)


def _background(item: WorkItem) -> QColor | None:
    if item.kind in URGENT_KINDS:
        return URGENT_BACKGROUND
    return OVERDUE_BACKGROUND if item.overdue_days else None


def _foreground(item: WorkItem, column: int) -> QColor | None:
    if item.kind in URGENT_KINDS and column in (0, 1):
        return OVERDUE_TEXT
    return OVERDUE_TEXT if item.overdue_days and column == 0 else None


def work_items(work: TodayWork) -> list[WorkItem]:
    """Urgent work first, then the most overdue (TodayWork.items)."""
    return list(work.items)


class TodayView(QWidget):
    open_requested = Signal(int, str)  # student id, file tab
    decide_requested = Signal(int)  # report id (反映)
    review_requested = Signal(int)  # campaign id
    refresh_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.summary = QLabel()
        self.summary.setStyleSheet("font-size: 11pt;")
        self.refresh_button = QPushButton(texts.REFRESH)
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.work, self.work_model = table(WORK_COLUMNS, self, _background, _foreground)
        self.queues, self.queue_model = table(QUEUE_COLUMNS, self)
        self.opener = RowOpener(self.work, self._open_work)
        self.queues.activated.connect(self._open_queue)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(QLabel(texts.TODAY_QUEUES))
        lower_layout.addWidget(self.queues, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.work)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        top = button_row(self.summary, self.refresh_button, stretch_first=False)
        top.insertStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    def set_work(self, work: TodayWork) -> None:
        fill(self.work, self.work_model, work_items(work))
        fill(self.queues, self.queue_model, list(work.review_queues))
        if work.empty:
            self.summary.setText(texts.TODAY_EMPTY)
        else:
            self.summary.setText(texts.TODAY_SUMMARY.format(
                urgent=len(work.urgent), today=len(work.due_today),
                followups=len(work.overdue_followups),
                steps=len(work.overdue_steps), reviews=len(work.overdue_plan_reviews)))

    def clear(self) -> None:
        self.work_model.clear()
        self.queue_model.clear()
        self.summary.clear()

    def _open_work(self, item: WorkItem) -> None:
        if item.kind == "signal":
            self.decide_requested.emit(item.ref_id)
            return
        self.open_requested.emit(item.student_id, TAB_FOR.get(item.kind, "overview"))

    def _open_queue(self, index: QModelIndex) -> None:
        if index.isValid():
            queue: QueueSummary = self.queue_model.row_at(index.row())
            self.review_requested.emit(queue.campaign_id)
