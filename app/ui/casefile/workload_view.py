"""工作量: the counsellor's individual hours, group hours and students seen, per week or
per term (statistics/workload.py), for a date range; the signed-in teacher's own work or
the whole counselling room's.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.statistics.workload import WorkloadRow, workload
from app.ui.casefile import texts
from app.ui.casefile.widgets import button_row, date_edit, date_of, fill, table
from app.ui.store_context import StoreContext
from app.ui.table_models import Column

COLUMNS = (
    Column(texts.WL_COL_PERIOD, lambda r: r.period, sort_key=lambda r: r.starts_on),
    Column(texts.WL_COL_INDIVIDUAL, lambda r: f"{r.individual_hours:g}",
           sort_key=lambda r: r.individual_minutes),
    Column(texts.WL_COL_INDIVIDUAL_N, lambda r: str(r.individual_sessions),
           sort_key=lambda r: r.individual_sessions),
    Column(texts.WL_COL_GROUP, lambda r: f"{r.group_hours:g}",
           sort_key=lambda r: r.group_minutes),
    Column(texts.WL_COL_GROUP_N, lambda r: str(r.group_sessions),
           sort_key=lambda r: r.group_sessions),
    Column(texts.WL_COL_STUDENTS, lambda r: str(r.students_seen),
           sort_key=lambda r: r.students_seen),
    Column(texts.WL_COL_MISSING, lambda r: str(r.without_duration) if r.without_duration
           else "", sort_key=lambda r: r.without_duration),
)


class WorkloadView(QWidget):
    def __init__(self, ctx: StoreContext, today: date | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        today = today or date.today()
        self.start = date_edit(today - timedelta(days=today.weekday() + 7 * 7), latest=today)
        self.end = date_edit(today, latest=today)
        self.by = QComboBox()
        self.by.addItem(texts.WL_BY_WEEK, "week")
        self.by.addItem(texts.WL_BY_TERM, "term")
        self.everyone = QCheckBox(texts.WL_EVERYONE)
        self.show_button = QPushButton(texts.WL_SHOW)
        self.show_button.clicked.connect(self.reload)
        self.total = QLabel()
        self.view, self.model = table(COLUMNS, self)
        layout = QVBoxLayout(self)
        row = button_row(QLabel(texts.WL_FROM), self.start, QLabel(texts.WL_TO), self.end,
                         self.by, self.everyone, self.show_button, stretch_first=False)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.total)
        layout.addWidget(self.view, 1)

    def reload(self) -> None:
        start, end, by = date_of(self.start), date_of(self.end), self.by.currentData()
        everyone = self.everyone.isChecked()
        self.ctx.query(self, lambda store: workload(
            store, start, end, by, None if everyone else store.user.username), self.set_rows)

    def set_rows(self, rows: list[WorkloadRow]) -> None:
        fill(self.view, self.model, rows)
        self.total.setText(texts.WL_TOTAL.format(
            individual=round(sum(r.individual_minutes for r in rows) / 60, 1),
            group=round(sum(r.group_minutes for r in rows) / 60, 1),
            students=len(set().union(*(r.students for r in rows)))))

    def clear(self) -> None:
        self.model.clear()
        self.total.clear()
