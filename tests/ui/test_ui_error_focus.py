"""Refusals in the login, recovery and setup windows behave as every form's
(app/ui/form_errors.py): the cursor goes to the field to fix, not to a button, and the
red line goes as soon as that field is edited — not when another one is."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_ui_end_to_end import PASSWORD

from app.errors import BadInputError
from app.services.setup import create_school
from app.ui import setup_wizard, strings
from app.ui.login import LoginDialog, RecoveryDialog
from app.ui.setup_wizard import SetupWizard
from tests.ui.ui_helpers import idle, screen_saver

save = screen_saver("")


def _submit(qtbot, dialog: LoginDialog | RecoveryDialog) -> None:
    dialog.submit.click()
    if dialog.op is not None:
        qtbot.waitUntil(lambda: not dialog.op.running, timeout=10_000)
    idle(qtbot)


def test_login_errors_focus_their_field_and_clear_when_it_is_edited(
        qtbot, db_path: Path, screens_dir: Path):
    create_school(db_path, "青心实验中学", "admin", PASSWORD)
    dialog = LoginDialog(db_path, school_name="青心实验中学")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password.setFocus()
    _submit(qtbot, dialog)  # no username
    assert dialog.error.text() == strings.FIELD_REQUIRED.format(field="用户名")
    assert dialog.focusWidget() is dialog.username
    dialog.password.setText("x")  # another field: the line stays
    assert dialog.error.text()
    dialog.username.setText("admin")
    assert dialog.error.text() == ""

    dialog.password.setText("wrong-password")
    _submit(qtbot, dialog)
    assert "不正确" in dialog.error.text()
    assert dialog.focusWidget() is dialog.password and dialog.password.text() == ""
    dialog.resize(460, 300)
    save(dialog, screens_dir, "04d-login-error-focus")
    dialog.username.setText("admin ")  # the username is not what was wrong
    assert "不正确" in dialog.error.text()
    dialog.password.setText("p")
    assert dialog.error.text() == ""


def test_recovery_errors_focus_their_field(qtbot, db_path: Path):
    create_school(db_path, "青心实验中学", "admin", PASSWORD)
    dialog = RecoveryDialog(db_path, "admin")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.code.setText("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-FFFFF")
    dialog.password.setText("new-password-1")
    dialog.password_again.setText("new-password-2")
    dialog.code.setFocus()
    _submit(qtbot, dialog)
    assert dialog.error.text() == strings.PASSWORD_MISMATCH
    assert dialog.focusWidget() is dialog.password_again
    dialog.password_again.setText("new-password-1")
    assert dialog.error.text() == ""

    dialog.username.setFocus()
    _submit(qtbot, dialog)  # a code that is no code
    assert "恢复码" in dialog.error.text()
    assert dialog.focusWidget() is dialog.code
    dialog.code.setText("AAAAA")
    assert dialog.error.text() == ""


def test_setup_checks_as_typed_and_a_refusal_focuses_its_field(
        qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    wizard = SetupWizard(tmp_path / "new" / "qingxin.db")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.school_page.name.setText("青心实验中学")
    wizard.next()
    page = wizard.admin_page
    page.display_name.setText("刘老师")
    page.username.setText("a b")  # the accounts page would refuse it: so does setup
    assert "用户名须为" in page.error.text() and not page.isComplete()
    page.username.setText("liu")
    assert page.error.text() == ""
    page.password.setText(PASSWORD)
    page.password_again.setText(PASSWORD)
    assert page.isComplete()

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise BadInputError("用户名“liu”已被占用。")  # a refusal naming its field

    monkeypatch.setattr(setup_wizard, "create_school", refuse)
    wizard.next()
    qtbot.waitUntil(lambda: page.error.text() != "", timeout=10_000)
    idle(qtbot)
    assert page.error.text() == "用户名“liu”已被占用。"
    assert page.focusWidget() is page.username
    page.display_name.setText("刘老师 ")  # another field: the refusal stays
    assert page.error.text() == "用户名“liu”已被占用。"
    page.username.setText("liu2")
    assert page.error.text() == ""
