"""Which window is on screen: setup wizard, login, main window, lock screen.

The main window lives for the whole run; the Store does not. Login and the lock screen
are the same dialog, and closing it (or the wizard before it finished) quits, since
nothing can be shown without an unlocked Store.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QWidget

from app.paths import keyslot_path
from app.ui.idle import DEFAULT_IDLE_MINUTES
from app.ui.login import LoginDialog
from app.ui.main_window import MainWindow
from app.ui.setup_wizard import SetupWizard
from app.ui.store_context import StoreContext


def database_state(db_path: Path) -> str:
    """"new" (neither file), "ready" (both) or "incomplete" (one without the other)."""
    present = (db_path.exists(), keyslot_path(db_path).exists())
    if present == (False, False):
        return "new"
    return "ready" if all(present) else "incomplete"


class Shell(QObject):
    def __init__(self, db_path: Path, idle_ms: int = DEFAULT_IDLE_MINUTES * 60_000) -> None:
        super().__init__()
        self.db_path = db_path
        self.ctx = StoreContext()
        self.window = MainWindow(self.ctx, idle_ms)
        self.window.locked.connect(self._locked)
        self.window.closed.connect(QApplication.quit)
        self.front: QWidget | None = None  # the wizard or login dialog on screen, if any

    def start(self) -> QWidget:
        if database_state(self.db_path) == "new":
            return self.show_setup()
        return self.show_login()

    def show_setup(self) -> SetupWizard:
        wizard = SetupWizard(self.db_path)
        wizard.created.connect(lambda _result: self.show_login(str(wizard.field("username"))))
        wizard.rejected.connect(QApplication.quit)
        self._front(wizard)
        return wizard

    def show_login(self, username: str = "", locked: bool = False) -> LoginDialog:
        dialog = LoginDialog(self.db_path, username, locked)
        dialog.unlocked.connect(self.window.attach)
        dialog.rejected.connect(QApplication.quit)
        self._front(dialog)
        return dialog

    def _locked(self, username: str) -> None:
        self.show_login(username, locked=True)

    def _front(self, widget: QWidget) -> None:
        if self.front is not None:
            self.front.deleteLater()
        self.front = widget
        widget.show()
        widget.raise_()
        widget.activateWindow()
