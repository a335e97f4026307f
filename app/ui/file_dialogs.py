"""Every open, save and folder dialog of the program starts here, in a sensible folder.

Qt's dialogs start in the working directory when given a bare file name or none — the
program's own folder when started from its shortcut: on Windows the install folder,
unwritable, or where a teacher would leave a student list beside the program. So each
dialog names its kind of file and starts in the folder last used for that kind (kept per
Windows/Linux user in QSettings: the kind and a folder path, nothing else), else in
Documents — never the working directory.

A kind may prefer a removable drive (app/removable_drives.py): the recovery code's PDF
must not stay on this computer, so its dialog opens on the first USB stick plugged in
and is never remembered (a later code, a year on, would otherwise start wherever the
first one went); backups go to a stick unless one was used before. With no stick the
dialog opens in Documents and the teacher decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from app.removable_drives import removable_drives

SETTINGS_GROUP = "folders"
_NOT_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass(frozen=True)
class FileKind:
    key: str  # the QSettings key under "folders/"
    remember: bool = True
    removable_first: bool = False


ROSTER = FileKind("roster")  # 名册 in, its refused rows out
ANSWERS = FileKind("answers")  # 问卷星 and other answer files
REPORTS = FileKind("reports")  # a campaign's group and individual PDFs
LETTERS = FileKind("letters")  # referral letters and the printed 一生一策 file
ATTACHMENTS = FileKind("attachments")  # scans of the hospital's 回执 and 病历证明, in and out
LISTS = FileKind("lists")  # 动态信息库, 重点名单, 复核名单, a campaign's results as Excel
DISTRICT = FileKind("district")  # the sealed export and the school's key for the district
BACKUPS = FileKind("backups", removable_first=True)
RECOVERY = FileKind("recovery", remember=False, removable_first=True)


def safe_file_name(text: str) -> str:
    """A campaign name may hold "/" or ":" (e.g. "2026/10 PHQ-9"), which Windows refuses."""
    return _NOT_IN_NAMES.sub("_", text).strip().rstrip(". ") or "_"


def settings() -> QSettings:
    """The per-user settings file (…/Qingxin/dialogs.ini), outside the data folder: it
    holds no school data and is not part of a backup."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                     "Qingxin", "dialogs")


def documents_folder() -> Path:
    return Path(QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home()))


def start_folder(kind: FileKind) -> Path:
    """Where `kind`'s dialog opens: the last folder used for it while it still exists,
    then (for kinds that prefer one) a removable drive, then Documents."""
    if kind.remember:
        last = settings().value(f"{SETTINGS_GROUP}/{kind.key}", "", type=str)
        if last and Path(last).is_dir():
            return Path(last)
    if kind.removable_first:
        drives = removable_drives()
        if drives:
            return drives[0]
    return documents_folder()


def remember(kind: FileKind, folder: Path) -> None:
    if kind.remember:
        settings().setValue(f"{SETTINGS_GROUP}/{kind.key}", str(folder))


def ask_save_path(parent: QWidget | None, kind: FileKind, title: str, file_name: str,
                  file_filter: str, suffix: str) -> Path | None:
    """The chosen path, with `suffix` added if the teacher typed a name without it; None
    if the dialog was cancelled. `file_name` is only a name: the folder is the kind's."""
    name, _filter = QFileDialog.getSaveFileName(
        parent, title, str(start_folder(kind) / file_name), file_filter)
    if not name:
        return None
    path = Path(name)
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    remember(kind, path.parent)
    return path


def ask_open_path(parent: QWidget | None, kind: FileKind, title: str,
                  file_filter: str) -> Path | None:
    name, _filter = QFileDialog.getOpenFileName(parent, title, str(start_folder(kind)),
                                                file_filter)
    if not name:
        return None
    path = Path(name)
    remember(kind, path.parent)
    return path


def ask_folder(parent: QWidget | None, kind: FileKind, title: str) -> Path | None:
    name = QFileDialog.getExistingDirectory(parent, title, str(start_folder(kind)))
    if not name:
        return None
    remember(kind, Path(name))
    return Path(name)
