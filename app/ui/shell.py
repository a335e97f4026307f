"""Which window is on screen: setup wizard, login, main window, lock screen.

The main window lives for the whole run from the first sign-in (built then, not at start:
the login window waits for nothing it does not show); the Store does not. Login and the lock screen
are the same dialog, and closing it (or the wizard before it finished) quits, since
nothing can be shown without an unlocked Store.

A restore from a backup is run here, because it moves between those windows: the main
window is locked as on idle (dialogs closed, views cleared, Store closed), the backup
is put in place on a worker (restore.restore_backup, as `qingxin restore` does), and
the login comes back, over a box saying what happened — the key slots are now the
backup's, so everyone signs in again with a password valid when it was made.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from app.deployment import Deployment
from app.paths import keyslot_path
from app.store.header import school_on_key_file
from app.ui import messages, workers
from app.ui.idle import DEFAULT_IDLE_MINUTES
from app.ui.login import LoginDialog
from app.ui.settings import texts
from app.ui.store_context import StoreContext
from app.ui.workers import Op, run_op

if TYPE_CHECKING:
    from app.store.handle import Store
    from app.ui.main_window import MainWindow
    from app.ui.settings.restore_dialog import RestoreRequest
    from app.ui.setup_wizard import SetupWizard

RESTORE_RETRY_MS = 200


def database_state(db_path: Path) -> str:
    """"new" (neither file), "ready" (both), "incomplete" (one without the other) or
    "unreachable": neither file, and the drive they should be on is not there (a data
    folder on D: or a USB disk that is not connected). Offering the setup wizard then
    would make a teacher believe the school's records were gone."""
    present = (db_path.exists(), keyslot_path(db_path).exists())
    if present == (False, False):
        return "new" if drive_present(db_path) else "unreachable"
    return "ready" if all(present) else "incomplete"


def drive_present(path: Path) -> bool:
    return Path(path.anchor or ".").exists()


class Shell(QObject):
    window_built = Signal()
    """The main window exists (`app.run` then freezes what start-up made, gc.freeze)."""

    def __init__(self, db_path: Path, idle_ms: int = DEFAULT_IDLE_MINUTES * 60_000,
                 deployment: Deployment | None = None) -> None:
        super().__init__()
        self.db_path = db_path
        self.idle_ms = idle_ms
        self.ctx = StoreContext(deployment=deployment)
        self._window: MainWindow | None = None
        self.front: QWidget | None = None  # the wizard or login dialog on screen, if any

    @property
    def window(self) -> MainWindow:
        """The main window, built at the first sign-in: its pages bring the services,
        the reports and the spreadsheet writer, which the login window must not wait
        for (docs/PERFORMANCE.md, "Start-up")."""
        if self._window is None:
            from app.ui.main_window import MainWindow

            self._window = MainWindow(self.ctx, self.idle_ms)
            self._window.locked.connect(self._locked)
            self._window.closed.connect(QApplication.quit)
            self._window.restore_requested.connect(self.restore)
            self.window_built.emit()
        return self._window

    def start(self) -> QWidget:
        if database_state(self.db_path) == "new":
            return self.show_setup()
        return self.show_login()

    def show_setup(self) -> SetupWizard:
        from app.ui.setup_wizard import SetupWizard

        wizard = SetupWizard(self.db_path)
        wizard.created.connect(lambda _result: self.show_login(
            str(wizard.field("username")), school_name=str(wizard.field("school"))))
        wizard.rejected.connect(QApplication.quit)
        self._front(wizard)
        return wizard

    def show_login(self, username: str = "", locked: bool = False,
                   school_name: str = "") -> LoginDialog:
        """The school's name on it: the deployment file's, else the one just set up or
        read at the last sign-in of this run, else the one the key file carries (the
        database is closed until unlocked; app/store/header.py)."""
        known = self._window.school_name if self._window is not None else ""
        school = (self.ctx.deployment.school_name or school_name or known
                  or school_on_key_file(keyslot_path(self.db_path)))
        dialog = LoginDialog(self.db_path, username, locked, school_name=school)
        dialog.unlocked.connect(self._signed_in)
        dialog.rejected.connect(QApplication.quit)
        self._front(dialog)
        return dialog

    def _signed_in(self, store: Store) -> None:
        self.window.attach(store)

    def _locked(self, username: str) -> None:
        self.show_login(username, locked=True)

    def restore(self, request: RestoreRequest) -> Op | None:
        """Lock, restore on a worker, then the login. Waits for running work first
        (the check that let the request through is still finishing)."""
        if workers.busy():
            self.window.statusBar().showMessage(texts.RESTORE_WAITING, RESTORE_RETRY_MS * 5)
            QTimer.singleShot(RESTORE_RETRY_MS, self, lambda: self.restore(request))
            return None
        from app.services.maintenance.restore import restore_backup
        from app.ui.settings.restore_dialog import restored_summary

        username = self.window.release_store()
        if username is None:
            return None
        db_path = self.db_path
        said: list[Callable[[QWidget], object]] = []  # the box to show over the login
        op = run_op(None, lambda progress: restore_backup(
            db_path, request.backup, request.secret, request.allow_other_database, progress),
            lambda result: said.append(lambda parent: messages.inform(
                parent, texts.RESTORED_TITLE, restored_summary(request, result))),
            label=texts.RESTORING, cancellable=True,
            on_failure=lambda exc: said.append(lambda parent: messages.warn(
                parent, texts.RESTORE_FAILED_TITLE,
                texts.RESTORE_FAILED.format(message=exc.message))))
        op.finished.connect(lambda: self._after_restore(username, said))
        return op

    def _after_restore(self, username: str, said: list[Callable[[QWidget], object]]) -> None:
        """Back to the login whatever happened (after a bug too, whose box is shown
        already): the database is closed either way."""
        dialog = self.show_login(username, locked=True)
        for say in said:
            say(dialog)

    def _front(self, widget: QWidget) -> None:
        if self.front is not None:
            self.front.deleteLater()
        self.front = widget
        widget.show()
        widget.raise_()
        widget.activateWindow()
