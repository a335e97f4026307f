"""The two 反映 forms: filing one, and deciding one.

Both are FormDialogs (app/ui/casefile/widgets.py): OK runs one service call on a worker,
a refusal (a 反映 with no text, a student outside the teacher's classes) stays in the
form in Chinese, and success broadcasts the student's file as changed (Changes) so
the lists and the open file reload. The filing form checks its fields before anything
is sent (check_filing).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from html import escape
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from app.labels import SIGNAL_DECISIONS, SIGNAL_SEVERITIES, SIGNAL_SOURCES, label
from app.services.signals.reports import (
    ReportRow,
    check_filing,
    decide_report,
    file_report,
    read_report,
)
from app.store.handle import Store
from app.ui.casefile.widgets import FormDialog, code_combo, date_edit, date_of, day, text_edit
from app.ui.signals import texts
from app.ui.store_context import StoreContext
from app.ui.workers import Op

#: The source a role's own report comes from, preselected.
OWN_SOURCE = {"class_teacher": "class_teacher", "grade_leader": "grade_leader"}


class ReportDialog(FormDialog):
    """Filing a 反映 for one of `students` ((id, "学籍号 姓名 班级"))."""

    def __init__(self, ctx: StoreContext, students: Sequence[tuple[int, str]],
                 student_id: int | None, today: date, parent: QWidget | None) -> None:
        super().__init__(ctx, student_id or 0, texts.FILE_TITLE, parent,
                         ok_text=texts.SUBMIT, width=560)
        self.set_intro(texts.FILE_INTRO)
        self.today = today
        self.student = QComboBox()
        for sid, words in students:
            self.student.addItem(words, sid)
        if student_id is not None:
            self.student.setCurrentIndex(max(0, self.student.findData(student_id)))
        role = ctx.store.user.role if ctx.store is not None else ""
        self.source = code_combo(SIGNAL_SOURCES, OWN_SOURCE.get(role, "class_teacher"))
        self.severity = code_combo(SIGNAL_SEVERITIES, "ordinary")
        self.seen_on = date_edit(today, latest=today)
        self.reporter = QLineEdit()
        self.reporter.setPlaceholderText(texts.REPORTER_HINT)
        self.text = text_edit(texts.TEXT_HINT, rows=6)
        self.form.addRow(texts.F_STUDENT, self.student)
        self.form.addRow(texts.F_SOURCE, self.source)
        self.form.addRow(texts.F_SEVERITY, self.severity)
        self.form.addRow(texts.F_SEEN_ON, self.seen_on)
        self.form.addRow(texts.F_REPORTER, self.reporter)
        self.form.addRow(texts.F_TEXT, self.text)

    def build(self) -> Callable[[Store], Any]:
        filing = check_filing(self.source.currentData(), self.severity.currentData(),
                              date_of(self.seen_on), self.text.toPlainText(),
                              self.reporter.text(), self.today)
        self.student_id = int(self.student.currentData())
        sid = self.student_id
        return lambda store: file_report(store, sid, filing)


class DecideReportDialog(FormDialog):
    """Recording what the counselling room did with a report, its text in view."""

    def __init__(self, ctx: StoreContext, row: ReportRow, today: date,
                 parent: QWidget | None) -> None:
        super().__init__(ctx, row.student_id, texts.DECIDE_TITLE, parent,
                         width=560)
        self.row = row
        self.set_intro(texts.DECIDE_INTRO.format(
            student=escape(f"{row.student_no} {row.name}"), class_name=escape(row.class_name),
            source=label(SIGNAL_SOURCES, row.source),
            severity=label(SIGNAL_SEVERITIES, row.severity), seen_on=day(row.seen_on),
            filed_by=escape(row.filed_by), filed_at=f"{row.filed_at:%Y-%m-%d}",
            text=escape(row.text or "").replace("\n", "<br>")))
        self.intro.setWordWrap(True)
        self.decision = code_combo(SIGNAL_DECISIONS, row.decision or "noted")
        self.decided_on = date_edit(today, latest=today)
        self.form.addRow(texts.F_DECISION, self.decision)
        self.form.addRow(texts.F_DECIDED_ON, self.decided_on)

    def build(self) -> Callable[[Store], Any]:
        rid, code, on = self.row.id, self.decision.currentData(), date_of(self.decided_on)
        return lambda store: decide_report(store, rid, code, on)


def open_decision(ctx: StoreContext, parent: QWidget, report_id: int,
                  today: date | None = None) -> Op | None:
    """Read the report (audited) on a worker, then show the decision form."""
    def show(row: ReportRow) -> None:
        DecideReportDialog(ctx, row, today or date.today(), parent).open()

    return ctx.query(parent, lambda store: read_report(store, report_id), show)
