"""The audit log (admin only): newest first, loaded a page at a time as the view scrolls,
and a button that recomputes the hash chain and says where it breaks, if anywhere.

Every event reads in words (audit_view resolves 学生 学籍号 姓名, 测评批次 名称 …); the
stored codes stay in one hidden column for anyone who copies rows out for a machine.
Filters narrow the log by user, action, date and student, all in the query.

Ten years of logins and listings can be a hundred thousand events, so the model
implements Qt's canFetchMore/fetchMore: each page is one background query. Sorting by
header is off, because it could only sort the pages loaded so far.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.changes import Changes
from app.labels import AUDIT_ACTIONS
from app.services.audit import ChainReport, verify_chain
from app.services.audit_view import AuditFilter, AuditLine, audit_users, count_lines, list_lines
from app.ui import messages, strings
from app.ui.casefile.widgets import date_edit, date_of
from app.ui.form_widgets import data_table, fit_columns
from app.ui.store_context import StoreContext
from app.ui.table_models import Column, RowTableModel, local_time_text

PAGE_SIZE = 200

AUDIT_COLUMNS = (
    Column(strings.COL_TIME, lambda e: local_time_text(e.at)),
    Column(strings.COL_USER, lambda e: e.user),
    Column(strings.COL_ACTION, lambda e: e.action_text),
    Column(strings.COL_TARGET, lambda e: e.target_text),
    Column(strings.COL_DETAIL, lambda e: e.detail),
    Column(strings.COL_CODES, lambda e: f"{e.action} {e.target_kind}:{e.target_id}"),
)
CODES_COLUMN = len(AUDIT_COLUMNS) - 1


class AuditModel(RowTableModel):
    def __init__(self, ctx: StoreContext, owner: QWidget) -> None:
        super().__init__(AUDIT_COLUMNS)
        self.setParent(owner)
        self.ctx = ctx
        self._owner = owner
        self.total = 0
        self._loading = False
        self.filter = AuditFilter()

    def load_first_page(self) -> None:
        self._loading = True
        f = self.filter
        op = self.ctx.query(self._owner,
                            lambda s: (count_lines(s, f), list_lines(s, f, PAGE_SIZE)),
                            self._first_page)
        if op is None:
            self._loading = False
        else:
            op.finished.connect(self._fetch_ended)

    def _first_page(self, result: tuple[int, list[AuditLine]]) -> None:
        self.total, rows = result
        self.set_rows(rows)

    def clear(self) -> None:
        self.total = 0
        super().clear()

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        return not parent.isValid() and not self._loading and len(self.rows) < self.total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        if not self.canFetchMore(parent):
            return
        self._loading = True
        offset = len(self.rows)
        f = self.filter
        op = self.ctx.query(self._owner, lambda s: list_lines(s, f, PAGE_SIZE, offset),
                            self._append)
        if op is None:
            self._loading = False
        else:
            op.finished.connect(self._fetch_ended)

    def _fetch_ended(self) -> None:
        self._loading = False

    def _append(self, page: list[AuditLine]) -> None:
        """Events logged since the first page shift the offsets; skip rows already shown."""
        oldest = self.rows[-1].id if self.rows else None
        fresh = [e for e in page if oldest is None or e.id < oldest]
        if not fresh:
            self.total = len(self.rows)
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        self.rows.extend(fresh)
        self.endInsertRows()


class AuditPage(QWidget):
    def __init__(self, ctx: StoreContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.model = AuditModel(ctx, self)
        self.view = data_table()
        self.view.setSortingEnabled(False)
        self.view.setModel(self.model)
        self.view.setColumnHidden(CODES_COLUMN, True)
        self.model.modelReset.connect(self._show_total)
        self.user_combo = QComboBox()
        self.user_combo.addItem(strings.AUDIT_ANY_USER, "")
        self.action_combo = QComboBox()
        self.action_combo.addItem(strings.AUDIT_ANY_ACTION, "")
        for code, wording in AUDIT_ACTIONS.items():
            self.action_combo.addItem(wording, code)
        self.by_date = QCheckBox(strings.AUDIT_BY_DATE)
        self.since = date_edit(date.today() - timedelta(days=30))
        self.until = date_edit(date.today())
        self.student = QLineEdit()
        self.student.setPlaceholderText(strings.AUDIT_STUDENT_HINT)
        self.student.returnPressed.connect(self.apply_filter)
        self.filter_button = QPushButton(strings.AUDIT_FILTER)
        self.filter_button.clicked.connect(self.apply_filter)
        filters = QHBoxLayout()
        for widget in (self.user_combo, self.action_combo, self.by_date, self.since,
                       QLabel("至"), self.until, self.student, self.filter_button):
            filters.addWidget(widget)
        filters.addStretch(1)
        self.verify_button = QPushButton(strings.AUDIT_VERIFY)
        self.verify_button.clicked.connect(self.verify)
        self.refresh_button = QPushButton(strings.AUDIT_REFRESH)
        self.refresh_button.clicked.connect(self.reload)
        self.total_label = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.verify_button)
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        buttons.addWidget(self.total_label)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)

    def current_filter(self) -> AuditFilter:
        dated = self.by_date.isChecked()
        return AuditFilter(
            username=self.user_combo.currentData() or "",
            action=self.action_combo.currentData() or "",
            since=date_of(self.since) if dated else None,
            until=date_of(self.until) if dated else None,
            student=self.student.text().strip())

    def apply_filter(self) -> None:
        self.model.filter = self.current_filter()
        self.reload()

    def reload(self) -> None:
        self.model.load_first_page()
        self.ctx.query(self, audit_users, self._fill_users)

    def _fill_users(self, users: list[tuple[str, str]]) -> None:
        chosen = self.user_combo.currentData()
        self.user_combo.blockSignals(True)
        self.user_combo.clear()
        self.user_combo.addItem(strings.AUDIT_ANY_USER, "")
        for username, shown in users:
            self.user_combo.addItem(shown, username)
        self.user_combo.setCurrentIndex(max(0, self.user_combo.findData(chosen)))
        self.user_combo.blockSignals(False)

    def clear(self) -> None:
        self.model.clear()

    def on_changed(self, _change: Changes) -> None:
        """Every change writes an audit event; reload only if the page is on screen."""
        if self.isVisible():
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        """Reads (listing students, logins) are logged too, without a broadcast."""
        super().showEvent(event)
        self.reload()

    def _show_total(self) -> None:
        self.total_label.setText(strings.AUDIT_TOTAL.format(n=self.model.total)
                                 if self.model.total else "")
        fit_columns(self.view)

    def verify(self) -> None:
        self.ctx.query(self, verify_chain, self._verified, label=strings.AUDIT_VERIFYING)

    def _verified(self, report: ChainReport) -> None:
        if report.ok:
            messages.notify(self, report.message, title=strings.AUDIT_OK_TITLE)
        else:
            messages.warn(self, strings.AUDIT_BROKEN_TITLE, report.message)
