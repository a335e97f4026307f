"""User management (admin only): list accounts, add one, deactivate or reactivate.

A 班主任 account needs its class; the class list comes from the student list already
loaded in the window (see StudentTableModel.classes), so opening this page does not
list students a second time.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import QingxinError
from app.labels import ROLES, label
from app.services.accounts import UserRow, create_user, list_users, set_user_active
from app.ui import strings
from app.ui.form_widgets import data_table, error_label, fit_columns, hint_label, password_edit
from app.ui.store_context import StoreContext
from app.ui.table_models import Column, RowTableModel, local_time_text

ClassList = Callable[[], list[tuple[int, str, int]]]
ROLE_ORDER = {code: i for i, code in enumerate(ROLES)}


class AddUserDialog(QDialog):
    def __init__(self, ctx: StoreContext, classes: list[tuple[int, str, int]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(strings.USER_ADD_TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(420)
        self.username = QLineEdit()
        self.display_name = QLineEdit()
        self.role = QComboBox()
        for code, text in ROLES.items():
            self.role.addItem(text, code)
        self.role.setCurrentIndex(self.role.findData("counselor"))
        self.school_class = QComboBox()
        for class_id, name, _grade in classes:
            self.school_class.addItem(name, class_id)
        if not classes:
            self.school_class.addItem(strings.USER_NO_CLASSES, None)
        self.password = password_edit()
        self.password_again = password_edit()
        self.error = error_label()
        form = QFormLayout()
        form.addRow(strings.SETUP_USERNAME, self.username)
        form.addRow(strings.SETUP_DISPLAY_NAME, self.display_name)
        form.addRow(strings.USER_ROLE, self.role)
        form.addRow(strings.USER_CLASS, self.school_class)
        form.addRow(strings.SETUP_PASSWORD, self.password)
        form.addRow(strings.SETUP_PASSWORD_AGAIN, self.password_again)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.role.currentIndexChanged.connect(self._role_changed)
        self._role_changed()

    def _role_changed(self) -> None:
        self.school_class.setEnabled(self.role.currentData() == "class_teacher")

    def submit(self) -> None:
        if self.password.text() != self.password_again.text():
            self.error.setText(strings.PASSWORD_MISMATCH)
            return
        role = self.role.currentData()
        class_id = self.school_class.currentData() if role == "class_teacher" else None
        args = (self.username.text(), self.display_name.text(), role, self.password.text(),
                class_id)
        self.error.clear()
        self.ctx.mutate(self, lambda store, _p: create_user(store, *args),
                        lambda _row: self.accept(), label=strings.SAVING,
                        on_failure=self._failed)

    def _failed(self, exc: QingxinError) -> None:
        self.error.setText(exc.message)


class UsersPage(QWidget):
    def __init__(self, ctx: StoreContext, classes: ClassList) -> None:
        super().__init__()
        self.ctx = ctx
        self._classes = classes
        self._class_names: dict[int, str] = {}
        self.model = RowTableModel((
            Column(strings.COL_USERNAME, lambda u: u.username),
            Column(strings.COL_DISPLAY_NAME, lambda u: u.display_name),
            Column(strings.COL_ROLE, lambda u: label(ROLES, u.role),
                   sort_key=lambda u: ROLE_ORDER.get(u.role, len(ROLE_ORDER))),
            Column(strings.COL_USER_CLASS,
                   lambda u: self._class_names.get(u.class_id, "") if u.class_id else ""),
            Column(strings.COL_USER_STATE,
                   lambda u: strings.USER_ACTIVE if u.active else strings.USER_INACTIVE),
            Column(strings.COL_CREATED, lambda u: local_time_text(u.created_at)),
        ))
        self.model.setParent(self)
        self.view = data_table()
        self.view.setModel(self.model)
        self.add_button = QPushButton(strings.USER_ADD)
        self.deactivate_button = QPushButton(strings.USER_DEACTIVATE)
        self.deactivate_button.setEnabled(False)
        self.add_button.clicked.connect(self.add_user)
        self.deactivate_button.clicked.connect(self.deactivate_selected)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.status = hint_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.deactivate_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)

    def reload(self) -> None:
        self.status.setText(strings.USERS_LOADING)
        self.ctx.query(self, list_users, self._loaded)

    def _loaded(self, users: list[UserRow]) -> None:
        self.model.set_rows(users)
        self.refresh_class_names()
        fit_columns(self.view)
        self.status.clear()
        self._selection_changed()

    def refresh_class_names(self) -> None:
        """The class column reads names from the student list, which may load later."""
        self._class_names = {cid: name for cid, name, _g in self._classes()}
        if self.model.rowCount():
            self.model.dataChanged.emit(self.model.index(0, 0), self.model.index(
                self.model.rowCount() - 1, self.model.columnCount() - 1))

    def clear(self) -> None:
        self.model.clear()

    def on_changed(self, change: object) -> None:
        if isinstance(change, UserRow):
            self.reload()

    def selected(self) -> UserRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _selection_changed(self) -> None:
        user = self.selected()
        self.deactivate_button.setEnabled(user is not None and user.active)

    def add_user(self) -> AddUserDialog:
        dialog = AddUserDialog(self.ctx, self._classes(), self)
        dialog.open()
        return dialog

    def deactivate_selected(self) -> None:
        """Only deactivation is offered: it drops the user's key slot, so a reactivated
        account would have no password until the core can set one."""
        user = self.selected()
        if user is None or not user.active:
            return
        username = user.username
        self.ctx.mutate(self, lambda store, _p: set_user_active(store, username, False),
                        lambda _none: self.reload(), label=strings.SAVING)
