"""User management (admin only): list accounts, add one, deactivate one, reset a
password, and enable a deactivated account again (which needs a new password, because
deactivating dropped its key slot).

A 班主任 account needs its class. The classes come from `list_classes`, read together
with the users, so a class that has no students yet can still be given a teacher.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.changes import Changes
from app.errors import QingxinError
from app.labels import ROLES, label
from app.services.accounts.passwords import MIN_LENGTH
from app.services.accounts.rekey import RekeyResult
from app.services.accounts.users import (
    UserRow,
    create_user,
    list_users,
    reset_user_password,
    set_user_active,
    set_user_role,
)
from app.services.capabilities import ROLE_TABLE
from app.services.classes import ClassRow, list_classes
from app.store.handle import Store
from app.ui import messages, strings
from app.ui.form_widgets import (
    data_table,
    error_label,
    fit_columns,
    hint_label,
    lay_out_form_dialog,
    password_edit,
)
from app.ui.opening import opened
from app.ui.recovery_code import NewRecoveryCodeDialog
from app.ui.store_context import StoreContext
from app.ui.table_models import Column, RowTableModel, local_time_text

ClassList = Callable[[], list[tuple[int, str, int]]]
ROLE_ORDER = {code: i for i, code in enumerate(ROLES)}


def role_and_class(classes: list[ClassRow], role: str,
                   class_id: int | None = None) -> tuple[QComboBox, QComboBox]:
    """The role box and the class box, which only a 班主任 needs."""
    role_box = QComboBox()
    for code, text in ROLES.items():
        role_box.addItem(text, code)
    role_box.setCurrentIndex(role_box.findData(role))
    class_box = QComboBox()
    for row in classes:
        text = row.name if row.students else strings.USER_EMPTY_CLASS.format(name=row.name)
        class_box.addItem(text, row.id)
    if not classes:
        class_box.addItem(strings.USER_NO_CLASSES, None)
    if class_id is not None:
        class_box.setCurrentIndex(max(0, class_box.findData(class_id)))

    def role_changed() -> None:
        class_box.setEnabled(ROLE_TABLE[role_box.currentData()].needs_class)

    role_box.currentIndexChanged.connect(role_changed)
    role_changed()
    return role_box, class_box


class AddUserDialog(QDialog):
    def __init__(self, ctx: StoreContext, classes: list[ClassRow],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(strings.USER_ADD_TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(420)
        self.username = QLineEdit()
        self.display_name = QLineEdit()
        self.role, self.school_class = role_and_class(classes, "counselor")
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
        self.field_errors = lay_out_form_dialog(self, form, self.error, self.submit)

    def submit(self) -> None:
        if self.password.text() != self.password_again.text():
            self.field_errors.show(strings.PASSWORD_MISMATCH)
            return
        role = self.role.currentData()
        class_id = self.school_class.currentData() if ROLE_TABLE[role].needs_class else None
        args = (self.username.text(), self.display_name.text(), role, self.password.text(),
                class_id)
        self.field_errors.clear()
        self.ctx.mutate(self, lambda store, _p: create_user(store, *args),
                        lambda _row: self.accept(), label=strings.SAVING,
                        on_failure=self._failed)

    def _failed(self, exc: QingxinError) -> None:
        self.field_errors.show(exc.message)


class PasswordResetDialog(QDialog):
    """A new password for another account, typed twice. For a deactivated account this
    is how it is enabled again: `reset_user_password` activates the account."""

    def __init__(self, ctx: StoreContext, user: UserRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.username = user.username
        self.enabling = not user.active
        title = strings.USER_ENABLE_TITLE if self.enabling else strings.USER_RESET_TITLE
        hint = strings.USER_ENABLE_HINT if self.enabling else strings.USER_RESET_HINT
        self.setWindowTitle(title.format(username=user.username))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(420)
        self.password = password_edit()
        self.password_again = password_edit()
        self.error = error_label()
        form = QFormLayout()
        form.addRow(strings.NEW_PASSWORD, self.password)
        form.addRow(strings.NEW_PASSWORD_AGAIN, self.password_again)
        self.field_errors = lay_out_form_dialog(self, form, self.error, self.submit,
                                                hint.format(n=MIN_LENGTH))

    def submit(self) -> None:
        """The length rule is checked by the service, so it is stated in one place."""
        if self.password.text() != self.password_again.text():
            self.field_errors.show(strings.PASSWORD_MISMATCH)
            return
        username, password = self.username, self.password.text()
        self.field_errors.clear()
        self.ctx.mutate(self, lambda store, _p: reset_user_password(store, username, password),
                        lambda _none: self.accept(), label=strings.SAVING,
                        on_failure=self._failed)

    def _failed(self, exc: QingxinError) -> None:
        self.field_errors.show(exc.message)


class RoleDialog(QDialog):
    """Another role for an account. Lowering it (心理教师 → 班主任) takes keys away, so
    the service re-keys the database: a progress window, then `on_rekeyed` shows what
    the admin must know (a new recovery code, accounts that need a password)."""

    def __init__(self, ctx: StoreContext, user: UserRow, classes: list[ClassRow],
                 on_rekeyed: Callable[[RekeyResult | None], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.username = user.username
        self._on_rekeyed = on_rekeyed
        self.setWindowTitle(strings.USER_ROLE_TITLE.format(username=user.username))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(420)
        self.role, self.school_class = role_and_class(classes, user.role, user.class_id)
        self.error = error_label()
        form = QFormLayout()
        form.addRow(strings.USER_ROLE, self.role)
        form.addRow(strings.USER_CLASS, self.school_class)
        self.field_errors = lay_out_form_dialog(self, form, self.error, self.submit,
                                                strings.USER_ROLE_HINT)

    def submit(self) -> None:
        role = self.role.currentData()
        class_id = self.school_class.currentData() if ROLE_TABLE[role].needs_class else None
        username = self.username
        self.field_errors.clear()
        self.ctx.mutate(self, lambda store, p: set_user_role(store, username, role, class_id,
                                                             p),
                        lambda done: self._done(done.value), label=strings.USER_ROLE_SAVING,
                        on_failure=self._failed)

    def _done(self, result: RekeyResult | None) -> None:
        self.accept()
        self._on_rekeyed(result)

    def _failed(self, exc: QingxinError) -> None:
        self.field_errors.show(exc.message)


def _users_and_classes(store: Store) -> tuple[list[UserRow], list[ClassRow]]:
    return list_users(store), list_classes(store)


class UsersPage(QWidget):
    """`student_classes` is the student list's classes (main_window passes them); the
    page only reads it to tell a reloaded student list from one the lock cleared."""

    def __init__(self, ctx: StoreContext, student_classes: ClassList) -> None:
        super().__init__()
        self.ctx = ctx
        self._student_classes = student_classes
        self._class_rows: list[ClassRow] = []
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
        self.reset_button = QPushButton(strings.USER_RESET_PASSWORD)
        self.enable_button = QPushButton(strings.USER_ENABLE)
        self.role_button = QPushButton(strings.USER_CHANGE_ROLE)
        for button in (self.deactivate_button, self.reset_button, self.enable_button,
                       self.role_button):
            button.setEnabled(False)
        self.role_button.clicked.connect(self.change_role)
        self.add_button.clicked.connect(self.add_user)
        self.deactivate_button.clicked.connect(self.deactivate_selected)
        self.reset_button.clicked.connect(self.reset_selected)
        self.enable_button.clicked.connect(self.reset_selected)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.status = hint_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.role_button)
        buttons.addWidget(self.deactivate_button)
        buttons.addWidget(self.enable_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)

    def reload(self, done_text: str = "") -> None:
        """`done_text` replaces the loading hint once the list is back."""
        self.status.setText(strings.USERS_LOADING)
        self.ctx.query(self, _users_and_classes, lambda r: self._loaded(r, done_text))

    def _loaded(self, result: tuple[list[UserRow], list[ClassRow]], done_text: str) -> None:
        users, classes = result
        self._set_classes(classes)
        self.model.set_rows(users)
        fit_columns(self.view)
        self.status.setText(done_text)
        self._selection_changed()

    def refresh_class_names(self) -> None:
        """The student list was reloaded (an import or a promotion may have added or
        renamed classes) or cleared by the lock, when the store is about to close and
        nothing must be read."""
        if self._student_classes():
            self.ctx.query(self, list_classes, self._set_classes)

    def _set_classes(self, classes: list[ClassRow]) -> None:
        self._class_rows = classes
        self._class_names = {row.id: row.name for row in classes}
        if self.model.rowCount():
            self.model.dataChanged.emit(self.model.index(0, 0), self.model.index(
                self.model.rowCount() - 1, self.model.columnCount() - 1))

    def clear(self) -> None:
        self.model.clear()
        self._set_classes([])

    def on_changed(self, change: Changes) -> None:
        if change.users:
            self.reload()

    def selected(self) -> UserRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _selection_changed(self) -> None:
        user = self.selected()
        active = user is not None and user.active
        self.deactivate_button.setEnabled(active)
        self.reset_button.setEnabled(active)
        me = self.ctx.store.user.username if self.ctx.store is not None else ""
        self.role_button.setEnabled(active and user is not None and user.username != me)
        self.enable_button.setEnabled(user is not None and not user.active)

    def add_user(self) -> AddUserDialog:
        return opened(AddUserDialog(self.ctx, self._class_rows, self))

    def reset_selected(self) -> PasswordResetDialog | None:
        """Both 重设密码 and 启用 open this dialog; the service re-enables the account."""
        user = self.selected()
        if user is None:
            return None
        dialog = PasswordResetDialog(self.ctx, user, self)
        done = strings.USER_ENABLE_DONE if dialog.enabling else strings.USER_RESET_DONE
        text = done.format(username=user.username)
        dialog.accepted.connect(lambda: self.reload(text))
        return opened(dialog)

    def change_role(self) -> RoleDialog | None:
        user = self.selected()
        if user is None or not user.active:
            return None
        return opened(RoleDialog(self.ctx, user, self._class_rows, self._rekeyed, self))

    def deactivate_selected(self) -> None:
        """Deactivating drops the user's key slot and re-keys the database (a progress
        dialog: every page is re-encrypted); 启用 later asks for a new password."""
        user = self.selected()
        if user is None or not user.active:
            return
        username = user.username
        self.ctx.mutate(self, lambda store, p: set_user_active(store, username, False, p),
                        lambda done: self._rekeyed(done.value), label=strings.USER_REKEYING)

    def _rekeyed(self, result: RekeyResult | None) -> None:
        self.reload(strings.USER_SAVED if result is None else strings.USER_REKEYED)
        if result is None:
            return
        if result.lost_access:
            messages.inform(self, strings.USER_LOST_ACCESS_TITLE, strings.USER_LOST_ACCESS
                            .format(users="、".join(result.lost_access)))
        if result.recovery_code:
            self.new_code = NewRecoveryCodeDialog(result.recovery_code, "", self)
            self.new_code.open()
