"""Application-wide keys: Ctrl+L (锁定) and Ctrl+F (查找学生) from every window.

A QAction's shortcut belongs to one window: Ctrl+L on the main window did nothing while
the student's file window had the focus, and that window covers the 锁定 button — the
screen a teacher most needs to lock fast. Qt's ApplicationShortcut context does not
help either, because a modal dialog (a form opened from the file) shadows the main
window and Qt then refuses the shortcut. So, like the idle watcher (app/ui/idle.py),
one event filter on the whole application sees every key press, in whichever window
has the focus, and runs the key's command before any widget does.

A key is either `always` (the lock: it must win over anything on screen, modal or not)
or held back while a modal dialog waits for an answer (jumping to the student search
behind it would leave the dialog open). A window shown to a student (the kiosk) marks
itself with STUDENT_SCREEN: the keys are the teacher's, and a student's Ctrl+L there
would end the answers in progress (the idle lock still closes it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication

LOCK_KEY = QKeySequence("Ctrl+L")
SEARCH_KEY = QKeySequence("Ctrl+F")
#: A dynamic property set (True) on windows whose keyboard belongs to a student.
STUDENT_SCREEN = "qingxin_student_screen"


def key_text(key: QKeySequence) -> str:
    """The key as the teacher reads it in a tooltip or the guide ("Ctrl+L")."""
    return key.toString(QKeySequence.SequenceFormat.NativeText)


@dataclass(frozen=True)
class Binding:
    key: QKeySequence
    command: Callable[[], object]
    always: bool  # also while a modal dialog is open


class AppKeys(QObject):
    """The application's keys; `bind` adds one. Installed on QApplication when made."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bindings: list[Binding] = []
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def bind(self, key: QKeySequence, command: Callable[[], object], *,
             always: bool = False) -> None:
        self._bindings.append(Binding(key, command, always))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        pressed = QKeySequence(event.keyCombination())
        for binding in self._bindings:
            if pressed == binding.key and self._applies(binding):
                binding.command()
                return True
        return False

    @staticmethod
    def _applies(binding: Binding) -> bool:
        window = QApplication.activeWindow()
        while window is not None:  # the kiosk, or its password prompt
            if window.property(STUDENT_SCREEN):
                return False
            window = window.parentWidget()
        return binding.always or QApplication.activeModalWidget() is None
