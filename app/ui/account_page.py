"""The signed-in user's own account: who am I, change my password, lock now.

Changing a password rewraps one key slot (app.services.accounts.auth.change_password); it runs
on a worker because the old and the new password each cost an Argon2id derivation.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.changes import ChangesWith
from app.errors import QingxinError
from app.labels import ROLES, label
from app.services.accounts.auth import change_password
from app.services.accounts.users import my_phone, set_my_phone
from app.ui import messages, strings
from app.ui.form_widgets import error_label, hint_label, lay_out_form_dialog, password_edit
from app.ui.opening import opened
from app.ui.store_context import StoreContext


class ChangePasswordDialog(QDialog):
    def __init__(self, ctx: StoreContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(strings.CHANGE_PASSWORD_TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(380)
        self.old = password_edit()
        self.new = password_edit()
        self.new_again = password_edit()
        self.error = error_label()
        form = QFormLayout()
        form.addRow(strings.OLD_PASSWORD, self.old)
        form.addRow(strings.NEW_PASSWORD, self.new)
        form.addRow(strings.NEW_PASSWORD_AGAIN, self.new_again)
        self.field_errors = lay_out_form_dialog(self, form, self.error, self.submit)

    def submit(self) -> None:
        if self.new.text() != self.new_again.text():
            self.field_errors.show(strings.PASSWORD_MISMATCH)
            return
        self.field_errors.clear()
        old, new = self.old.text(), self.new.text()
        self.ctx.mutate(self, lambda store, _p: change_password(store, old, new),
                        self._changed, label=strings.SAVING,
                        on_failure=self._failed)

    def _changed(self, _none: None) -> None:
        messages.notify(self.parentWidget(), strings.PASSWORD_CHANGED)
        self.accept()

    def _failed(self, exc: QingxinError) -> None:
        self.field_errors.show(exc.message)


class AccountPage(QWidget):
    lock_requested = Signal()

    def __init__(self, ctx: StoreContext, idle_minutes: int) -> None:
        super().__init__()
        self.ctx = ctx
        store = ctx.require_store()
        user = store.user
        self.info = hint_label(strings.ACCOUNT_INFO.format(
            username=user.username, name=user.display_name, role=label(ROLES, user.role),
            path=store.path))
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.password_button = QPushButton(strings.CHANGE_PASSWORD)
        self.password_button.clicked.connect(self.change_password)
        self.lock_button = QPushButton(strings.LOCK_NOW)
        self.lock_button.clicked.connect(self.lock_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.password_button)
        buttons.addWidget(self.lock_button)
        buttons.addStretch(1)
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(strings.ACCOUNT_PHONE_HINT)
        self.phone.setMaximumWidth(260)
        self.phone_button = QPushButton(strings.ACCOUNT_PHONE_SAVE)
        self.phone_button.clicked.connect(self.save_phone)
        self.phone_error = error_label()
        self.phone.textEdited.connect(self.phone_error.clear)
        phone_row = QHBoxLayout()
        phone_row.addWidget(QLabel(strings.ACCOUNT_PHONE))
        phone_row.addWidget(self.phone)
        phone_row.addWidget(self.phone_button)
        phone_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addLayout(phone_row)
        layout.addWidget(self.phone_error)
        layout.addWidget(hint_label(strings.ACCOUNT_AUTOLOCK.format(minutes=idle_minutes)))
        layout.addLayout(buttons)
        layout.addStretch(1)
        ctx.query(self, my_phone, self.phone.setText)

    def save_phone(self) -> None:
        """The number letters print as the school's contact; refused ones stay here."""
        phone = self.phone.text()

        def shown(saved: ChangesWith[str]) -> None:
            self.phone.setText(saved.value)  # as it will print: spaces and +86 dropped
            self.phone_error.clear()

        def refused(exc: QingxinError) -> None:
            self.phone_error.setText(exc.message)
            self.phone.setFocus()

        self.ctx.mutate(self, lambda store, _p: set_my_phone(store, phone), shown,
                        label=strings.SAVING, on_failure=refused)

    def change_password(self) -> ChangePasswordDialog:
        return opened(ChangePasswordDialog(self.ctx, self))
