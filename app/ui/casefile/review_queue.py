"""筛查后复核: after a campaign, the students whose suggested level differs from their
current one, decided one by one (or several at once when accepting).

Accept decides the suggested level (the service writes the reasons as the decision's
reason); 改定等级 decides another level and needs a reason; 先约谈 schedules a 约谈
follow-up and keeps the student in the queue, marked, until a level is decided. Each
student is one transaction: if one fails (decided meanwhile elsewhere), those before
it stand and the list reloads to show what is left.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import QingxinError
from app.instruments.warning import WARNING_LABELS, WarningLevel
from app.services.campaigns import CampaignRow
from app.services.screening_review import ReviewItem, campaign_review_queue, resolve_review
from app.store.handle import Store
from app.ui import messages
from app.ui.casefile import texts
from app.ui.casefile.changes import ReviewDone
from app.ui.casefile.warning_dialogs import suggestion_html
from app.ui.casefile.widgets import (
    LEVEL_COLORS,
    FormDialog,
    code_combo,
    day,
    fill,
    level_label,
    rich_label,
    table,
    text_edit,
)
from app.ui.store_context import StoreContext
from app.ui.table_models import Column

SEVERITY = {w.value: w.severity for w in WarningLevel}

REVIEW_COLUMNS = (
    Column(texts.COL_STUDENT_NO, lambda i: i.student_no),
    Column(texts.COL_NAME, lambda i: i.name),
    Column(texts.COL_CLASS, lambda i: i.class_name),
    Column(texts.COL_CURRENT, lambda i: level_label(i.current_level),
           sort_key=lambda i: -SEVERITY.get(i.current_level, 0)),
    Column(texts.COL_SUGGESTED, lambda i: level_label(i.suggested.level),
           sort_key=lambda i: -SEVERITY.get(i.suggested.level, 0)),
    Column(texts.COL_INTERVIEW, lambda i: day(i.interview_due)),
    Column(texts.COL_BASIS, lambda i: "；".join(i.suggested.reasons)),
)


def _foreground(item: ReviewItem, column: int) -> QColor | None:
    code = {3: item.current_level, 4: item.suggested.level}.get(column)
    return QColor(LEVEL_COLORS[code]) if code in LEVEL_COLORS else None


class ChangeLevelDialog(FormDialog):
    """Decide a level other than the suggested one; the reason is required."""

    def __init__(self, ctx: StoreContext, item: ReviewItem, parent: QWidget | None) -> None:
        super().__init__(ctx, item.student_id, "level", texts.REVIEW_CHANGE_TITLE, parent,
                         width=540)
        self.item = item
        self.layout().insertWidget(0, rich_label(
            f"{item.name}（{item.class_name}）<br>" + suggestion_html(item.suggested)))
        others = {c: t for c, t in WARNING_LABELS.items() if c != item.suggested.level}
        self.level = code_combo(others, item.current_level)
        self.reason = text_edit(texts.LEVEL_REASON_HINT, rows=4)
        self.form.addRow(texts.F_LEVEL, self.level)
        self.form.addRow(texts.F_LEVEL_REASON, self.reason)

    def build(self) -> Callable[[Store], Any]:
        item, level, reason = self.item, self.level.currentData(), self.reason.toPlainText()
        return lambda store: resolve_review(store, item, "change", level, reason)


class ReviewQueueView(QWidget):
    open_requested = Signal(int, str)

    def __init__(self, ctx: StoreContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.campaign = QComboBox()
        self.campaign.setMinimumContentsLength(24)
        self.campaign.currentIndexChanged.connect(lambda: self.reload())
        self.count = QLabel()
        self.detail = rich_label()
        self.table, self.model = table(REVIEW_COLUMNS, self, foreground=_foreground)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.activated.connect(
            lambda index: self.open_requested.emit(self.model.row_at(index.row()).student_id,
                                                   "warning"))
        self.accept_button = QPushButton(texts.REVIEW_ACCEPT)
        self.change_button = QPushButton(texts.REVIEW_CHANGE)
        self.interview_button = QPushButton(texts.REVIEW_INTERVIEW)
        self.open_button = QPushButton(texts.OPEN_FILE)
        self.accept_button.clicked.connect(lambda: self.resolve_selected("accept"))
        self.interview_button.clicked.connect(lambda: self.resolve_selected("interview"))
        self.change_button.clicked.connect(lambda: self.change_selected())
        self.open_button.clicked.connect(self._open_selected)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        top = QHBoxLayout()
        top.addWidget(QLabel(texts.REVIEW_CAMPAIGN))
        top.addWidget(self.campaign, 1)
        top.addWidget(self.count)
        top.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.accept_button, self.change_button, self.interview_button,
                       self.open_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)
        self._selection_changed()

    def set_campaigns(self, campaigns: Sequence[CampaignRow],
                      pending: dict[int, int] | None = None) -> None:
        """Newest first; `pending` (this school year's queues, from today's work) labels
        the campaigns and picks the first with students waiting when nothing is chosen."""
        pending = pending or {}
        keep = self.campaign.currentData()
        ordered = sorted(campaigns, key=lambda c: (c.school_year, c.starts_on or date.min,
                                                   c.id), reverse=True)
        self.campaign.blockSignals(True)
        self.campaign.clear()
        for c in ordered:
            name = (texts.REVIEW_CAMPAIGN_PENDING.format(name=c.name, n=pending[c.id])
                    if pending.get(c.id) else c.name)
            self.campaign.addItem(name, c.id)
        if not campaigns:
            self.campaign.addItem(texts.REVIEW_NO_CAMPAIGNS, None)
        if keep is None:
            keep = next((c.id for c in ordered if pending.get(c.id)), None)
        self.campaign.setCurrentIndex(max(0, self.campaign.findData(keep)))
        self.campaign.blockSignals(False)
        self.reload()

    def show_campaign(self, campaign_id: int) -> None:
        index = self.campaign.findData(campaign_id)
        if index >= 0:
            self.campaign.setCurrentIndex(index)

    def reload(self) -> None:
        cid = self.campaign.currentData()
        if cid is None:
            self.model.clear()
            self.count.setText("")
            return
        self.ctx.query(self, lambda store: campaign_review_queue(store, cid), self._loaded)

    def _loaded(self, items: list[ReviewItem]) -> None:
        if items and items[0].campaign_id != self.campaign.currentData():
            return  # the teacher picked another campaign meanwhile
        fill(self.table, self.model, items)
        self.count.setText(texts.REVIEW_COUNT.format(n=len(items)) if items
                           else texts.REVIEW_EMPTY)
        self._selection_changed()

    def clear(self) -> None:
        self.model.clear()
        self.campaign.blockSignals(True)
        self.campaign.clear()
        self.campaign.blockSignals(False)
        self.count.clear()
        self.detail.clear()

    def selected_items(self) -> list[ReviewItem]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.model.row_at(r) for r in rows]

    def _selection_changed(self, *_args: object) -> None:
        items = self.selected_items()
        n = len(items)
        self.detail.setText(f"<b>{escape(items[0].name)}（{escape(items[0].class_name)}）</b>"
                            f"<br>{suggestion_html(items[0].suggested)}" if n == 1 else "")
        for button in (self.accept_button, self.interview_button):
            button.setEnabled(n > 0)
        for button in (self.change_button, self.open_button):
            button.setEnabled(n == 1)

    def resolve_selected(self, action: str) -> None:
        items = self.selected_items()
        if not items:
            return
        cid = items[0].campaign_id

        def run(store: Store, _progress: object) -> ReviewDone:
            done = []
            for item in items:
                resolve_review(store, item, action)
                done.append(item.student_id)
            return ReviewDone(cid, tuple(done), action)

        self.ctx.mutate(self, run, self._resolved, label=texts.SAVING,
                        on_failure=self._failed)

    def _resolved(self, done: ReviewDone) -> None:
        self.reload()

    def _failed(self, exc: QingxinError) -> None:
        messages.show_error(self, exc)
        self.reload()

    def change_selected(self) -> ChangeLevelDialog | None:
        items = self.selected_items()
        if len(items) != 1:
            return None
        dialog = ChangeLevelDialog(self.ctx, items[0], self)
        dialog.accepted.connect(self.reload)
        dialog.open()
        return dialog

    def _open_selected(self) -> None:
        items = self.selected_items()
        if items:
            self.open_requested.emit(items[0].student_id, "warning")
