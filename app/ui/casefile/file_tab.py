"""The base of the student file's tabs (记录, 风险因素, 计划, 个案会议, 预警, 转介 …).

A tab is handed the loaded `FileView` (show_view) and opens the dialogs that write to
that file. Every "open" action has the same contract, kept here once: with no file
shown (or nothing selected to act on) it opens nothing and returns None; otherwise it
opens the dialog non-modally and returns it (app/ui/opening.py), so tests drive the same
path a click does.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from app.ui.casefile.history_dialog import HistoryDialog
from app.ui.casefile.loading import FileView
from app.ui.opening import D, open_for
from app.ui.store_context import StoreContext


class FileTab(QWidget):
    def __init__(self, ctx: StoreContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.view_: FileView | None = None

    def open_dialog(self, make: Callable[[FileView], D]) -> D | None:
        """The dialog `make` builds for the shown file, opened; None with no file shown."""
        return open_for(self.view_, make)

    def open_history(self, kind: str, entry_id: int | None) -> HistoryDialog | None:
        """An entry's earlier versions (更正 keeps them); None when no entry is chosen."""
        return open_for(entry_id, lambda e: HistoryDialog(self.ctx, kind, e, self))
