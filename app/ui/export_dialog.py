"""导出 Excel: where a list of students' names goes, and the password that locks it.

Every list a page can take away (动态信息库, 重点名单, 复核名单, a campaign's results,
filtered or not) asks here first: the file (chosen with the usual save dialog), and a
password to open it, on by default because such a file ends up on USB sticks and in
e-mail. The password is checked by the same rule the service applies
(`lists.workbook.check_file_password`), inline beside the fields, before any work starts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.errors import BadInputError
from app.services.progress import Progress
from app.store.handle import Store
from app.ui import strings
from app.ui.file_dialogs import LISTS, ask_save_path, remember, safe_file_name, start_folder
from app.ui.form_widgets import error_label, lay_out_form_dialog, password_edit
from app.ui.reports.saving import show_saved
from app.ui.store_context import StoreContext


@dataclass(frozen=True)
class ExportChoice:
    path: Path
    password: str | None


class ExportDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str, suggested_name: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.choice: ExportChoice | None = None
        self.path = QLineEdit(str(start_folder(LISTS) / safe_file_name(suggested_name)))
        browse = QPushButton(strings.EXPORT_BROWSE)
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        self.protect = QCheckBox(strings.EXPORT_PROTECT)
        self.protect.setChecked(True)
        self.password = password_edit()
        self.again = password_edit()
        self.protect.toggled.connect(self._protect_toggled)
        self.error = error_label()
        for edit in (self.path, self.password, self.again):
            edit.textChanged.connect(self.error.clear)
        form = QFormLayout()
        form.addRow(strings.EXPORT_FILE, where)
        form.addRow("", self.protect)
        form.addRow(strings.EXPORT_PASSWORD, self.password)
        form.addRow(strings.EXPORT_PASSWORD_AGAIN, self.again)
        lay_out_form_dialog(self, form, self.error, self.submit, strings.EXPORT_HINT)
        self.resize(520, self.sizeHint().height())

    def _browse(self) -> None:
        chosen = ask_save_path(self, LISTS, self.windowTitle(), Path(self.path.text()).name,
                               strings.EXPORT_FILTER, ".xlsx")
        if chosen is not None:
            self.path.setText(str(chosen))

    def _protect_toggled(self, on: bool) -> None:
        for edit in (self.password, self.again):
            edit.setEnabled(on)
        self.error.clear()

    def submit(self) -> None:
        """Accept only a usable choice; a refusal focuses the field it is about."""
        from app.services.lists.workbook import check_file_password

        text = self.path.text().strip()
        if not text:
            self._refuse(strings.EXPORT_NO_FILE, self.path)
            return
        path = Path(text)
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        password = self.password.text() if self.protect.isChecked() else None
        if password is not None:
            try:
                check_file_password(password)
            except BadInputError as exc:
                self._refuse(str(exc), self.password)
                return
            if self.again.text() != password:
                self._refuse(strings.EXPORT_PASSWORDS_DIFFER, self.again)
                return
        self.choice = ExportChoice(path, password)
        remember(LISTS, path.parent)  # typed rather than browsed: the next list starts here
        self.accept()

    def _refuse(self, message: str, field: QLineEdit) -> None:
        self.error.setText(message)
        field.setFocus()
        field.selectAll()


def ask_export(parent: QWidget | None, title: str, suggested_name: str) -> ExportChoice | None:
    """The teacher's choice, or None if they cancelled."""
    dialog = ExportDialog(parent, title, suggested_name)
    return dialog.choice if dialog.exec() == QDialog.DialogCode.Accepted else None


def export_list(ctx: StoreContext, parent: QWidget, title: str, suggested_name: str,
                save: Callable[[Store, Progress, ExportChoice], Any],
                count: Callable[[Any], int]) -> None:
    """Ask, then run `save` on a worker (progress, audited by the service) and say where
    the file went, with a button that opens its folder."""
    choice = ask_export(parent, title, suggested_name)
    if choice is None:
        return

    def done(result: object) -> None:
        locked = strings.EXPORT_LOCKED if choice.password is not None else strings.EXPORT_OPEN
        show_saved(parent, title, strings.EXPORT_SAVED.format(n=count(result), path=choice.path,
                                                               locked=locked), choice.path)

    ctx.mutate(parent, lambda store, progress: save(store, progress, choice), done,
               label=strings.EXPORT_WORKING, cancellable=True)
