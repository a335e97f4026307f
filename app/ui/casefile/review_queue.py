"""筛查后复核: after a campaign, the students whose suggested level differs from their
current one, with the evidence of each sheet in the row — total and band, the scales
above their cut-off, critical answers, validity, the last level — decided one by one or
several at once.

Filters (grade, class, instrument, suggested level) narrow the list; 本学年全部批次
puts every campaign of the year in one list. Accept decides each student's suggested
level (the service writes the reasons as the decision's reason); 改定等级 decides
another level for the selected students and needs a reason; 先约谈 schedules a 约谈
follow-up and keeps the student in the queue, marked. Before several students are
decided at once a confirmation says how many will get which level. Each student is one
transaction: if one fails (decided meanwhile elsewhere), those before it stand and the
list reloads to show what is left.

The second tab is the campaign's 重测/面谈 list: 疑似无效 sheets, which are not warning
suggestions (their critical answers are on 今日工作 as same-day assessments).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.changes import ChangesWith, together
from app.errors import QingxinError
from app.instruments.warning import WARNING_LABELS, WarningLevel
from app.services.casefile.followup import policy_for
from app.services.lists.tables import review_table
from app.services.progress import Progress
from app.services.roster.file import grade_display_name
from app.services.screening.campaigns import CampaignRow
from app.services.screening.review import (
    RetestItem,
    ReviewFilter,
    ReviewItem,
    campaign_review_queue,
    confirmation_text,
    resolve_review,
    retest_list,
)
from app.store.handle import Store
from app.ui import messages, strings
from app.ui.casefile import texts
from app.ui.casefile.warning_dialogs import suggestion_html
from app.ui.casefile.widgets import (
    LEVEL_COLORS,
    FormDialog,
    StyledRowModel,
    code_combo,
    day,
    fill,
    level_label,
    rich_label,
    table,
    text_edit,
)
from app.ui.export_dialog import ExportChoice, export_list
from app.ui.form_widgets import data_table, fit_columns, hint_label
from app.ui.opening import opened
from app.ui.reports.saving import day_text
from app.ui.row_open import RowOpener
from app.ui.store_context import StoreContext
from app.ui.table_models import Column

if TYPE_CHECKING:
    from app.services.lists.workbook import ListExported

SEVERITY = {w.value: w.severity for w in WarningLevel}
YEAR = -1  # the campaign combo's "本学年全部批次"


def score_band(item: ReviewItem | RetestItem) -> str:
    total = item.evidence.total if item.evidence else None
    if total is None:
        return ""
    return total.text.removeprefix(total.name).strip()


def elevated(item: ReviewItem) -> str:
    ev = item.evidence
    return "；".join(e.text for e in ev.elevated if e.code != "total") if ev else ""


def critical(item: ReviewItem | RetestItem) -> str:
    ev = item.evidence
    return "；".join(c.text for c in ev.critical) if ev else ""


def validity(item: ReviewItem) -> str:
    ev = item.evidence
    return "；".join(ev.validity) if ev and ev.validity else texts.VALID_TEXT


def last_level(item: ReviewItem) -> str:
    if item.level_decided_on is None:
        return level_label(item.current_level)
    return f"{level_label(item.current_level)}（{day(item.level_decided_on)}）"


REVIEW_COLUMNS = (
    Column(texts.COL_STUDENT_NO, lambda i: i.student_no),
    Column(texts.COL_NAME, lambda i: i.name),
    Column(texts.COL_CLASS, lambda i: i.class_name,
           sort_key=lambda i: (i.grade, i.class_name, i.student_no)),
    Column(texts.COL_INSTRUMENT, lambda i: i.instrument),
    Column(texts.COL_SCORE_BAND, score_band,
           sort_key=lambda i: -(i.evidence.total.score or 0) if i.evidence
           and i.evidence.total else 0),
    Column(texts.COL_ELEVATED, elevated),
    Column(texts.COL_CRITICAL_ANSWERS, critical),
    Column(texts.COL_VALIDITY, validity),
    Column(texts.COL_LAST_LEVEL, last_level,
           sort_key=lambda i: -SEVERITY.get(i.current_level, 0)),
    Column(texts.COL_SUGGESTED, lambda i: level_label(i.suggested.level),
           sort_key=lambda i: -SEVERITY.get(i.suggested.level, 0)),
    Column(texts.COL_INTERVIEW, lambda i: day(i.interview_due)),
    Column(texts.COL_BASIS, lambda i: "；".join(i.suggested.reasons)),
)
CURRENT_COLUMN, SUGGESTED_COLUMN, CRITICAL_COLUMN = 8, 9, 6
RETEST_COLUMNS = (
    Column(texts.COL_STUDENT_NO, lambda i: i.student_no),
    Column(texts.COL_NAME, lambda i: i.name),
    Column(texts.COL_CLASS, lambda i: i.class_name),
    Column(texts.COL_INSTRUMENT, lambda i: i.instrument),
    Column(texts.COL_VALIDITY_REASON,
           lambda i: "；".join(i.evidence.validity) if i.evidence and i.evidence.validity
           else i.validity_note),
    Column(texts.COL_CRITICAL_ANSWERS, critical),
    Column(texts.COL_SCORE_BAND, score_band),
)


def _foreground(item: ReviewItem, column: int) -> QColor | None:
    if column == CRITICAL_COLUMN and item.evidence and item.evidence.critical:
        return QColor(LEVEL_COLORS["crisis"])
    code = {CURRENT_COLUMN: item.current_level, SUGGESTED_COLUMN: item.suggested.level
            }.get(column)
    return QColor(LEVEL_COLORS[code]) if code in LEVEL_COLORS else None


class ChangeLevelDialog(FormDialog):
    """Decide a level other than the suggested one for the selected students; the
    reason is required, and the intro says how many will get which level."""

    def __init__(self, ctx: StoreContext, items: Sequence[ReviewItem],
                 parent: QWidget | None) -> None:
        first = items[0]
        super().__init__(ctx, first.student_id, texts.REVIEW_CHANGE_TITLE, parent,
                         width=560)
        self.items = list(items)
        if len(items) == 1:
            self.layout().insertWidget(0, rich_label(
                f"{escape(first.name)}（{escape(first.class_name)}）<br>"
                + suggestion_html(first.suggested)))
        others = {c: t for c, t in WARNING_LABELS.items()
                  if len(items) > 1 or c != first.suggested.level}
        self.level = code_combo(others, first.current_level)
        self.level.currentIndexChanged.connect(self._count)
        self.reason = text_edit(texts.LEVEL_REASON_HINT, rows=4)
        self.form.addRow(texts.F_LEVEL, self.level)
        self.form.addRow(texts.F_LEVEL_REASON, self.reason)
        self._count()

    def _count(self) -> None:
        if len(self.items) > 1:
            self.set_intro(confirmation_text(self.items, "change", self.level.currentData()))

    def build(self) -> Callable[[Store], Any]:
        items, level, reason = self.items, self.level.currentData(), self.reason.toPlainText()
        policy = policy_for(self.ctx.deployment)
        return lambda store: together(resolve_review(store, i, "change", level, reason,
                                                     policy=policy) for i in items)


class ReviewFilterProxy(QSortFilterProxyModel):
    """The service's ReviewFilter over the queue's rows; sorting is the source's."""

    def __init__(self, source: StyledRowModel) -> None:
        super().__init__()
        self._rows = source
        self.setSourceModel(source)
        self.filter = ReviewFilter()

    def set_filter(self, f: ReviewFilter) -> None:
        self.beginFilterChange()
        self.filter = f
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        return self.filter.accepts(self._rows.row_at(source_row))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._rows.sort(column, order)


class ReviewQueueView(QWidget):
    open_requested = Signal(int, str)

    def __init__(self, ctx: StoreContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._wanted: tuple[int | None, str | None] | None = None
        self.confirm: Callable[[str], bool] = self._ask
        self.campaign = QComboBox()
        self.campaign.setMinimumContentsLength(24)
        self.campaign.currentIndexChanged.connect(lambda: self.reload())
        self.count = QLabel()
        self.detail = rich_label()
        self.model = StyledRowModel(REVIEW_COLUMNS, None, _foreground)
        self.proxy = ReviewFilterProxy(self.model)
        for owned in (self.model, self.proxy):
            owned.setParent(self)
        self.table = data_table()
        self.table.setModel(self.proxy)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.opener = RowOpener(
            self.table, lambda row: self.open_requested.emit(row.student_id, "warning"))
        self.grade, self.school_class = QComboBox(), QComboBox()
        self.instrument, self.suggestion = QComboBox(), QComboBox()
        self.suggestion.addItem(texts.REVIEW_ALL_SUGGESTIONS, None)
        for code, text in WARNING_LABELS.items():
            self.suggestion.addItem(text, code)
        for combo in (self.grade, self.school_class, self.instrument, self.suggestion):
            combo.currentIndexChanged.connect(self._apply)
        self.accept_button = QPushButton(texts.REVIEW_ACCEPT)
        self.change_button = QPushButton(texts.REVIEW_CHANGE)
        self.interview_button = QPushButton(texts.REVIEW_INTERVIEW)
        self.open_button = QPushButton(texts.OPEN_FILE)
        self.export_button = QPushButton(strings.EXPORT_MENU)
        self.export_button.clicked.connect(self.export_shown)
        self.accept_button.clicked.connect(lambda: self.resolve_selected("accept"))
        self.interview_button.clicked.connect(lambda: self.resolve_selected("interview"))
        self.change_button.clicked.connect(lambda: self.change_selected())
        self.open_button.clicked.connect(self._open_selected)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.retest, self.retest_model = table(RETEST_COLUMNS, self)
        self.retest_opener = RowOpener(
            self.retest, lambda row: self.open_requested.emit(row.student_id, "screening"))
        self.retest_note = hint_label(texts.REVIEW_RETEST_HINT)

        top = QHBoxLayout()
        top.addWidget(QLabel(texts.REVIEW_CAMPAIGN))
        top.addWidget(self.campaign, 1)
        top.addWidget(self.count)
        top.addStretch(1)
        filters = QHBoxLayout()
        for combo in (self.grade, self.school_class, self.instrument, self.suggestion):
            filters.addWidget(combo)
        filters.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        for button in (self.accept_button, self.change_button, self.interview_button,
                       self.open_button):
            buttons.addWidget(button)
        queue = QWidget()
        queue_layout = QVBoxLayout(queue)
        queue_layout.addLayout(filters)
        queue_layout.addWidget(self.table, 1)
        queue_layout.addWidget(self.detail)
        queue_layout.addLayout(buttons)
        retest = QWidget()
        retest_layout = QVBoxLayout(retest)
        retest_layout.addWidget(self.retest_note)
        retest_layout.addWidget(self.retest, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(queue, texts.REVIEW_TAB_QUEUE)
        self.tabs.addTab(retest, texts.REVIEW_TAB_RETEST)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self._fill_filters([])
        self._selection_changed()

    # campaigns and loading ----------------------------------------------------------

    def set_campaigns(self, campaigns: Sequence[CampaignRow],
                      pending: dict[int, int] | None = None) -> None:
        """Newest first, after 本学年全部批次; `pending` (this school year's queues, from
        today's work) labels the campaigns and picks the first with students waiting
        when nothing is chosen."""
        pending = pending or {}
        keep = self.campaign.currentData()
        ordered = sorted(campaigns, key=lambda c: (c.school_year, c.starts_on or date.min,
                                                   c.id), reverse=True)
        self.campaign.blockSignals(True)
        self.campaign.clear()
        if campaigns:
            self.campaign.addItem(texts.REVIEW_ALL_CAMPAIGNS, YEAR)
        for c in ordered:
            name = (texts.REVIEW_CAMPAIGN_PENDING.format(name=c.name, n=pending[c.id])
                    if pending.get(c.id) else c.name)
            self.campaign.addItem(name, c.id)
        if not campaigns:
            self.campaign.addItem(texts.REVIEW_NO_CAMPAIGNS, None)
        if keep is None:
            keep = next((c.id for c in ordered if pending.get(c.id)),
                        ordered[0].id if ordered else None)
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
            self.retest_model.clear()
            self.count.setText("")
            return
        wanted = None if cid == YEAR else cid

        def load(store: Store) -> tuple[int, list[ReviewItem], list[RetestItem]]:
            items = campaign_review_queue(store, wanted)
            return cid, items, ([] if wanted is None else retest_list(store, wanted))

        self.ctx.query(self, load, self._loaded)

    def export_shown(self) -> None:
        """The queue as filtered on screen, with each student's evidence, as a workbook."""
        cid = self.campaign.currentData()
        if cid is None:
            return
        wanted = None if cid == YEAR else cid
        ids = [self._row(self.proxy.index(r, 0)).student_id
               for r in range(self.proxy.rowCount())]

        def save(store: Store, _progress: Progress, choice: ExportChoice) -> ListExported:
            from app.services.lists.workbook import export_list_xlsx

            table = review_table(store, wanted).only(ids)
            return export_list_xlsx(store, table, choice.path, password=choice.password,
                                    target_kind="campaign" if wanted else "",
                                    target_id=wanted or "")

        export_list(self.ctx, self, texts.PAGE_REVIEW, f"复核名单-{day_text()}.xlsx", save,
                    lambda exported: exported.rows)

    def _loaded(self, loaded: tuple[int, list[ReviewItem], list[RetestItem]]) -> None:
        cid, items, retest = loaded
        if cid != self.campaign.currentData():
            return  # the teacher picked another campaign meanwhile
        self.model.set_rows(items)
        self._fill_filters(items)
        fit_columns(self.table)
        fill(self.retest, self.retest_model, retest)
        self.retest_note.setText(texts.REVIEW_RETEST_HINT if retest
                                 else texts.REVIEW_RETEST_EMPTY)
        self.tabs.setTabText(1, f"{texts.REVIEW_TAB_RETEST}（{len(retest)}）" if retest
                             else texts.REVIEW_TAB_RETEST)
        self._selection_changed()

    def show_filtered(self, grade: int | None, class_name: str | None) -> None:
        """The whole year's queue for a grade or class (a figure on 首页): the filters
        are applied once the queue has loaded."""
        self._wanted = (grade, class_name)
        index = self.campaign.findData(YEAR)
        if index >= 0 and index != self.campaign.currentIndex():
            self.campaign.setCurrentIndex(index)  # reloads, then fills the filters
        else:
            self.reload()

    def _fill_filters(self, items: Sequence[ReviewItem]) -> None:
        keep = [c.currentData() for c in (self.grade, self.school_class, self.instrument)]
        if self._wanted is not None:
            keep = [*self._wanted, None]
            self._wanted = None
        choices = (
            (self.grade, texts.REVIEW_ALL_GRADES,
             sorted({(i.grade, grade_display_name(i.grade)) for i in items})),
            (self.school_class, texts.REVIEW_ALL_CLASSES,
             [(name, name) for _g, name in sorted({(i.grade, i.class_name) for i in items})]),
            (self.instrument, texts.REVIEW_ALL_INSTRUMENTS,
             sorted({(i.instrument_code, i.instrument) for i in items})))
        for (combo, everything, values), kept in zip(choices, keep, strict=True):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for value, text in values:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(0, combo.findData(kept)))
            combo.blockSignals(False)
        self._apply()

    def _apply(self) -> None:
        self.proxy.set_filter(ReviewFilter(self.grade.currentData(),
                                           self.school_class.currentData(),
                                           self.instrument.currentData(),
                                           self.suggestion.currentData()))
        total = self.model.rowCount()
        self.count.setText(texts.REVIEW_SHOWN.format(shown=self.proxy.rowCount(), total=total)
                           if total else texts.REVIEW_EMPTY)

    def clear(self) -> None:
        self.model.clear()
        self.retest_model.clear()
        self.campaign.blockSignals(True)
        self.campaign.clear()
        self.campaign.blockSignals(False)
        self.count.clear()
        self.detail.clear()

    # selection and decisions ---------------------------------------------------------

    def _row(self, index: QModelIndex) -> ReviewItem:
        return self.model.row_at(self.proxy.mapToSource(index).row())

    def selected_items(self) -> list[ReviewItem]:
        rows = sorted(self.proxy.mapToSource(i).row()
                      for i in self.table.selectionModel().selectedRows())
        return [self.model.row_at(r) for r in rows]

    def _selection_changed(self, *_args: object) -> None:
        items = self.selected_items()
        n = len(items)
        if n == 1:
            item = items[0]
            evidence = escape(item.evidence.summary()) if item.evidence else ""
            self.detail.setText(f"<b>{escape(item.name)}（{escape(item.class_name)}）</b>　"
                                f"{escape(item.instrument)}<br>{evidence}<br>"
                                f"{suggestion_html(item.suggested)}")
        else:
            self.detail.setText("")
        for button in (self.accept_button, self.interview_button, self.change_button):
            button.setEnabled(n > 0)
        self.open_button.setEnabled(n == 1)

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self, texts.REVIEW_CONFIRM_TITLE, text)
        return answer == QMessageBox.StandardButton.Yes

    def resolve_selected(self, action: str) -> None:
        """Accept or interview; several students at once only after the confirmation
        names how many get which level."""
        items = self.selected_items()
        if not items or (len(items) > 1
                         and not self.confirm(confirmation_text(items, action))):
            return
        policy = policy_for(self.ctx.deployment)

        def run(store: Store, _progress: object) -> ChangesWith[list[object]]:
            return together(resolve_review(store, item, action, policy=policy)
                            for item in items)

        self.ctx.mutate(self, run, lambda _done: self.reload(), label=texts.SAVING,
                        on_failure=self._failed)

    def _failed(self, exc: QingxinError) -> None:
        messages.show_error(self, exc)
        self.reload()

    def change_selected(self) -> ChangeLevelDialog | None:
        items = self.selected_items()
        if not items:
            return None
        dialog = ChangeLevelDialog(self.ctx, items, self)
        dialog.accepted.connect(self.reload)
        return opened(dialog)

    def _open_selected(self) -> None:
        items = self.selected_items()
        if items:
            self.open_requested.emit(items[0].student_id, "warning")
