"""A refusal shown beside the field it is about: focus goes there, and the red line goes
away as soon as that field is changed.

Services refuse with a Chinese sentence that names the field the way the form labels
it (「请填写复学安排」 beside 复学安排：), so the field is found from the message: the
form row whose label occurs in it (the longest such label), else the first note still
empty (then the first empty one-line field) — most refusals are a missing reason or
note. Without either, focus stays where it was, which is never the 取消 button the
disabled OK button used to hand it to.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

LABEL_END = "：:… "


def form_fields(form: QFormLayout) -> list[tuple[str, QWidget]]:
    """(label without its colon, field widget) of every labelled row of `form`."""
    out = []
    for row in range(form.rowCount()):
        label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        if field is None or field.widget() is None:
            continue
        text = label.widget().text() if label and isinstance(label.widget(), QLabel) else ""
        out.append((text.strip().rstrip(LABEL_END), field.widget()))
    return out


def _empty_text(widget: QWidget) -> bool:
    if isinstance(widget, QPlainTextEdit):
        return not widget.isReadOnly() and not widget.toPlainText().strip()
    if isinstance(widget, QLineEdit):
        return not widget.isReadOnly() and not widget.text().strip()
    return False


def field_for(form: QFormLayout, message: str, *more: QFormLayout) -> QWidget | None:
    fields = [(text, w) for f in (form, *more) for text, w in form_fields(f)
              if w.isVisibleTo(w.window())]
    named = [(len(text), w) for text, w in fields if text and text in message]
    if named:
        return max(named, key=lambda n: n[0])[1]
    empty = [w for _text, w in fields if _empty_text(w)]
    # A missing note or reason (a multi-line field) before an optional one-line entry.
    return next((w for w in empty if isinstance(w, QPlainTextEdit)), None) \
        or next(iter(empty), None)


def _watch(widget: QWidget, callback: object) -> None:
    """Call `callback` whenever the value in `widget` (or the inputs inside it) changes."""
    for w in [widget, *widget.findChildren(QWidget)]:
        if isinstance(w, QPlainTextEdit | QLineEdit):
            w.textChanged.connect(callback)
        elif isinstance(w, QComboBox):
            w.currentIndexChanged.connect(callback)
        elif isinstance(w, QDateTimeEdit):
            w.dateTimeChanged.connect(callback)
        elif isinstance(w, QSpinBox):
            w.valueChanged.connect(callback)
        elif isinstance(w, QAbstractButton):
            w.toggled.connect(callback)
        elif isinstance(w, QListWidget):
            w.itemChanged.connect(callback)


class FieldErrors:
    """The inline error line of one form (or of a dialog's several forms, searched in
    order)."""

    def __init__(self, label: QLabel, form: QFormLayout, *more: QFormLayout) -> None:
        self.label = label
        self.form = form
        self.forms = (form, *more)
        self.field: QWidget | None = None
        self._watched: set[int] = set()

    def show(self, message: str, field: QWidget | None = None) -> QWidget | None:
        """Show `message`, focus `field` or else the field the message names; returns
        that field (or None). A dialog's own check passes the field it checked (the
        class list of a campaign, which is in no form row)."""
        self.label.setText(message)
        self.field = field or field_for(self.form, message, *self.forms[1:])
        if self.field is not None:
            if id(self.field) not in self._watched:
                self._watched.add(id(self.field))
                watched = self.field
                _watch(watched, lambda *_args: self._changed(watched))
            focus = self.field if self.field.focusPolicy() else self.field.nextInFocusChain()
            focus.setFocus()
        return self.field

    def clear(self) -> None:
        self.label.clear()
        self.field = None

    def _changed(self, field: QWidget) -> None:
        if field is self.field:
            self.clear()
