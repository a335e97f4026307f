"""Where a report or a sealed export is saved, and telling the teacher where it went.

Suggested names carry the campaign, the scope (全校 / a grade / a class) or the school
code and term, and the date — never a student's name or 学籍号 (no student data in file
names). The teacher picks the folder; afterwards one box says where the file is, with a
button that opens the folder.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.ui import messages
from app.ui.reports import texts

_NOT_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def documents_folder() -> Path:
    return Path(QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home()))


def safe_file_name(text: str) -> str:
    """A campaign name may hold "/" or ":" (e.g. "2026/10 PHQ-9"), which Windows refuses."""
    return _NOT_IN_NAMES.sub("_", text).strip().rstrip(". ") or "_"


def day_text(today: date | None = None) -> str:
    return (today or date.today()).strftime("%Y%m%d")


def ask_save_path(parent: QWidget, title: str, suggested: Path, file_filter: str,
                  suffix: str) -> Path | None:
    """The chosen path with `suffix` added if the teacher typed a name without it; None if
    the dialog was cancelled."""
    name, _filter = QFileDialog.getSaveFileName(parent, title, str(suggested), file_filter)
    if not name:
        return None
    path = Path(name)
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    return path


def open_folder(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


def show_saved(parent: QWidget, title: str, text: str, path: Path) -> QMessageBox:
    box = messages.inform(parent, title, text)
    button = box.addButton(texts.OPEN_FOLDER, QMessageBox.ButtonRole.ActionRole)
    button.clicked.connect(lambda: open_folder(path))
    return box
