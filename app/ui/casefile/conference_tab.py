"""会诊: the case conferences on a student, each with its tasks, and the form that
records one (casefile/conference.py).

Attendees are ticked from the school's accounts or typed (a parent, a doctor); tasks
are rows of 内容 / 负责人 / 完成期限 and appear in 今日工作 until marked done here. The
tab exists only in the full file: a class teacher's summary has no conferences.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.errors import BadInputError
from app.services.casefile.conference import (
    TaskInput,
    add_conference,
    attendee_choices,
    complete_task,
)
from app.services.casefile.rows import ConferenceRow, TaskRow
from app.store.handle import Store
from app.ui.casefile import texts
from app.ui.casefile.file_tab import FileTab
from app.ui.casefile.loading import FileView
from app.ui.casefile.widgets import (
    FormDialog,
    OnDayDialog,
    button_row,
    date_edit,
    date_of,
    day,
    fill,
    selected,
    table,
    text_edit,
)
from app.ui.store_context import StoreContext
from app.ui.table_models import Column

CONFERENCE_COLUMNS = (
    Column(texts.COL_DATE, lambda c: day(c.held_on), sort_key=lambda c: c.held_on),
    Column(texts.CONF_COL_ATTENDEES, lambda c: "、".join(c.attendees)),
    Column(texts.CONF_COL_ASSESSMENT, lambda c: c.assessment.splitlines()[0]),
    Column(texts.CONF_COL_TASKS, lambda c: texts.CONF_TASKS_OPEN.format(
        n=len(c.tasks), open=sum(t.done_on is None for t in c.tasks))),
)
TASK_COLUMNS = (
    Column(texts.CONF_COL_TASK, lambda t: t.what),
    Column(texts.CONF_COL_OWNER, lambda t: t.owner),
    Column(texts.COL_DUE, lambda t: day(t.due_on), sort_key=lambda t: t.due_on),
    Column(texts.COL_DONE_ON, lambda t: day(t.done_on), sort_key=lambda t: t.done_on
           or date.max),
)
TASK_ROWS = 4


def _parse_due(text: str, n: int) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInputError(f"第 {n} 项任务：完成期限应写成 YYYY-MM-DD，如 2026-12-05。"
                            ) from None


class ConferenceDialog(FormDialog):
    def __init__(self, ctx: StoreContext, student_id: int, today: date,
                 parent: QWidget | None) -> None:
        super().__init__(ctx, student_id, texts.CONF_TITLE, parent, width=680)
        self.held_on = date_edit(today, latest=today)
        self.accounts = QListWidget()
        self.accounts.setMaximumHeight(110)
        self.others = QLineEdit()
        self.others.setPlaceholderText(texts.CONF_OTHERS_HINT)
        self.assessment = text_edit(texts.CONF_ASSESSMENT_HINT, rows=3)
        self.decisions = text_edit(rows=3)
        self.tasks = QTableWidget(TASK_ROWS, 3)
        self.tasks.setHorizontalHeaderLabels([texts.CONF_COL_TASK, texts.CONF_COL_OWNER,
                                              texts.CONF_COL_DUE_HINT])
        self.tasks.horizontalHeader().setStretchLastSection(True)
        self.tasks.setColumnWidth(0, 260)
        self.more = QPushButton(texts.CONF_MORE_TASKS)
        self.more.clicked.connect(lambda: self.tasks.insertRow(self.tasks.rowCount()))
        self.form.addRow(texts.CONF_F_DATE, self.held_on)
        self.form.addRow(texts.CONF_F_ATTENDEES, self.accounts)
        self.form.addRow("", self.others)
        self.form.addRow(texts.CONF_F_ASSESSMENT, self.assessment)
        self.form.addRow(texts.CONF_F_DECISIONS, self.decisions)
        self.form.addRow(texts.CONF_F_TASKS, self.tasks)
        self.form.addRow("", self.more)
        ctx.query(self, attendee_choices, self.set_accounts)

    def set_accounts(self, names: list[str]) -> None:
        self.accounts.clear()
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.accounts.addItem(item)

    def attendees(self) -> list[str]:
        ticked = [self.accounts.item(i).text() for i in range(self.accounts.count())
                  if self.accounts.item(i).checkState() == Qt.CheckState.Checked]
        typed = self.others.text().replace("，", "、").replace(",", "、").split("、")
        return ticked + [t.strip() for t in typed if t.strip()]

    def task_inputs(self) -> list[TaskInput]:
        out = []
        for r in range(self.tasks.rowCount()):
            cells = [(self.tasks.item(r, c).text() if self.tasks.item(r, c) else "")
                     for c in range(3)]
            if any(c.strip() for c in cells):
                out.append(TaskInput(cells[0], cells[1], _parse_due(cells[2], len(out) + 1)))
        return out

    def set_task(self, row: int, what: str, owner: str, due: str) -> None:
        for col, text in enumerate((what, owner, due)):
            self.tasks.setItem(row, col, QTableWidgetItem(text))

    def build(self) -> Callable[[Store], Any]:
        sid, on = self.student_id, date_of(self.held_on)
        attendees, tasks = self.attendees(), self.task_inputs()
        assessment, decisions = self.assessment.toPlainText(), self.decisions.toPlainText()
        return lambda store: add_conference(store, sid, on, attendees, assessment, decisions,
                                            tasks)


class TaskDoneDialog(OnDayDialog):
    def __init__(self, ctx: StoreContext, student_id: int, task: TaskRow, today: date,
                 parent: QWidget | None) -> None:
        super().__init__(ctx, student_id, texts.CONF_DONE_TITLE,
                         texts.CONF_DONE_INTRO.format(what=task.what, owner=task.owner,
                                                      due=day(task.due_on)),
                         texts.F_DONE_ON, task.id, today, complete_task, parent)
        self.task = task


class ConferenceTab(FileTab):
    def __init__(self, ctx: StoreContext) -> None:
        super().__init__(ctx)
        self.conferences, self.conference_model = table(CONFERENCE_COLUMNS, self)
        self.tasks, self.task_model = table(TASK_COLUMNS, self)
        self.detail = QTextBrowser()
        self.add_button = QPushButton(texts.CONF_ADD)
        self.done_button = QPushButton(texts.CONF_DONE)
        self.add_button.clicked.connect(lambda: self.add())
        self.done_button.clicked.connect(lambda: self.complete())
        self.conferences.selectionModel().selectionChanged.connect(self._selected)
        self.tasks.selectionModel().selectionChanged.connect(self._task_selected)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.conferences)
        split.addWidget(self.detail)
        split.addWidget(self.tasks)
        layout = QVBoxLayout(self)
        layout.addLayout(button_row(self.add_button, self.done_button))
        layout.addWidget(split, 1)
        self._selected()

    def show_view(self, view: FileView) -> None:
        self.view_ = view
        keep = selected(self.conferences, self.conference_model)
        rows = list(reversed(view.file.conferences))
        fill(self.conferences, self.conference_model, rows)
        for n, row in enumerate(rows):
            if keep is None or row.id == keep.id:
                self.conferences.selectRow(n)
                break
        self.add_button.setVisible(view.can_edit)
        self.done_button.setVisible(view.can_edit)
        self._selected()

    def _selected(self, *_args: object) -> None:
        row: ConferenceRow | None = selected(self.conferences, self.conference_model)
        fill(self.tasks, self.task_model, list(row.tasks) if row else [])
        if row is None:
            self.detail.clear()
        else:
            self.detail.setHtml(
                f"<p><b>{escape(day(row.held_on))}</b>　{escape('、'.join(row.attendees))}"
                f"　<span style='color:#777'>{escape(row.created_by)}</span></p>"
                f"<p><b>{texts.CONF_F_ASSESSMENT}</b>"
                f"{escape(row.assessment).replace(chr(10), '<br>')}</p>"
                f"<p><b>{texts.CONF_F_DECISIONS}</b>"
                f"{escape(row.decisions).replace(chr(10), '<br>')}</p>")
        self._task_selected()

    def _task_selected(self, *_args: object) -> None:
        task: TaskRow | None = selected(self.tasks, self.task_model)
        self.done_button.setEnabled(task is not None and task.done_on is None)

    def add(self) -> ConferenceDialog | None:
        return self.open_dialog(
            lambda v: ConferenceDialog(self.ctx, v.file.profile.id, v.today, self))

    def complete(self) -> TaskDoneDialog | None:
        task: TaskRow | None = selected(self.tasks, self.task_model)
        if task is None or task.done_on is not None:
            return None
        return self.open_dialog(
            lambda v: TaskDoneDialog(self.ctx, v.file.profile.id, task, v.today, self))
