"""Asking before typed text is thrown away: one guard any dialog installs.

A teacher who has typed a note and presses Esc, clicks 取消 or closes the window is
asked 放弃 or 继续填写 first; a dialog with nothing typed since it opened closes at once.
Only what the user does is guarded: Esc, the window's close button and the dialog's
own cancel path (`request_close`). A programmatic `reject()` — the idle lock closing
every dialog — is never held up by a question.

"Typed" means an editable text field (a multi-line note, a one-line entry that is not
a password) whose text differs from what it held when the dialog was first shown.
The question is a window-modal box opened with `open()`, like every box here, so no
nested event loop runs.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from app.ui import strings

TextField = QPlainTextEdit | QLineEdit


def _text(field: TextField) -> str:
    return field.toPlainText() if isinstance(field, QPlainTextEdit) else field.text()


def text_fields(root: QWidget) -> list[TextField]:
    """The fields under `root` a person types into: not read-only, not a password, not
    the line inside a date or number box or a combo box."""
    fields: list[TextField] = [f for f in root.findChildren(QPlainTextEdit)
                               if not f.isReadOnly()]
    fields += [f for f in root.findChildren(QLineEdit)
               if not f.isReadOnly() and f.echoMode() == QLineEdit.EchoMode.Normal
               and not isinstance(f.parentWidget(), QAbstractSpinBox | QComboBox)]
    return fields


class UnsavedGuard(QObject):
    """Installed on its dialog, which is also its Qt parent.

    The dialog is read back from Qt (`parent()`), not kept in a Python attribute, and
    the state has class-level defaults: when the garbage collector breaks a cycle that
    holds the guard's wrapper it empties the wrapper's `__dict__`, while the C++ guard
    lives on with its dialog and still receives that dialog's events (seen in a full
    test run: "'UnsavedGuard' object has no attribute 'dialog'" from eventFilter). With
    nothing in `__dict__` that eventFilter needs, such an event is simply let through."""

    start: dict[TextField, str] | None = None
    """The text of each field when the dialog was first shown."""
    box: QMessageBox | None = None
    """The open 放弃/继续填写 question, if any."""

    def __init__(self, dialog: QDialog) -> None:
        super().__init__(dialog)
        dialog.installEventFilter(self)

    @property
    def dialog(self) -> QDialog:
        return self.parent()  # type: ignore[return-value]

    def typed(self) -> bool:
        if self.start is None:
            return False
        return any(_text(f).strip() and _text(f) != before
                   for f, before in self.start.items())

    def request_close(self) -> None:
        """The user asked to leave (取消, Esc, the close button): ask if text would go."""
        if not self.typed():
            self.dialog.reject()
            return
        if self.box is not None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, strings.DISCARD_TITLE,
                          strings.DISCARD_TEXT, QMessageBox.StandardButton.NoButton,
                          self.dialog)
        discard = box.addButton(strings.DISCARD_YES, QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(strings.DISCARD_NO, QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _result: self._answered(box.clickedButton() is discard))
        self.box = box
        box.open()

    def _answered(self, discard: bool) -> None:
        self.box = None
        if discard:
            self.dialog.reject()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.parent():
            return False
        if event.type() == QEvent.Type.Show and self.start is None:
            self.start = {f: _text(f) for f in text_fields(self.dialog)}
        elif (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
              and event.key() == Qt.Key.Key_Escape and self.typed()):
            self.request_close()
            return True
        elif event.type() == QEvent.Type.Close and event.spontaneous() and self.typed():
            event.ignore()
            self.request_close()
            return True
        return False


def guard_unsaved(dialog: QDialog) -> UnsavedGuard:
    return UnsavedGuard(dialog)
