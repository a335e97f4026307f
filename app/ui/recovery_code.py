"""The recovery code, shown once: at setup, and again each time a used code is replaced.

One panel for both places (the setup wizard's last page and the dialog after a password
was reset with the code): the code in large type, print / save as PDF / copy, and the
"我已妥善保存恢复码" box that must be ticked before the window may close, because the
code cannot be shown again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui import strings
from app.ui.file_dialogs import RECOVERY, ask_save_path
from app.ui.fonts import MONO_FAMILY
from app.ui.form_widgets import hint_label

RECOVERY_CODE_STYLE = "border: 1px solid #2f7d6d; background: white; padding: 14px;"


class RecoveryCodePanel(QWidget):
    """`school()` names the school on the printed sheet (read when printing)."""

    def __init__(self, hint: str, school: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._school = school
        self.code = QLabel()
        code_font = QFont(MONO_FAMILY)
        code_font.setPointSize(16)
        code_font.setBold(True)
        code_font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 1.5)
        self.code.setFont(code_font)
        self.code.setStyleSheet(RECOVERY_CODE_STYLE)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.print_button = QPushButton(strings.SETUP_PRINT)
        self.pdf_button = QPushButton(strings.SETUP_SAVE_PDF)
        self.copy_button = QPushButton(strings.SETUP_COPY)
        self.print_button.clicked.connect(self.print_code)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.copy_button.clicked.connect(self.copy_code)
        self.note = hint_label()
        self.saved = QCheckBox(strings.SETUP_SAVED_CHECK)
        buttons = QHBoxLayout()
        for button in (self.print_button, self.pdf_button, self.copy_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(hint_label(hint))
        layout.addSpacing(8)
        layout.addWidget(self.code)
        layout.addSpacing(8)
        layout.addLayout(buttons)
        layout.addWidget(self.note)
        layout.addStretch(1)
        layout.addWidget(self.saved)

    def _document(self) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(QGuiApplication.font())
        code = escape(self.code.text())
        doc.setHtml(
            f"<h2>{escape(strings.SETUP_PRINT_HEADING)}</h2>"
            f"<p>{escape(strings.SETUP_PRINT_SCHOOL.format(school=self._school()))}</p>"
            f"<p style='font-family:\"{MONO_FAMILY}\"; font-size:20pt'><b>{code}</b></p>"
            f"<p>{escape(strings.SETUP_PRINT_BODY)}</p><p>{date.today().isoformat()}</p>")
        return doc

    def print_code(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._document().print_(printer)

    def save_pdf(self) -> Path | None:
        """The dialog opens on a USB stick if one is plugged in (the code must not stay
        on this computer), else in Documents, and the teacher chooses."""
        path = ask_save_path(self, RECOVERY, strings.SETUP_SAVE_PDF_TITLE,
                             strings.SETUP_PDF_NAME, "PDF (*.pdf)", ".pdf")
        return None if path is None else self.write_pdf(path)

    def write_pdf(self, path: Path) -> Path:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        self._document().print_(printer)
        self.note.setText(strings.SETUP_PDF_WARNING)
        return path

    def copy_code(self) -> None:
        QGuiApplication.clipboard().setText(self.code.text())
        self.note.setText(strings.SETUP_COPIED)


class NewRecoveryCodeDialog(QDialog):
    """After a recovery code was used (or a re-key had to replace it): the new code,
    once. Closing is refused until "我已妥善保存恢复码" is ticked."""

    def __init__(self, code: str, school: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(strings.NEW_RECOVERY_TITLE)
        self.setMinimumWidth(680)
        self.panel = RecoveryCodePanel(strings.NEW_RECOVERY_HINT, lambda: school, self)
        self.panel.code.setText(code)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.panel.saved.toggled.connect(self.ok.setEnabled)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addWidget(self.buttons)

    def reject(self) -> None:
        if self.panel.saved.isChecked():
            super().reject()
