"""预警: the current level and what the rules suggest now, side by side; the crisis
checklist (危机处置清单) while a 危机 decision has items open, or was decided; the history
of decisions, the follow-ups the level schedules, and the signals reported about the
student by the 四级预警 network (班主任, 心理委员, 家长, the student), with the status of
the 反映 a teacher filed and its decision (处理反映…).

Deciding 危机 here reloads the file, and the checklist appears at the top of this tab:
the four same-day items, each done from here (转介决定 by opening the referral
checklist, or by writing why not).
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.labels import (
    FOLLOWUP_KINDS,
    SIGNAL_DECISIONS,
    SIGNAL_PENDING,
    SIGNAL_SEVERITIES,
    SIGNAL_SOURCES,
    label,
)
from app.services.casefile.rows import FollowUpRow
from app.services.warning.crisis import ChecklistItem, checklist
from app.ui.casefile import texts
from app.ui.casefile.file_tab import FileTab
from app.ui.casefile.loading import FileView
from app.ui.casefile.referral_dialogs import ChecklistDialog
from app.ui.casefile.warning_dialogs import (
    CrisisItemDialog,
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
from app.ui.signals.dialogs import open_decision
from app.ui.store_context import StoreContext
from app.ui.table_models import Column
from app.ui.workers import Op

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
CRISIS_COLUMNS = (
    Column(texts.COL_CRISIS_ITEM, lambda i: i.label),
    Column(texts.COL_DUE, lambda i: day(i.row.due_on)),
    Column(texts.COL_STATE, lambda i: texts.CRISIS_DONE_TEXT if i.done
           else texts.CRISIS_TODO_TEXT),
    Column(texts.COL_DONE_ON, lambda i: (f"{i.row.done_at:%Y-%m-%d %H:%M}" if i.row.done_at
                                         else day(i.row.done_on))),
    Column(texts.COL_DONE_BY, lambda i: i.row.done_by),
    Column(texts.COL_CRISIS_RECORD, lambda i: i.row.note),
)
SIGNAL_COLUMNS = (
    Column(texts.COL_DATE, lambda r: day(r.reported_on), sort_key=lambda r: r.reported_on),
    Column(texts.COL_SOURCE, lambda r: label(SIGNAL_SOURCES, r.source)),
    Column(texts.COL_REPORTER, lambda r: r.reporter),
    Column(texts.COL_SEVERITY, lambda r: label(SIGNAL_SEVERITIES, r.severity)),
    Column(texts.COL_DESCRIPTION, lambda r: r.description),
    Column(texts.COL_SIGNAL_STATE, lambda r: "" if r.report_id is None
           else label(SIGNAL_DECISIONS, r.decision) if r.decision else SIGNAL_PENDING),
)


class WarningTab(FileTab):
    def __init__(self, ctx: StoreContext) -> None:
        super().__init__(ctx)
        self.today = date.today()
        self.current = rich_label()
        self.suggested = rich_label()
        self.decide_button = QPushButton(texts.WARN_DECIDE)
        self.decide_button.clicked.connect(lambda: self.decide())
        self.suggest_box = group(texts.WARN_SUGGEST_BOX, self.suggested)
        boxes = QHBoxLayout()
        boxes.addWidget(group(texts.WARN_CURRENT_BOX, self.current), 1)
        boxes.addWidget(self.suggest_box, 1)
        self.crisis, self.crisis_model = table(CRISIS_COLUMNS, self,
                                               foreground=self._crisis_colour)
        self.crisis_state = rich_label()
        self.crisis_do = QPushButton(texts.CRISIS_DO)
        self.crisis_refer = QPushButton(texts.CRISIS_REFER)
        self.crisis_do.clicked.connect(lambda: self.complete_crisis_item())
        self.crisis_refer.clicked.connect(lambda: self.open_referral())
        self.crisis.selectionModel().selectionChanged.connect(self._crisis_selected)
        crisis = QWidget()
        crisis_layout = QVBoxLayout(crisis)
        crisis_layout.setContentsMargins(0, 0, 0, 0)
        crisis_row = button_row(self.crisis_do, self.crisis_refer)
        crisis_row.insertWidget(0, self.crisis_state, 1)
        crisis_layout.addLayout(crisis_row)
        self.crisis.setMaximumHeight(170)  # four items: the lists below keep their room
        crisis_layout.addWidget(self.crisis)
        self.crisis_box = group(texts.CRISIS_BOX, crisis)
        self.crisis_box.setVisible(False)
        self.history, self.history_model = table(
            HISTORY_COLUMNS, self, foreground=self._level_colour)
        self.followups, self.followup_model = table(
            FOLLOWUP_COLUMNS, self, background=self._overdue)
        self.signals, self.signal_model = table(SIGNAL_COLUMNS, self)
        self.followup_button = QPushButton(texts.FOLLOWUP_DONE)
        self.signal_button = QPushButton(texts.SIGNAL_ADD)
        self.signal_decide = QPushButton(texts.SIGNAL_DECIDE)
        self.signal_decide.clicked.connect(lambda: self.decide_signal())
        self.signals.selectionModel().selectionChanged.connect(self._signal_selected)
        self.followup_button.clicked.connect(lambda: self.complete_followup())
        self.signal_button.clicked.connect(lambda: self.add_signal())
        self.followups.selectionModel().selectionChanged.connect(self._followup_selected)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.history, texts.WARN_HISTORY)
        self.tabs.addTab(_with_buttons(self.followups, self.followup_button), texts.WARN_FOLLOWUPS)
        self.tabs.addTab(_with_buttons(self.signals, self.signal_decide, self.signal_button),
                         texts.WARN_SIGNALS)
        layout = QVBoxLayout(self)
        layout.addLayout(boxes)
        layout.addWidget(self.crisis_box)
        layout.addLayout(button_row(self.decide_button))
        layout.addWidget(self.tabs, 1)

    @staticmethod
    def _level_colour(row: Any, column: int) -> QColor | None:
        code = row.level if column == 1 else row.suggested_level if column == 2 else None
        return QColor(LEVEL_COLORS[code]) if code in LEVEL_COLORS else None

    @staticmethod
    def _crisis_colour(item: ChecklistItem, column: int) -> QColor | None:
        return QColor(LEVEL_COLORS["crisis"]) if column == 2 and not item.done else None

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
        self._show_crisis(checklist(f.followups))
        for button in (self.decide_button, self.followup_button, self.signal_button,
                       self.crisis_do, self.signal_decide):
            button.setVisible(view.can_edit)
        self._crisis_selected()
        self._followup_selected()
        self._signal_selected()

    def _show_crisis(self, items: tuple[ChecklistItem, ...]) -> None:
        self.crisis_box.setVisible(bool(items))
        fill(self.crisis, self.crisis_model, list(items))
        todo = [i for i in items if not i.done]
        self.crisis_state.setText(
            texts.CRISIS_OPEN.format(n=len(todo), due=day(min(i.row.due_on for i in todo)))
            if todo else texts.CRISIS_ALL_DONE)
        first = next((n for n, i in enumerate(items) if not i.done), None)
        if first is not None:
            self.crisis.selectRow(first)
        self._crisis_selected()

    def _crisis_selected(self, *_args: object) -> None:
        item: ChecklistItem | None = selected(self.crisis, self.crisis_model)
        open_item = item is not None and not item.done
        self.crisis_do.setEnabled(open_item)
        self.crisis_do.setText(texts.CRISIS_NOT_REFER if open_item and item is not None
                               and item.kind == "crisis_referral" else texts.CRISIS_DO)
        self.crisis_refer.setVisible(bool(self.view_ and self.view_.can_edit) and open_item
                                     and item is not None and item.kind == "crisis_referral")

    def complete_crisis_item(self, kind: str | None = None) -> CrisisItemDialog | None:
        """Record the selected checklist item (or the open one of `kind`)."""
        items = self.crisis_model.rows
        item = (next((i for i in items if i.kind == kind), None) if kind
                else selected(self.crisis, self.crisis_model))
        if item is None or item.done:
            return None
        return self.open_dialog(
            lambda v: CrisisItemDialog(self.ctx, v.file.profile.id, item.row, v.today, self))

    def open_referral(self) -> ChecklistDialog | None:
        """转介决定 by opening a referral: the referral checklist, as on the 转介 tab."""
        return self.open_dialog(lambda v: ChecklistDialog(self.ctx, v.file, v.today, self))

    def _followup_selected(self, *_args: object) -> None:
        row = selected(self.followups, self.followup_model)
        self.followup_button.setEnabled(row is not None and row.done_on is None)

    def decide(self) -> LevelDialog | None:
        return self.open_dialog(
            lambda v: LevelDialog(self.ctx, v.file.profile.id, v.file.level_code, v.suggestion,
                                  v.today, self))

    def complete_followup(self, followup: FollowUpRow | None = None) -> FollowupDialog | None:
        row = followup or selected(self.followups, self.followup_model)
        if row is None or row.done_on is not None:
            return None
        return self.open_dialog(
            lambda v: FollowupDialog(self.ctx, v.file.profile.id, row, v.today, self))

    def _signal_selected(self, *_args: object) -> None:
        row = selected(self.signals, self.signal_model)
        self.signal_decide.setEnabled(row is not None and row.report_id is not None)

    def decide_signal(self) -> Op | None:
        """The 反映 a signal came from: read it and record the decision."""
        row = selected(self.signals, self.signal_model)
        if self.view_ is None or row is None or row.report_id is None:
            return None
        return open_decision(self.ctx, self, row.report_id, self.view_.today)

    def add_signal(self) -> SignalDialog | None:
        return self.open_dialog(
            lambda v: SignalDialog(self.ctx, v.file.profile.id, v.today, self))


def _with_buttons(view: QWidget, *buttons: QPushButton) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 4, 0, 0)
    layout.addLayout(button_row(*buttons))
    layout.addWidget(view, 1)
    return page
