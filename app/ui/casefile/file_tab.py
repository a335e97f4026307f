"""The base of the student file's tabs (记录, 风险因素, 计划, 个案会议, 预警, 转介 …).

A tab is handed the loaded `FileView` (show_view) and opens the dialogs that write to
that file. Every "open" action has the same contract, kept here once: with no file
shown (or nothing selected to act on) it opens nothing and returns None; otherwise it
opens the dialog non-modally and returns it, so tests drive the same path a click does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QDialog, QWidget

from app.ui.casefile.history_dialog import HistoryDialog
from app.ui.casefile.loading import FileView
from app.ui.store_context import StoreContext

D = TypeVar("D", bound=QDialog)


def opened(dialog: D) -> D:
    """Open `dialog` (non-modal, window-modal to its parent) and hand it back."""
    dialog.open()
    return dialog


class FileTab(QWidget):
    def __init__(self, ctx: StoreContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.view_: FileView | None = None

    def open_dialog(self, make: Callable[[FileView], D]) -> D | None:
        """The dialog `make` builds for the shown file, opened; None with no file shown."""
        if self.view_ is None:
            return None
        return opened(make(self.view_))

    def open_history(self, kind: str, entry_id: int | None) -> HistoryDialog | None:
        """An entry's earlier versions (更正 keeps them); None when no entry is chosen."""
        if entry_id is None:
            return None
        return opened(HistoryDialog(self.ctx, kind, entry_id, self))
