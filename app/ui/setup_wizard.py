"""First-run setup: school, admin account, then the recovery code, shown exactly once.

The database is created when the admin page is left (a commit page: there is no going
back to a database that already exists). The recovery code must be printed, saved as
a PDF or copied, and the teacher must tick "我已妥善保存恢复码" before Finish is
enabled; closing the window before that is refused, because the code cannot be shown
again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.errors import BadInputError, QingxinError
from app.services.accounts.passwords import MIN_LENGTH, check_new_password, check_username
from app.services.setup import SetupResult, create_school
from app.ui import strings
from app.ui.form_errors import field_for
from app.ui.form_widgets import error_label, hint_label, password_edit
from app.ui.recovery_code import RecoveryCodePanel
from app.ui.workers import run_op
from app.winprofile import volatile_data_warning

PAGE_SCHOOL, PAGE_ADMIN, PAGE_RECOVERY = range(3)


class SchoolPage(QWizardPage):
    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.setTitle(strings.SETUP_SCHOOL_TITLE)
        self.name = QLineEdit()
        form = QFormLayout(self)
        self.volatile = error_label()
        self.volatile.setText(volatile_data_warning(db_path) or "")
        form.addRow(self.volatile)
        form.addRow(hint_label(strings.SETUP_SCHOOL_HINT))
        form.addRow(strings.SETUP_SCHOOL_NAME, self.name)
        self.registerField("school*", self.name)


class AdminPage(QWizardPage):
    """Leaving this page creates the database on a worker thread."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(strings.SETUP_ADMIN_TITLE)
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, strings.SETUP_CREATE_BUTTON)
        self.username = QLineEdit("admin")
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText(strings.SETUP_DISPLAY_NAME_HINT)
        self.password = password_edit()
        self.password_again = password_edit()
        self.error = error_label()
        self.refused: QWidget | None = None
        """The field the service's refusal named, until it is edited."""
        self.form = form = QFormLayout(self)
        form.addRow(hint_label(strings.SETUP_ADMIN_HINT.format(n=MIN_LENGTH)))
        form.addRow(strings.SETUP_USERNAME, self.username)
        form.addRow(strings.SETUP_DISPLAY_NAME, self.display_name)
        form.addRow(strings.SETUP_PASSWORD, self.password)
        form.addRow(strings.SETUP_PASSWORD_AGAIN, self.password_again)
        form.addRow(self.error)
        self.registerField("username", self.username)
        for edit in (self.username, self.display_name, self.password, self.password_again):
            edit.textChanged.connect(self._input_changed)
        self._creating = False

    def problem(self) -> str:
        """What keeps 建立数据库 disabled, in words once the teacher has typed there (an
        empty field is plain to see; a username the accounts page would refuse, or a
        short or mismatched password, is not). Shown as the teacher types, so it goes
        as soon as the input is right."""
        password, again = self.password.text(), self.password_again.text()
        if self.username.text().strip():
            try:
                check_username(self.username.text())
            except BadInputError as exc:
                return exc.message
        if password:
            try:
                check_new_password(password)
            except BadInputError as exc:
                return exc.message
        if again and password != again:
            return strings.PASSWORD_MISMATCH
        return ""

    def _input_changed(self) -> None:
        """The live check's words; a refusal from creating the database stays until
        its field is edited (or a live problem takes its place)."""
        problem = self.problem()
        if self.refused is None or self.sender() is self.refused or problem:
            self.refused = None
            self.error.setText(problem)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        """Not Qt's mandatory fields: those count as filled only once changed, and the
        suggested username "admin" is already right. The button stays disabled until
        the input would be accepted (the name is what files show: 「由 王老师 确定」)."""
        filled = all(edit.text().strip() for edit in (self.username, self.display_name,
                                                      self.password, self.password_again))
        return filled and not self.problem()

    def validatePage(self) -> bool:
        if self._wizard.result is not None:
            return True
        if self._creating:
            return False
        if self.password.text() != self.password_again.text():
            self.error.setText(strings.PASSWORD_MISMATCH)
            self.password_again.setFocus()
            return False
        self.error.clear()
        self._creating = True
        db_path = self._wizard.db_path
        args = (self.field("school"), self.username.text(), self.password.text(),
                self.display_name.text().strip())
        op = run_op(self, lambda _p: create_school(db_path, *args), self._created,
                    label=strings.SETUP_CREATING, cancellable=False,
                    on_failure=self._failed)
        op.finished.connect(self._done_creating)
        return False

    def _done_creating(self) -> None:
        self._creating = False

    def _created(self, result: SetupResult) -> None:
        self._wizard.result = result
        self._wizard.next()

    def _failed(self, exc: QingxinError) -> None:
        """Beside the field it names, with the cursor there (app/ui/form_errors.py)."""
        self.error.setText(exc.message)
        self.refused = field_for(self.form, exc.message)
        if self.refused is not None:
            self.refused.setFocus()


class RecoveryPage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(strings.SETUP_RECOVERY_TITLE)
        self.panel = RecoveryCodePanel(strings.SETUP_RECOVERY_HINT,
                                       lambda: str(wizard.field("school")))
        self.panel.saved.toggled.connect(self.completeChanged)
        QVBoxLayout(self).addWidget(self.panel)

    def initializePage(self) -> None:
        assert self._wizard.result is not None
        self.panel.code.setText(self._wizard.result.recovery_code)

    def isComplete(self) -> bool:
        return self.panel.saved.isChecked()


class SetupWizard(QWizard):
    """Emits `created` with the SetupResult when the teacher finishes."""

    created = Signal(object)

    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.result: SetupResult | None = None
        self.setWindowTitle(strings.SETUP_TITLE)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage)
        self.school_page = SchoolPage(db_path)
        self.admin_page = AdminPage(self)
        self.recovery_page = RecoveryPage(self)
        self.setPage(PAGE_SCHOOL, self.school_page)
        self.setPage(PAGE_ADMIN, self.admin_page)
        self.setPage(PAGE_RECOVERY, self.recovery_page)
        self.setMinimumSize(640, 440)
        self.accepted.connect(self._finished)

    def reject(self) -> None:
        if self.result is None:
            super().reject()

    def _finished(self) -> None:
        self.created.emit(self.result)
