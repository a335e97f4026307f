"""Printing the referral's letters (告知书, 转介单, 复学评估表) to PDF on a worker.

The suggested file name carries the letter, the referral's number and the date but
never the student's name (no student data in file names, DESIGN.md); the teacher picks
the folder. reportlab takes a moment, so it runs off the GUI thread; the service audits
the print ("student_print") and writes the file before committing it. Afterwards the
box says where the file is, with a button that opens the folder.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QStatusBar, QWidget

from app.services.reports.kinds import letter_kinds
from app.services.reports.letters import print_letter
from app.ui import file_dialogs, messages
from app.ui.casefile import texts
from app.ui.store_context import StoreContext
from app.ui.workers import Op


def letter_title(kind: str) -> str:
    return letter_kinds()[kind].label


def suggested_name(kind: str, referral_id: int, today: date | None = None) -> str:
    day = (today or date.today()).strftime("%Y%m%d")
    return f"{letter_title(kind)}-Z{referral_id:05d}-{day}.pdf"


def ask_and_print(ctx: StoreContext, parent: QWidget, student_id: int, referral_id: int,
                  kind: str) -> Op | None:
    path = file_dialogs.ask_save_path(
        parent, file_dialogs.LETTERS, texts.LETTER_SAVE.format(title=letter_title(kind)),
        suggested_name(kind, referral_id), texts.LETTER_FILTER, ".pdf")
    if path is None:
        return None
    return print_to(ctx, parent, student_id, referral_id, kind, path)


def print_to(ctx: StoreContext, parent: QWidget, student_id: int, referral_id: int,
             kind: str, path: Path) -> Op | None:
    hotlines = ctx.deployment.hotlines
    return ctx.query(parent, lambda store: print_letter(store, student_id, kind, path,
                                                        referral_id=referral_id,
                                                        hotlines=hotlines),
                     lambda out: show_saved(parent, letter_title(kind), out),
                     label=texts.LETTER_PRINTING)


def show_saved(parent: QWidget, title: str, path: Path) -> QStatusBar | QMessageBox:
    """Where the letter went, in the status bar with 打开所在文件夹 beside it (no box
    to click away; messages.notify)."""
    return messages.notify(
        parent, texts.LETTER_DONE.format(title=title, path=path),
        (texts.OPEN_FOLDER,
         lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))),
        title=texts.LETTER_DONE_TITLE, path=path)


def ask_and_print_file(ctx: StoreContext, parent: QWidget, student_id: int) -> Op | None:
    """The whole 一生一策 file as a PDF (what this account may read of it)."""
    path = file_dialogs.ask_save_path(
        parent, file_dialogs.LETTERS, texts.FILE_PRINT_TITLE,
        f"一生一策档案-{date.today():%Y%m%d}.pdf", texts.LETTER_FILTER, ".pdf")
    if path is None:
        return None
    return print_file_to(ctx, parent, student_id, path)


def print_file_to(ctx: StoreContext, parent: QWidget, student_id: int, path: Path
                  ) -> Op | None:
    from app.services.reports.casefile import print_file

    return ctx.query(parent, lambda store: print_file(store, student_id, path),
                     lambda out: show_saved(parent, texts.FILE_PRINT_TITLE, out),
                     label=texts.LETTER_PRINTING)
