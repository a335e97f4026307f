"""Shared by the GUI tests: waiting for the workers, finding what the GUI put on screen."""

from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.ui import workers


def idle(qtbot) -> None:
    """Wait until no background work is running (a report of a whole school takes a
    while under a loaded CI machine, hence the long limit)."""
    qtbot.waitUntil(lambda: not workers.busy(), timeout=60_000)


def visible(kind: type[QWidget]) -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def message_boxes() -> list[QMessageBox]:
    return [w for w in visible(QMessageBox) if isinstance(w, QMessageBox)]


def close_boxes() -> None:
    for box in message_boxes():
        box.close()


def closed(widget: QWidget) -> bool:
    """Closed, or already deleted (dialogs are WA_DeleteOnClose)."""
    return not shiboken6.isValid(widget) or not widget.isVisible()
