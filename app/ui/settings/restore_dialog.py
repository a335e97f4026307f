"""从备份恢复: say what a restore does, ask for what opens the backup, check it.

The dialog only asks and checks; the restore itself runs after the window has been
locked and the database closed (Shell.restore), because nothing may hold the database
open while its file is replaced. The check here — the backup's key slots open with what
was typed, and the backup belongs to this database unless the admin says otherwise
(restore.check_backup) — runs while the database is still open, so a mistyped
password costs nobody their session.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import QingxinError
from app.services.maintenance.restore import RestoreResult, Secret, check_backup
from app.ui import strings
from app.ui.form_widgets import error_label, hint_label, password_edit
from app.ui.settings import texts
from app.ui.workers import Op, run_op

WARNING_STYLE = "background: #fdecea; color: #5f1a14; padding: 8px; border-radius: 4px;"


@dataclass(frozen=True)
class RestoreRequest:
    """What Shell.restore needs once the dialog has checked it."""

    backup: Path
    secret: Secret
    allow_other_database: bool

    @property
    def with_recovery_code(self) -> bool:
        return bool(self.secret.recovery_code)


class RestoreDialog(QDialog):
    confirmed = Signal(object)  # RestoreRequest

    def __init__(self, db_path: Path, backup: Path, username: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.backup = backup
        self.setWindowTitle(texts.RESTORE_TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(560)
        warning = hint_label(texts.RESTORE_WARNING)
        warning.setStyleSheet(WARNING_STYLE)
        self.use_password = QRadioButton(texts.USE_PASSWORD)
        self.use_recovery = QRadioButton(texts.USE_RECOVERY)
        self.use_password.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.use_password)
        group.addButton(self.use_recovery)
        self.username = QLineEdit(username)
        self.password = password_edit()
        self.code = QLineEdit()
        self.code.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        self.form = QFormLayout()
        self.form.addRow(self.use_password)
        self.form.addRow(texts.F_USERNAME, self.username)
        self.form.addRow(texts.F_PASSWORD, self.password)
        self.form.addRow(self.use_recovery)
        self.form.addRow(texts.F_RECOVERY_CODE, self.code)
        self.other = QCheckBox(texts.OTHER_DATABASE)
        self.error = error_label()
        self.buttons = QDialogButtonBox()
        self.submit = self.buttons.addButton(texts.RESTORE_BUTTON,
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(strings.CANCEL, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.check)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(texts.RESTORE_INTRO.format(name=backup.name,
                                                               folder=backup.parent)))
        layout.addWidget(warning)
        layout.addLayout(self.form)
        layout.addWidget(self.other)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.use_password.toggled.connect(self._mode_changed)
        self._mode_changed()
        self.password.setFocus()
        self.op: Op | None = None

    def _mode_changed(self) -> None:
        by_password = self.use_password.isChecked()
        self.username.setEnabled(by_password)
        self.password.setEnabled(by_password)
        self.code.setEnabled(not by_password)

    def request(self) -> RestoreRequest | None:
        """What was typed, or None after saying inline what is missing."""
        if self.use_password.isChecked():
            if not self.username.text().strip():
                self.error.setText(texts.NEED_USERNAME)
                return None
            if not self.password.text():
                self.error.setText(texts.NEED_PASSWORD)
                return None
            secret = Secret(self.username.text().strip(), self.password.text())
        else:
            if not self.code.text().strip():
                self.error.setText(texts.NEED_CODE)
                return None
            secret = Secret(recovery_code=self.code.text())
        return RestoreRequest(self.backup, secret, self.other.isChecked())

    def check(self) -> Op | None:
        request = self.request()
        if request is None:
            return None
        self.error.clear()
        self._set_busy(True)
        db_path = self.db_path
        self.op = run_op(self, lambda _p: check_backup(db_path, request.backup,
                                                       request.secret,
                                                       request.allow_other_database),
                         lambda _none: self._checked(request), label=None,
                         cancellable=False, on_failure=self._failed)
        return self.op

    def _set_busy(self, busy: bool) -> None:
        self.submit.setEnabled(not busy)
        self.submit.setText(texts.CHECKING_BACKUP if busy else texts.RESTORE_BUTTON)

    def _checked(self, request: RestoreRequest) -> None:
        self.accept()
        self.confirmed.emit(request)

    def _failed(self, exc: QingxinError) -> None:
        self._set_busy(False)
        self.error.setText(exc.message)
        if self.use_password.isChecked():
            self.password.clear()
            self.password.setFocus()


def restored_summary(request: RestoreRequest, result: RestoreResult) -> str:
    """What the CLI prints after a restore, for the box over the login window."""
    lines = [texts.RESTORED.format(name=request.backup.name, school=result.school_name)]
    if result.kept is not None:
        lines.append(texts.RESTORED_KEPT.format(kept=result.kept))
    if result.migrated_from is not None:
        lines.append(texts.RESTORED_MIGRATED.format(revision=result.migrated_from))
    lines.append(texts.RESTORED_RECOVERY if request.with_recovery_code
                 else texts.RESTORED_LOGIN)
    return "\n".join(lines)
