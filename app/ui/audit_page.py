"""The audit log (admin only): newest first, loaded a page at a time as the view scrolls,
and a button that recomputes the hash chain and says where it breaks, if anywhere.

Ten years of logins and listings can be a hundred thousand events, so the model
implements Qt's canFetchMore/fetchMore: each page is one background query. Sorting by
header is off, because it could only sort the pages loaded so far.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.labels import AUDIT_ACTIONS, AUDIT_TARGETS, label
from app.services.audit import AuditRow, ChainReport, count_events, list_events, verify_chain
from app.ui import messages, strings
from app.ui.form_widgets import data_table, fit_columns
from app.ui.store_context import StoreContext
from app.ui.table_models import Column, RowTableModel, local_time_text

PAGE_SIZE = 200

AUDIT_COLUMNS = (
    Column(strings.COL_TIME, lambda e: local_time_text(e.at)),
    Column(strings.COL_USER, lambda e: e.username),
    Column(strings.COL_ACTION, lambda e: label(AUDIT_ACTIONS, e.action)),
    Column(strings.COL_TARGET,
           lambda e: f"{label(AUDIT_TARGETS, e.target_kind)} {e.target_id}".strip()),
    Column(strings.COL_DETAIL, lambda e: e.detail),
)


class AuditModel(RowTableModel):
    def __init__(self, ctx: StoreContext, owner: QWidget) -> None:
        super().__init__(AUDIT_COLUMNS)
        self.setParent(owner)
        self.ctx = ctx
        self._owner = owner
        self.total = 0
        self._loading = False

    def load_first_page(self) -> None:
        self._loading = True
        op = self.ctx.query(self._owner, lambda s: (count_events(s), list_events(s, PAGE_SIZE)),
                            self._first_page)
        if op is None:
            self._loading = False
        else:
            op.finished.connect(self._fetch_ended)

    def _first_page(self, result: tuple[int, list[AuditRow]]) -> None:
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
        op = self.ctx.query(self._owner, lambda s: list_events(s, PAGE_SIZE, offset),
                            self._append)
        if op is None:
            self._loading = False
        else:
            op.finished.connect(self._fetch_ended)

    def _fetch_ended(self) -> None:
        self._loading = False

    def _append(self, page: list[AuditRow]) -> None:
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
        self.model.modelReset.connect(self._show_total)
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
        layout.addWidget(self.view, 1)

    def reload(self) -> None:
        self.model.load_first_page()

    def clear(self) -> None:
        self.model.clear()

    def on_changed(self, _change: object) -> None:
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
            messages.inform(self, strings.AUDIT_OK_TITLE, report.message)
        else:
            messages.warn(self, strings.AUDIT_BROKEN_TITLE, report.message)
