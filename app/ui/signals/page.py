"""反映: the reports a teacher filed with their status, or, for the counselling room,
every report with its text.

One page for every role that may file (FILE_SIGNAL). A 班主任 or 年级组长 files from
here (a student of their own classes) and sees source, severity, date and status — the
text is sealed for staff once sent (app/services/signals/). Staff also see the text
and decide (处理…); pending reports are tinted, and also head 今日工作.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from app.changes import Changes
from app.labels import (
    SIGNAL_DECISIONS,
    SIGNAL_PENDING,
    SIGNAL_SEVERITIES,
    SIGNAL_SOURCES,
    label,
)
from app.services.signals.reports import ReportRow, list_reports
from app.services.students import StudentRow, list_students
from app.store.handle import Store
from app.ui.casefile.widgets import OVERDUE_BACKGROUND, button_row, day, fill, selected, table
from app.ui.form_widgets import hint_label
from app.ui.opening import opened
from app.ui.signals import texts
from app.ui.signals.dialogs import ReportDialog, open_decision
from app.ui.stale_reload import ReloadsWhenShown
from app.ui.store_context import StoreContext
from app.ui.table_models import Column
from app.ui.workers import Op


def status(row: ReportRow) -> str:
    if row.decision is None:
        return SIGNAL_PENDING
    return texts.STATUS_DONE.format(decision=label(SIGNAL_DECISIONS, row.decision),
                                    on=day(row.decided_on))


COLUMNS = (
    Column(texts.COL_FILED_AT, lambda r: f"{r.filed_at:%Y-%m-%d}",
           sort_key=lambda r: r.filed_at),
    Column(texts.COL_STUDENT_NO, lambda r: r.student_no),
    Column(texts.COL_NAME, lambda r: r.name),
    Column(texts.COL_CLASS, lambda r: r.class_name),
    Column(texts.COL_SOURCE, lambda r: label(SIGNAL_SOURCES, r.source)),
    Column(texts.COL_SEVERITY, lambda r: label(SIGNAL_SEVERITIES, r.severity)),
    Column(texts.COL_SEEN_ON, lambda r: day(r.seen_on), sort_key=lambda r: r.seen_on),
    Column(texts.COL_FILED_BY, lambda r: r.filed_by),
    Column(texts.COL_STATUS, status, sort_key=lambda r: (not r.pending, status(r))),
)
TEXT_COLUMN = Column(texts.COL_TEXT, lambda r: (r.text or "").replace("\n", " "))


@dataclass(frozen=True)
class PageData:
    reports: list[ReportRow]
    students: list[StudentRow]


def load(store: Store) -> PageData:
    return PageData(list_reports(store), list_students(store))


def _pending(row: ReportRow) -> QColor | None:
    return OVERDUE_BACKGROUND if row.pending else None


class SignalsPage(ReloadsWhenShown, QWidget):
    def __init__(self, ctx: StoreContext, staff: bool) -> None:
        super().__init__()
        self.ctx = ctx
        self.staff = staff
        self.stale = False
        self.data: PageData | None = None
        self.hint = hint_label(texts.PAGE_HINT_STAFF if staff else texts.PAGE_HINT_FILER)
        self.count = QLabel()
        self.file_button = QPushButton(texts.FILE)
        self.decide_button = QPushButton(texts.DECIDE)
        self.refresh_button = QPushButton(texts.REFRESH)
        self.decide_button.setVisible(staff)
        self.file_button.clicked.connect(lambda: self.file_report())
        self.decide_button.clicked.connect(lambda: self.decide())
        self.refresh_button.clicked.connect(self.reload)
        self.view, self.model = table((*COLUMNS, TEXT_COLUMN) if staff else COLUMNS, self,
                                      _pending)
        self.view.activated.connect(lambda _index: self.decide())
        self.view.selectionModel().selectionChanged.connect(self._selected)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        row = button_row(self.count, self.file_button, self.decide_button,
                         self.refresh_button, stretch_first=False)
        row.insertStretch(1, 1)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)
        self._selected()

    def reload(self) -> None:
        self.stale = False
        self.ctx.query(self, load, self._loaded)

    def _loaded(self, data: PageData) -> None:
        self.data = data
        fill(self.view, self.model, data.reports)
        self.count.setText(texts.COUNT.format(n=len(data.reports),
                                              pending=sum(r.pending for r in data.reports)))
        self._selected()

    def clear(self) -> None:
        self.data = None
        self.model.clear()
        self.count.clear()

    def on_changed(self, change: Changes) -> None:
        """A report filed or decided writes a student's file (`Changes.casefile`)."""
        if not change.casefile:
            return
        self.reload_or_mark()

    def needs_reload(self) -> bool:
        return self.stale or self.data is None

    def _selected(self, *_args: object) -> None:
        self.decide_button.setEnabled(selected(self.view, self.model) is not None)

    def file_report(self, student_id: int | None = None) -> ReportDialog | None:
        if self.data is None:
            return None
        students = [(s.id, f"{s.student_no} {s.name}（{s.class_name}）")
                    for s in self.data.students]
        return opened(ReportDialog(self.ctx, students, student_id, date.today(), self))

    def decide(self) -> Op | None:
        row: ReportRow | None = selected(self.view, self.model)
        if not self.staff or row is None:
            return None
        return open_decision(self.ctx, self, row.id)
