"""The yellow bar above the pages when a backup is due: how long since the last one,
and 「立即备份」, which opens 设置 → 备份与恢复.

A bar, not a modal popup: it must not stand between a counsellor and a student in
crisis, and it stays in sight until a backup is made. It checks after each login and
again whenever a backup or a roster import is announced on StoreContext.changed, so it
disappears as soon as the backup is written and appears once there are students.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from app.changes import Changes
from app.services.maintenance.backup import BackupStatus, backup_status
from app.ui.settings import texts
from app.ui.store_context import StoreContext

BAR_STYLE = """
QFrame#backupReminder { background: #fff4c2; border-bottom: 1px solid #e0c560; }
QFrame#backupReminder QLabel { color: #5c4400; }
"""


class BackupReminderBar(QFrame):
    backup_requested = Signal()

    def __init__(self, ctx: StoreContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("backupReminder")
        self.setStyleSheet(BAR_STYLE)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.button = QPushButton(texts.REMIND_NOW)
        self.button.clicked.connect(self.backup_requested)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 8, 16, 8)
        row.addWidget(self.text, 1)
        row.addWidget(self.button)
        self.status: BackupStatus | None = None
        self.hide()
        ctx.changed.connect(self._on_changed)

    def check(self) -> None:
        """Ask on a worker whether a backup is due; show or hide the bar by the answer."""
        every = self.ctx.deployment.backup_reminder_days
        self.ctx.query(self, lambda store: backup_status(store, every), self._show_status,
                       label=None, on_failure=lambda _exc: self.clear())

    def clear(self) -> None:
        self.status = None
        self.text.clear()
        self.hide()

    def _show_status(self, status: BackupStatus) -> None:
        if self.ctx.store is None:  # locked while the answer was on its way
            return
        self.status = status
        self.text.setText(status.message)
        self.setVisible(status.due)

    def _on_changed(self, change: Changes) -> None:
        """Again after a backup (the bar goes) or a roster change (the first students
        make the first backup due)."""
        if (change.backups or change.students) and self.status is not None:
            self.check()
