"""Names for a saved report or sealed export, and telling the teacher where it went.

Suggested names carry the campaign, the scope (全校 / a grade / a class) or the school
code and term, and the date — never a student's name or 学籍号 (no student data in file
names). The teacher picks the folder (app/ui/file_dialogs.py); afterwards the status bar
says where the file is, with a button that opens the folder (no box to click away).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QStatusBar, QWidget

from app.ui import messages
from app.ui.reports import texts


def day_text(today: date | None = None) -> str:
    return (today or date.today()).strftime("%Y%m%d")


def open_folder(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


def show_saved(parent: QWidget, title: str, text: str,
               path: Path) -> QStatusBar | QMessageBox:
    """In the status bar, with 打开所在文件夹 beside it (messages.notify; a long path is
    shortened in the middle so the button stays in view, the whole text its tooltip)."""
    return messages.notify(parent, text, (texts.OPEN_FOLDER, lambda: open_folder(path)),
                           title=title, path=path)
