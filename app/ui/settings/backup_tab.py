"""设置 → 备份与恢复: when and where the last backup went, a new backup to a folder the
teacher picks (a USB stick), the database check, and — for the admin — a restore.

Backups and the check run on a worker with a progress dialog (a backup can be
cancelled: the half-written files are removed). A fault arrives as the services'
Chinese message (disk full, write-protected, stick pulled out, bad blocks). A restore
only starts here: the dialog checks the backup and the secret, then the request goes
up to the Shell, which locks the window, restores and shows the login.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.changes import Changes
from app.errors import QingxinError
from app.services.maintenance.backup import (
    BackupResult,
    BackupStatus,
    backup_status,
    check_database,
    make_backup,
)
from app.ui import messages
from app.ui.file_dialogs import BACKUPS, ask_folder, ask_open_path
from app.ui.form_widgets import error_label, hint_label
from app.ui.opening import opened
from app.ui.settings import texts
from app.ui.settings.restore_dialog import RestoreDialog
from app.ui.store_context import StoreContext
from app.ui.table_models import local_time_text
from app.ui.workers import Op

DUE_STYLE = "color: #8a6100; font-weight: bold;"
OK_STYLE = "color: #1e6b3a;"
MB = 1024 * 1024


def _selectable(label: QLabel) -> QLabel:
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


class BackupTab(QWidget):
    restore_requested = Signal(object)  # RestoreRequest, for Shell.restore

    def __init__(self, ctx: StoreContext, can_restore: bool) -> None:
        super().__init__()
        self.ctx = ctx
        self.status: BackupStatus | None = None
        self.summary = _selectable(QLabel())
        self.summary.setStyleSheet(DUE_STYLE)
        self.summary.hide()  # shown when a backup is due
        self.when = _selectable(QLabel(texts.UNKNOWN))
        self.where = _selectable(QLabel(texts.UNKNOWN))
        self.size = _selectable(QLabel(texts.UNKNOWN))
        box = QGroupBox(texts.LAST_BACKUP)
        form = QFormLayout(box)
        form.addRow(self.summary)
        form.addRow(texts.F_WHEN, self.when)
        form.addRow(texts.F_WHERE, self.where)
        form.addRow(texts.F_SIZE, self.size)
        self.backup_button = QPushButton(texts.BACKUP_TO)
        self.backup_button.clicked.connect(self.pick_folder)
        self.check_button = QPushButton(texts.CHECK_DB)
        self.check_button.clicked.connect(self.check)
        self.restore_button = QPushButton(texts.RESTORE)
        self.restore_button.clicked.connect(self.pick_backup)
        self.restore_button.setVisible(can_restore)
        buttons = QHBoxLayout()
        for button in (self.backup_button, self.check_button, self.restore_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.result = _selectable(QLabel())
        self.result.setStyleSheet(OK_STYLE)
        self.error = error_label()
        self.hint = hint_label(texts.BACKUP_HINT.format(
            days=ctx.deployment.backup_reminder_days))
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addLayout(buttons)
        layout.addWidget(self.result)
        layout.addWidget(self.error)
        layout.addWidget(self.hint)
        if not can_restore:
            layout.addWidget(hint_label(texts.RESTORE_ADMIN_ONLY))
        layout.addStretch(1)

    # Page protocol -------------------------------------------------------------------
    def reload(self) -> None:
        every = self.ctx.deployment.backup_reminder_days
        self.ctx.query(self, lambda store: backup_status(store, every), self._show_status,
                       label=None)

    def clear(self) -> None:
        self.status = None
        for label in (self.when, self.where, self.size):
            label.setText(texts.UNKNOWN)
        self.summary.clear()
        self.summary.hide()
        self.result.clear()
        self.error.clear()

    def on_changed(self, change: Changes) -> None:
        if change.backups:
            self.reload()

    # what the status says ------------------------------------------------------------
    def _show_status(self, status: BackupStatus) -> None:
        self.status = status
        self.summary.setText(status.message)
        self.summary.setVisible(status.due)  # otherwise the rows below say it all
        if status.last is None:
            for label in (self.when, self.where, self.size):
                label.setText(texts.UNKNOWN)
            return
        when = local_time_text(status.last)
        self.when.setText(
            texts.WHEN_RESTORED.format(when=when, days=status.days, name=status.name)
            if status.restored else texts.WHEN.format(when=when, days=status.days))
        where = str(Path(status.folder) / status.name) if status.folder else ""
        self.where.setText(where or texts.UNKNOWN)
        self.size.setText(texts.SIZE_MB.format(mb=status.size / MB)
                          if status.size is not None else texts.UNKNOWN)

    # backup --------------------------------------------------------------------------
    def pick_folder(self) -> Op | None:
        """The dialog opens where the last backup went while that stick is in, else on
        a USB stick plugged in now, else in Documents (file_dialogs.BACKUPS)."""
        folder = ask_folder(self, BACKUPS, texts.PICK_FOLDER)
        return self.backup_to(folder) if folder is not None else None

    def backup_to(self, folder: Path) -> Op | None:
        self.result.clear()
        self.error.clear()
        self._set_busy(True)
        op = self.ctx.mutate(self, lambda store, progress: make_backup(store, folder, progress),
                             self._backed_up,
                             label=texts.BACKING_UP.format(folder=folder),
                             cancellable=True, on_failure=self._backup_failed)
        if op is None:
            self._set_busy(False)
        else:
            op.finished.connect(lambda: self._set_busy(False))
        return op

    def _set_busy(self, busy: bool) -> None:
        for button in (self.backup_button, self.check_button, self.restore_button):
            button.setEnabled(not busy)

    def _backed_up(self, result: BackupResult) -> None:
        text = texts.BACKED_UP.format(path=result.path, mb=result.size / MB,
                                      keys=result.keys_path.name)
        self.result.setText(text)
        messages.notify(self, text, title=texts.BACKUP_DONE_TITLE)

    def _backup_failed(self, exc: QingxinError) -> None:
        self.error.setText(texts.BACKUP_FAILED.format(message=exc.message))
        messages.show_error(self, exc)

    # check ---------------------------------------------------------------------------
    def check(self) -> Op | None:
        self.result.clear()
        self.error.clear()
        return self.ctx.query(self, check_database, self._checked, label=texts.CHECKING,
                              on_failure=self._check_failed)

    def _checked(self, verdict: str) -> None:
        self.result.setText(verdict)
        messages.notify(self, verdict, title=texts.CHECK_TITLE)

    def _check_failed(self, exc: QingxinError) -> None:
        self.error.setText(exc.message)
        messages.show_error(self, exc)

    # restore -------------------------------------------------------------------------
    def pick_backup(self) -> RestoreDialog | None:
        backup = ask_open_path(self, BACKUPS, texts.PICK_BACKUP, texts.BACKUP_FILTER)
        return self.ask_restore(backup) if backup is not None else None

    def ask_restore(self, backup: Path) -> RestoreDialog | None:
        try:
            store = self.ctx.require_store()
        except QingxinError as exc:
            messages.show_error(self, exc)
            return None
        dialog = RestoreDialog(store.path, backup, store.user.username, self)
        dialog.confirmed.connect(self.restore_requested)
        return opened(dialog)

