"""Message boxes, including the one place where an exception becomes a dialog.

Boxes are opened with `open()` (window-modal, non-blocking) rather than `exec()`, so no
nested event loop runs while the idle lock or a test drives the application. An error
the user can cause shows its Chinese `.message` (and `.problems`); anything else is a
bug: the user gets a generic message and the log gets the exception type and the
file, line and function of each frame, never the exception's text, which could hold a
student's name.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStatusBar,
    QWidget,
)

from app.errors import QingxinError
from app.services.progress import Cancelled
from app.ui import strings

log = logging.getLogger("qingxin.ui")

SHOWN_PROBLEMS = 12


_unparented: set[QMessageBox] = set()


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if parent is None:
        # Nothing else owns a box without a parent: keep it until it is closed, or it
        # would vanish as soon as the caller drops it.
        _unparented.add(box)
        box.finished.connect(lambda _result: _unparented.discard(box))
    box.open()
    return box


def inform(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    return _box(parent, QMessageBox.Icon.Information, title, text)


#: How long a confirmation stays in the status bar.
NOTICE_MS = 12_000


def notify(parent: QWidget | None, text: str,
           action: tuple[str, Callable[[], object]] | None = None,
           title: str = strings.APP_TITLE, path: Path | None = None) -> QStatusBar | QMessageBox:
    """Say that something succeeded without asking for a click: in the main window's
    status bar, where it stays a few seconds (an OK box after every success only added
    a click), on one line. `action` (a label and what it does, e.g. 打开所在文件夹) is
    a button beside it for as long. Without a main window (a dialog on its own) it is a
    box after all, titled `title`, with the action as a button. Errors stay boxes
    (`show_error`, `warn`). The status bar is the nearest window's that has one: a
    student's file has its own (NOTICE_BAR), since it covers the main window.

    A `path` the text names (a file saved) is shortened in the middle when the line
    does not fit beside the buttons — the folder's start and the file's name stay —
    and the whole text is the status bar's tooltip while the message shows."""
    bar = _status_bar(parent)
    if bar is None:
        box = inform(parent, title, text)
        if action is not None:
            box.addButton(action[0], QMessageBox.ButtonRole.ActionRole).clicked.connect(
                lambda: action[1]())
        return box
    for old in bar.findChildren(QPushButton, NOTICE_ACTION):
        bar.removeWidget(old)
        old.hide()
        old.deleteLater()
    line = one_line(text)
    bar.showMessage(line, NOTICE_MS)  # hides the bar's ordinary widgets meanwhile
    if action is not None:
        button = QPushButton(action[0])
        button.setObjectName(NOTICE_ACTION)
        button.setFlat(True)
        button.clicked.connect(lambda: action[1]())
        bar.addPermanentWidget(button)
        QTimer.singleShot(NOTICE_MS, button, button.deleteLater)
    bar.setToolTip("")  # a tooltip left by an earlier notice is not this one's
    if path is not None:
        _keep_tooltip_while_shown(bar)
        bar.setToolTip(text)
        shown = fit_path(line, str(path), bar.fontMetrics(), _message_width(bar))
        if shown != line and bar.isVisible():  # a hidden bar's width means nothing
            bar.showMessage(shown, NOTICE_MS)
    return bar


def fit_path(line: str, path: str, metrics: QFontMetrics, width: int) -> str:
    """`line` within `width` pixels: `path` in it elided in the middle first (…/初一年级/…
    -初一(3)班-20261202.pdf keeps where it starts and the file's name), then the line's
    end if the rest alone is too long."""
    if metrics.horizontalAdvance(line) <= width:
        return line
    if path and path in line:
        rest = metrics.horizontalAdvance(line.replace(path, "", 1))
        room = max(width - rest, metrics.horizontalAdvance("…" + path[-12:]))
        line = line.replace(path, metrics.elidedText(path, Qt.TextElideMode.ElideMiddle, room),
                            1)
    return metrics.elidedText(line, Qt.TextElideMode.ElideRight, width)


def _message_width(bar: QStatusBar) -> int:
    """The room a status-bar message has: up to the leftmost widget still shown (the
    permanent ones — the ordinary ones are hidden while a message is — and the size
    grip), once the bar has laid them out."""
    if bar.layout() is not None:
        bar.layout().activate()
    shown = [w.geometry().x() for w in bar.children()
             if isinstance(w, QWidget) and not w.isHidden() and not w.isWindow()]
    return max(min(shown, default=bar.width()) - MESSAGE_MARGIN, 0)


MESSAGE_MARGIN = 12
"""The message's inset on the left and the gap before the first widget on its right."""


def _keep_tooltip_while_shown(bar: QStatusBar) -> None:
    """The tooltip (the whole text) goes when the message does."""
    if bar.property(_TIP_HOOKED):
        return
    bar.setProperty(_TIP_HOOKED, True)
    bar.messageChanged.connect(lambda message: message or bar.setToolTip(""))


_TIP_HOOKED = "qingxin_notice_tooltip"


NOTICE_ACTION = "notice_action"
"""The object name of the button `notify` puts beside its message."""
NOTICE_BAR = "notice_bar"
"""The object name of a window's own status bar (a QDialog's, e.g. the student's file)."""


def notice_bar() -> QStatusBar:
    """A status bar for a window that is not the main window, for `notify` to find."""
    bar = QStatusBar()
    bar.setObjectName(NOTICE_BAR)
    bar.setSizeGripEnabled(False)
    return bar


def _status_bar(widget: QWidget | None) -> QStatusBar | None:
    """The status bar of the nearest window around `widget` that has one, else the
    visible main window's."""
    while widget is not None:
        if isinstance(widget, QMainWindow):
            return widget.statusBar()
        own = widget.findChild(QStatusBar, NOTICE_BAR, Qt.FindChildOption.FindDirectChildrenOnly)
        if own is not None:
            return own
        widget = widget.parentWidget()
    window = _main_window(None)
    return window.statusBar() if window is not None else None


def one_line(text: str) -> str:
    """A box's paragraphs as one status-bar line."""
    return "  ".join(part.strip() for part in text.split("\n") if part.strip())


def _main_window(widget: QWidget | None) -> QMainWindow | None:
    while widget is not None and not isinstance(widget, QMainWindow):
        widget = widget.parentWidget()
    if widget is not None:
        return widget
    return next((w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QMainWindow) and w.isVisible()), None)


def warn(parent: QWidget | None, title: str, text: str,
         problems: list[str] | None = None) -> QMessageBox:
    if problems:
        shown = "\n".join(problems[:SHOWN_PROBLEMS])
        text = f"{text}\n\n{strings.PROBLEM_LIST_INTRO}\n{shown}"
        if len(problems) > SHOWN_PROBLEMS:
            text += "\n" + strings.PROBLEMS_MORE.format(n=len(problems) - SHOWN_PROBLEMS)
    box = _box(parent, QMessageBox.Icon.Warning, title, text)
    if problems and len(problems) > SHOWN_PROBLEMS:
        box.setDetailedText("\n".join(problems))
    return box


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    if isinstance(exc, Cancelled):
        return inform(parent, strings.CANCELLED_TITLE, exc.message)
    if isinstance(exc, QingxinError):
        log.info("user-facing error %s: %s", type(exc).__name__, exc.detail)
        problems = getattr(exc, "problems", None)
        return warn(parent, strings.PROBLEM_TITLE, exc.message, problems)
    log_unexpected(exc)
    return _box(parent, QMessageBox.Icon.Critical, strings.UNEXPECTED_TITLE,
                strings.UNEXPECTED_TEXT)


def log_unexpected(exc: BaseException) -> None:
    """A bug, for the log: its type and the file, line and function of each frame."""
    frames = (f"  {frame.filename}:{frame.lineno} in {frame.name}"
              for frame in traceback.extract_tb(exc.__traceback__))
    log.error("unexpected %s\n%s", type(exc).__name__, "\n".join(frames))
