"""预警: the current level and what the rules suggest now, side by side; the history of
decisions, the follow-ups the level schedules, and the signals reported about the
student by the 四级预警 network (班主任, 心理委员, 家长, the student).
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.labels import FOLLOWUP_KINDS, SIGNAL_SEVERITIES, SIGNAL_SOURCES, label
from app.services.casefile_rows import FollowUpRow
from app.ui.casefile import texts
from app.ui.casefile.loading import FileView
from app.ui.casefile.warning_dialogs import (
    FollowupDialog,
    LevelDialog,
    SignalDialog,
    suggestion_html,
)
from app.ui.casefile.widgets import (
    LEVEL_COLORS,
    OVERDUE_BACKGROUND,
    button_row,
    day,
    fill,
    group,
    level_html,
    level_label,
    rich_label,
    selected,
    table,
)
from app.ui.store_context import StoreContext
from app.ui.table_models import Column

HISTORY_COLUMNS = (
    Column(texts.COL_DECIDED_ON, lambda r: day(r.decided_on), sort_key=lambda r: r.decided_on),
    Column(texts.COL_LEVEL, lambda r: level_label(r.level)),
    Column(texts.COL_SUGGESTED, lambda r: level_label(r.suggested_level)),
    Column(texts.COL_REASON, lambda r: r.reason),
    Column(texts.COL_DECIDED_BY, lambda r: r.decided_by),
)
FOLLOWUP_COLUMNS = (
    Column(texts.COL_KIND, lambda r: label(FOLLOWUP_KINDS, r.kind)),
    Column(texts.COL_DUE, lambda r: day(r.due_on), sort_key=lambda r: r.due_on),
    Column(texts.COL_DONE_ON, lambda r: day(r.done_on),
           sort_key=lambda r: r.done_on or date.max),
    Column(texts.COL_DONE_BY, lambda r: r.done_by),
    Column(texts.COL_NOTE, lambda r: r.note),
)
SIGNAL_COLUMNS = (
    Column(texts.COL_DATE, lambda r: day(r.reported_on), sort_key=lambda r: r.reported_on),
    Column(texts.COL_SOURCE, lambda r: label(SIGNAL_SOURCES, r.source)),
    Column(texts.COL_REPORTER, lambda r: r.reporter),
    Column(texts.COL_SEVERITY, lambda r: label(SIGNAL_SEVERITIES, r.severity)),
    Column(texts.COL_DESCRIPTION, lambda r: r.description),
)


class WarningTab(QWidget):
    def __init__(self, ctx: StoreContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.view_: FileView | None = None
        self.today = date.today()
        self.current = rich_label()
        self.suggested = rich_label()
        self.decide_button = QPushButton(texts.WARN_DECIDE)
        self.decide_button.clicked.connect(lambda: self.decide())
        self.suggest_box = group(texts.WARN_SUGGEST_BOX, self.suggested)
        boxes = QHBoxLayout()
        boxes.addWidget(group(texts.WARN_CURRENT_BOX, self.current), 1)
        boxes.addWidget(self.suggest_box, 1)
        self.history, self.history_model = table(
            HISTORY_COLUMNS, self, foreground=self._level_colour)
        self.followups, self.followup_model = table(
            FOLLOWUP_COLUMNS, self, background=self._overdue)
        self.signals, self.signal_model = table(SIGNAL_COLUMNS, self)
        self.followup_button = QPushButton(texts.FOLLOWUP_DONE)
        self.signal_button = QPushButton(texts.SIGNAL_ADD)
        self.followup_button.clicked.connect(lambda: self.complete_followup())
        self.signal_button.clicked.connect(lambda: self.add_signal())
        self.followups.selectionModel().selectionChanged.connect(self._followup_selected)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.history, texts.WARN_HISTORY)
        self.tabs.addTab(_with_buttons(self.followups, self.followup_button), texts.WARN_FOLLOWUPS)
        self.tabs.addTab(_with_buttons(self.signals, self.signal_button), texts.WARN_SIGNALS)
        layout = QVBoxLayout(self)
        layout.addLayout(boxes)
        layout.addLayout(button_row(self.decide_button))
        layout.addWidget(self.tabs, 1)

    @staticmethod
    def _level_colour(row: Any, column: int) -> QColor | None:
        code = row.level if column == 1 else row.suggested_level if column == 2 else None
        return QColor(LEVEL_COLORS[code]) if code in LEVEL_COLORS else None

    def _overdue(self, row: FollowUpRow) -> Any:
        return OVERDUE_BACKGROUND if row.done_on is None and row.due_on < self.today else None

    def show_view(self, view: FileView) -> None:
        self.view_ = view
        self.today = view.today
        f = view.file
        if f.level is None:
            self.current.setText(texts.OV_LEVEL_NONE)
        else:
            self.current.setText(texts.WARN_CURRENT_TEXT.format(
                level=level_html(f.level_code), since=day(f.level_since),
                decided_on=day(f.level.decided_on), by=escape(f.level.decided_by),
                reason=escape(f.level.reason) or "—"))
        self.suggested.setText(suggestion_html(view.suggestion))
        self.suggest_box.setVisible(view.suggestion is not None)
        fill(self.history, self.history_model, list(reversed(f.warning_history)))
        fill(self.followups, self.followup_model,
             sorted(f.followups, key=lambda r: (r.done_on is not None, r.due_on)))
        fill(self.signals, self.signal_model, list(reversed(f.signals)))
        for button in (self.decide_button, self.followup_button, self.signal_button):
            button.setVisible(view.can_edit)
        self._followup_selected()

    def _followup_selected(self, *_args: object) -> None:
        row = selected(self.followups, self.followup_model)
        self.followup_button.setEnabled(row is not None and row.done_on is None)

    def decide(self) -> LevelDialog | None:
        if self.view_ is None:
            return None
        f = self.view_.file
        dialog = LevelDialog(self.ctx, f.profile.id, f.level_code, self.view_.suggestion,
                             self.view_.today, self)
        dialog.open()
        return dialog

    def complete_followup(self, followup: FollowUpRow | None = None) -> FollowupDialog | None:
        row = followup or selected(self.followups, self.followup_model)
        if self.view_ is None or row is None or row.done_on is not None:
            return None
        dialog = FollowupDialog(self.ctx, self.view_.file.profile.id, row, self.view_.today,
                                self)
        dialog.open()
        return dialog

    def add_signal(self) -> SignalDialog | None:
        if self.view_ is None:
            return None
        dialog = SignalDialog(self.ctx, self.view_.file.profile.id, self.view_.today, self)
        dialog.open()
        return dialog


def _with_buttons(view: QWidget, *buttons: QPushButton) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 4, 0, 0)
    layout.addLayout(button_row(*buttons))
    layout.addWidget(view, 1)
    return page
