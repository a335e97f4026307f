"""Finding what the GUI put on screen, for assertions."""

from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget


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
