"""Names for a saved report or sealed export, and telling the teacher where it went.

Suggested names carry the campaign, the scope (全校 / a grade / a class) or the school
code and term, and the date — never a student's name or 学籍号 (no student data in file
names). The teacher picks the folder (app/ui/file_dialogs.py); afterwards one box says
where the file is, with a button that opens the folder.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from app.ui import messages
from app.ui.reports import texts


def day_text(today: date | None = None) -> str:
    return (today or date.today()).strftime("%Y%m%d")


def open_folder(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


def show_saved(parent: QWidget, title: str, text: str, path: Path) -> QMessageBox:
    box = messages.inform(parent, title, text)
    button = box.addButton(texts.OPEN_FOLDER, QMessageBox.ButtonRole.ActionRole)
    button.clicked.connect(lambda: open_folder(path))
    return box
