"""Login (also the lock screen) and the password reset with the recovery code.

Unwrapping a key slot costs about half a second of Argon2id, so it runs on a worker
and the dialog shows "正在验证…". A wrong password, the throttle's "请 N 秒后再试" and
"already open elsewhere" are shown inline in the dialog, not in a separate box.
The services behind a sign-in (SQLAlchemy, the models, the store) are imported by the
worker that signs in, not before the dialog shows (docs/PERFORMANCE.md, "Start-up").
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import QingxinError
from app.ui import strings
from app.ui.form_errors import FieldErrors, field_for
from app.ui.form_widgets import error_label, hint_label, password_edit
from app.ui.opening import opened
from app.ui.recovery_code import NewRecoveryCodeDialog
from app.ui.workers import Op, run_op

if TYPE_CHECKING:
    from app.store.handle import Store


class _UnlockDialog(QDialog):
    """Shared behaviour: one submit button, inline errors, a worker that returns a Store."""

    unlocked = Signal(object)

    def __init__(self, title: str, hint: str, submit_text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.hint = hint_label(hint)
        self.form = QFormLayout()
        self.error = error_label()
        self.buttons = QDialogButtonBox()
        self.submit = self.buttons.addButton(submit_text,
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.submit.setDefault(True)
        self._submit_text = submit_text
        self.buttons.accepted.connect(self._submit)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(self.hint)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.buttons)
        self.field_errors = FieldErrors(self.error, self.form)
        self.op: Op | None = None

    def _inputs(self) -> list[QWidget]:
        return [self.form.itemAt(i).widget() for i in range(self.form.count())
                if isinstance(self.form.itemAt(i).widget(), QLineEdit)]

    def _set_busy(self, busy: bool) -> None:
        for widget in [*self._inputs(), self.submit]:
            widget.setEnabled(not busy)
        self.submit.setText(strings.LOGIN_CHECKING if busy else self._submit_text)

    def _not_busy(self) -> None:
        self._set_busy(False)

    def _submit(self) -> None:
        problem = self._check()
        if problem:
            self.field_errors.show(problem, self._check_field(problem))
            return
        self.field_errors.clear()
        unlock = self._unlock_call()
        self._set_busy(True)
        self.op = run_op(self, lambda _p: unlock(), self._done, label=None,
                         cancellable=False, on_failure=self._failed)
        self.op.finished.connect(self._not_busy)

    def _check(self) -> str:
        """A problem found before any work is done, or ''."""
        return ""

    def _check_field(self, _problem: str) -> QWidget | None:
        """The field `_check`'s problem is about, when its message does not name it."""
        return None

    def _unlock_call(self) -> Callable[[], Store]:
        """The service call, with the field values read now, on the GUI thread."""
        raise NotImplementedError

    def _failed(self, exc: QingxinError) -> None:
        """The refusal beside the field to retype (the cursor there; the line goes
        when it is edited), as every form does (app/ui/form_errors.py)."""
        self._set_busy(False)
        self.field_errors.show(exc.message, self._after_failure(exc.message))

    def _after_failure(self, message: str) -> QWidget | None:
        """Subclasses clear the secret field and return the field to retype (None:
        the one the message names)."""
        return None

    def _done(self, store: Store) -> None:
        """Signed in. A recovery code issued by this sign-in (the used one replaced, or
        an old recovery slot upgraded) is shown once first; the window carries on after."""
        self.error.clear()
        code, store.new_recovery_code = store.new_recovery_code, None
        if code is None:
            self._signed_in(store)
            return
        from app.services.accounts.auth import school_name

        self.new_code = NewRecoveryCodeDialog(code, school_name(store), self)
        self.new_code.accepted.connect(lambda: self._signed_in(store))
        self.new_code.open()

    def _signed_in(self, store: Store) -> None:
        self.unlocked.emit(store)
        self.accept()


class LoginDialog(_UnlockDialog):
    """Names the program and, when the district's deployment file gives it, the school —
    the database itself cannot be read before the password opens it."""

    def __init__(self, db_path: Path, username: str = "", locked: bool = False,
                 parent: QWidget | None = None, school_name: str = "") -> None:
        super().__init__(strings.LOCKED_TITLE if locked else strings.LOGIN_TITLE,
                         strings.LOCKED_HINT if locked else strings.LOGIN_HINT,
                         strings.LOGIN_BUTTON, parent)
        school = strings.LOGIN_BANNER_SCHOOL.format(school=html.escape(school_name))
        self.banner = QLabel(strings.LOGIN_BANNER + (school if school_name else ""))
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.layout_.insertWidget(0, self.banner)
        self.db_path = db_path
        self.username = QLineEdit(username)
        self.password = password_edit()
        self.form.addRow(strings.LOGIN_USERNAME, self.username)
        self.form.addRow(strings.LOGIN_PASSWORD, self.password)
        self.recovery_link = QLabel(f'<a href="#">{strings.LOGIN_RECOVERY_LINK}</a>')
        self.recovery_link.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.recovery_link.linkActivated.connect(self.open_recovery)
        self.layout_.insertWidget(3, self.recovery_link)  # after banner, hint and form
        (self.password if username else self.username).setFocus()

    def _check(self) -> str:
        if not self.username.text().strip():
            return strings.FIELD_REQUIRED.format(field="用户名")
        return ""

    def _unlock_call(self) -> Callable[[], Store]:
        db_path, username, password = self.db_path, self.username.text(), self.password.text()

        def unlock() -> Store:
            from app.services.accounts.auth import unlock

            return unlock(db_path, username, password)
        return unlock

    def _after_failure(self, _message: str) -> QWidget | None:
        self.password.clear()
        return self.password

    def open_recovery(self) -> RecoveryDialog:
        dialog = RecoveryDialog(self.db_path, self.username.text().strip(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.unlocked.connect(self._done)
        return opened(dialog)


class RecoveryDialog(_UnlockDialog):
    def __init__(self, db_path: Path, username: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(strings.RECOVERY_TITLE, strings.RECOVERY_HINT,
                         strings.RECOVERY_BUTTON, parent)
        self.db_path = db_path
        self.code = QLineEdit()
        self.code.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        self.username = QLineEdit(username)
        self.password = password_edit()
        self.password_again = password_edit()
        self.form.addRow(strings.RECOVERY_CODE, self.code)
        self.form.addRow(strings.LOGIN_USERNAME, self.username)
        self.form.addRow(strings.RECOVERY_NEW_PASSWORD, self.password)
        self.form.addRow(strings.SETUP_PASSWORD_AGAIN, self.password_again)
        cancel = QPushButton(strings.CANCEL)
        self.buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.rejected.connect(self.reject)

    def _check(self) -> str:
        if not self.code.text().strip():
            return strings.FIELD_REQUIRED.format(field="恢复码")
        if not self.username.text().strip():
            return strings.FIELD_REQUIRED.format(field="用户名")
        if self.password.text() != self.password_again.text():
            return strings.PASSWORD_MISMATCH
        return ""

    def _check_field(self, problem: str) -> QWidget | None:
        return self.password_again if problem == strings.PASSWORD_MISMATCH else None

    def _unlock_call(self) -> Callable[[], Store]:
        db_path, code = self.db_path, self.code.text()
        username, password = self.username.text(), self.password.text()

        def unlock() -> Store:
            from app.services.accounts.auth import unlock_with_recovery

            return unlock_with_recovery(db_path, code, username, password)
        return unlock

    def _after_failure(self, message: str) -> QWidget | None:
        """The field the message names (用户名 …), else the new password the policy
        refused (「密码至少需要…」), else the code."""
        named = field_for(self.form, message)
        if named is not None:
            return named
        return self.password if "密码" in message else self.code
