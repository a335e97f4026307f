"""The forms of the 预警 tab: deciding a level, recording a follow-up, a signal and an
item of the crisis checklist (危机处置清单).

`LevelDialog` shows what the rules suggest and why, preselects that level, and sends
the very suggestion the teacher saw with the decision, so the record keeps both what
the rules said and what the teacher concluded. The reason is required; the refusal
("请填写确定预警等级的理由。") is the service's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from html import escape
from typing import Any

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QComboBox, QDateTimeEdit, QLineEdit, QWidget

from app.instruments.warning import WARNING_LABELS
from app.labels import (
    FOLLOWUP_KINDS,
    SIGNAL_DECISIONS,
    SIGNAL_SEVERITIES,
    SIGNAL_SOURCES,
    label,
)
from app.services.casefile.entries import add_signal
from app.services.casefile.followup import complete_followup, policy_for
from app.services.casefile.rows import FollowUpRow
from app.services.warning.crisis import complete_item
from app.services.warning.decisions import decide_level
from app.services.warning.rules import Suggestion
from app.store.handle import Store
from app.ui.casefile import texts
from app.ui.casefile.widgets import (
    FormDialog,
    code_combo,
    date_edit,
    date_of,
    day,
    level_html,
    rich_label,
    text_edit,
)
from app.ui.store_context import StoreContext


def suggestion_html(suggestion: Suggestion | None, with_level: bool = True) -> str:
    """The suggested level (unless the caller shows it) and the rules' reasons."""
    if suggestion is None:
        return ""
    if not suggestion.reasons:
        return texts.WARN_SUGGEST_NONE
    items = "".join(f"<li>{escape(r)}</li>" for r in suggestion.reasons)
    level = (texts.WARN_SUGGEST_TEXT.format(level=level_html(suggestion.level)) + "<br>"
             if with_level else "")
    return level + f"{texts.LEVEL_REASONS}<ul style='margin-top:0'>{items}</ul>"


class LevelDialog(FormDialog):
    def __init__(self, ctx: StoreContext, student_id: int, current: str,
                 suggestion: Suggestion | None, today: date, parent: QWidget | None) -> None:
        super().__init__(ctx, student_id, texts.LEVEL_TITLE, parent, width=560)
        self.suggestion = suggestion
        self.summary = rich_label(
            texts.LEVEL_CURRENT.format(level=level_html(current)) + "<br>"
            + texts.LEVEL_SUGGESTED.format(level=level_html(suggestion.level if suggestion
                                                            else "none"))
            + "<br>" + suggestion_html(suggestion, with_level=False))
        self.layout().insertWidget(0, self.summary)
        self.level = code_combo(WARNING_LABELS, suggestion.level if suggestion else current)
        self.reason = text_edit(texts.LEVEL_REASON_HINT, rows=4)
        self.decided_on = date_edit(today, latest=today)
        self.form.addRow(texts.F_LEVEL, self.level)
        self.form.addRow(texts.F_LEVEL_REASON, self.reason)
        self.form.addRow(texts.F_DECIDED_ON, self.decided_on)

    def build(self) -> Callable[[Store], Any]:
        sid, level, reason = self.student_id, self.level.currentData(), self.reason.toPlainText()
        suggestion, on = self.suggestion, date_of(self.decided_on)
        policy = policy_for(self.ctx.deployment)
        return lambda store: decide_level(store, sid, level, reason, suggested=suggestion,
                                          decided_on=on, policy=policy)


class FollowupDialog(FormDialog):
    def __init__(self, ctx: StoreContext, student_id: int, followup: FollowUpRow, today: date,
                 parent: QWidget | None) -> None:
        super().__init__(ctx, student_id, texts.FOLLOWUP_TITLE, parent)
        self.followup = followup
        self.set_intro(f"{label(FOLLOWUP_KINDS, followup.kind)}，应于 {day(followup.due_on)}"
                       " 前完成")
        self.done_on = date_edit(today, latest=today)
        self.done_by = QLineEdit()
        self.note = text_edit(rows=4)
        self.form.addRow(texts.F_DONE_ON, self.done_on)
        self.form.addRow(texts.F_DONE_BY, self.done_by)
        self.form.addRow(texts.F_NOTE, self.note)

    def build(self) -> Callable[[Store], Any]:
        fid, on = self.followup.id, date_of(self.done_on)
        note, by = self.note.toPlainText(), self.done_by.text()
        policy = policy_for(self.ctx.deployment)
        return lambda store: complete_followup(store, fid, on, note, by, policy=policy)


class SignalDialog(FormDialog):
    """A signal from the 四级预警 network: 班主任, 心理委员, 家长, the student."""

    def __init__(self, ctx: StoreContext, student_id: int, today: date,
                 parent: QWidget | None) -> None:
        super().__init__(ctx, student_id, texts.SIGNAL_TITLE, parent)
        self.source = code_combo(SIGNAL_SOURCES)
        self.reporter = QLineEdit()
        self.reported_on = date_edit(today, latest=today)
        self.description = text_edit(rows=4)
        self.severity = code_combo(SIGNAL_SEVERITIES, "ordinary")
        self.form.addRow(texts.F_SIGNAL_SOURCE, self.source)
        self.form.addRow(texts.F_REPORTER, self.reporter)
        self.form.addRow(texts.F_REPORTED_ON, self.reported_on)
        self.form.addRow(texts.F_DESCRIPTION, self.description)
        self.form.addRow(texts.F_SEVERITY, self.severity)
        # Writing down what was said is not yet deciding: like a 反映 the network files,
        # it waits in 今日工作 unless the teacher has already decided what to do.
        self.decision = QComboBox()
        self.decision.addItem(texts.SIGNAL_DECIDE_LATER, None)
        for code, wording in SIGNAL_DECISIONS.items():
            self.decision.addItem(wording, code)
        self.form.addRow(texts.F_SIGNAL_DECISION, self.decision)

    def build(self) -> Callable[[Store], Any]:
        sid, source, on = self.student_id, self.source.currentData(), date_of(self.reported_on)
        text, severity = self.description.toPlainText(), self.severity.currentData()
        reporter, decision = self.reporter.text().strip(), self.decision.currentData()
        return lambda store: add_signal(store, sid, source, on, text, severity, reporter,
                                        decision)


class CrisisItemDialog(FormDialog):
    """One item of the crisis checklist: what it must record (warning/crisis.py). 通知监护人
    asks for the hour; 面谈评估 saves its text as an assessment record."""

    def __init__(self, ctx: StoreContext, student_id: int, item: FollowUpRow, today: date,
                 parent: QWidget | None) -> None:
        super().__init__(ctx, student_id, label(FOLLOWUP_KINDS, item.kind),
                         parent, width=560)
        self.item = item
        self.set_intro(texts.CRISIS_HINT[item.kind])
        self.notified_at: QDateTimeEdit | None = None
        self.done_on = date_edit(today, latest=today)
        if item.kind == "crisis_guardian":
            self.notified_at = QDateTimeEdit(QDateTime.currentDateTime())
            self.notified_at.setDisplayFormat("yyyy-MM-dd HH:mm")
            self.notified_at.setCalendarPopup(True)
            self.notified_at.setMaximumDateTime(QDateTime.currentDateTime())
            self.form.addRow(texts.F_NOTIFIED_AT, self.notified_at)
        else:
            self.form.addRow(texts.F_DONE_ON, self.done_on)
        self.note = text_edit(rows=5)
        self.form.addRow(texts.F_CRISIS_NOTE[item.kind], self.note)

    def build(self) -> Callable[[Store], Any]:
        fid, note, on = self.item.id, self.note.toPlainText(), date_of(self.done_on)
        at: datetime | None = None
        if self.notified_at is not None:
            value = self.notified_at.dateTime().toPython()
            assert isinstance(value, datetime)
            at = value.replace(second=0, microsecond=0)
        return lambda store: complete_item(store, fid, note, done_on=on, notified_at=at)
