"""Shared by the GUI tests: waiting for the workers, finding what the GUI put on screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import shiboken6
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.ui import workers

Page = TypeVar("Page", bound=QWidget)


def idle(qtbot) -> None:
    """Wait until no background work is running (a report of a whole school takes a
    while under a loaded CI machine, hence the long limit)."""
    qtbot.waitUntil(lambda: not workers.busy(), timeout=60_000)


def shown(qtbot, page: Page, ctx, size: tuple[int, int] = (1100, 700),
          reload: bool = True) -> Page:
    """`page` on screen as the main window shows it: listening to the one broadcast of
    changes (`ctx.changed`), sized, loaded, and every worker done."""
    qtbot.addWidget(page)
    ctx.changed.connect(page.on_changed)
    page.resize(*size)
    page.show()
    if reload:
        page.reload()
    idle(qtbot)
    return page


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


def screen_saver(prefix: str) -> Callable[[QWidget, Path, str], Path]:
    """`save(widget, folder, name)` for one area's screenshots (`<prefix><name>.png`):
    layouts settle first (a chart that just grew), and a grab that came out blank fails."""

    def save(widget: QWidget, folder: Path, name: str) -> Path:
        path = folder / f"{prefix}{name}.png"
        QApplication.processEvents()
        assert widget.grab().save(str(path))
        image = QImage(str(path))
        assert image.width() > 100 and image.height() > 100
        assert len({image.pixel(x, y) for x in range(0, image.width(), 7)
                    for y in range(0, image.height(), 7)}) > 4, f"{name} looks blank"
        return path

    return save
