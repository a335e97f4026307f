"""Saving a list or a campaign's results as an Excel workbook, optionally with a password.

One path for every workbook of students' names that the GUI saves: the sheet is built in
the private folder beside the database (openpyxl's temporary files must not land in the
system TEMP), protected if the teacher asked, written atomically owner-only, and only
then audited as `student_export` — a file whose export could not be recorded is removed,
so the log never misses a copy that exists, nor records one that does not.

**Password protection** is the Office standard (ECMA-376 Agile encryption: AES-256,
SHA-512, 100,000 spins) done by msoffcrypto-tool, never a home-made cipher: Excel, WPS
and LibreOffice ask for the password on opening. A sheet "protection" password (which
only stops editing) would not keep the names from anyone who opens the file.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.atomic import describe, write_atomic
from app.changes import NOTHING, Changes
from app.errors import BadInputError
from app.paths import scratch_dir
from app.reports.sheets import Book, Fit, Sheet, Table, columns
from app.services import audit
from app.services.lists.tables import ListTable
from app.store.handle import Store
from app.store.scratch import private_temp
from app.winfaults import FileFault, remove_retrying

MIN_PASSWORD = 6
"""As long as the program's own passwords' floor for a file that travels on a USB stick."""


def check_file_password(password: str | None) -> None:
    """None means no password; an empty or short one is refused, naming the field."""
    if password is None:
        return
    if len(password) < MIN_PASSWORD or password.strip() != password:
        raise BadInputError(f"文件打开密码至少 {MIN_PASSWORD} 位，且首尾不能是空格。")


def protect(data: bytes, password: str) -> bytes:
    """The workbook encrypted with `password` (Office Agile encryption)."""
    from msoffcrypto.format.ooxml import OOXMLFile  # only when a password is asked for

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def save_workbook(store: Store, path: Path, build: Callable[[], bytes], *,
                  password: str | None, target_kind: str, target_id: str | int,
                  detail: str) -> Path:
    """Build, protect, write and audit one workbook (see the module's docstring)."""
    check_file_password(password)
    path = Path(path)
    try:
        with private_temp(store.path):
            data = build()
    except OSError as err:  # openpyxl's temporary sheet, beside the database
        raise BadInputError(describe(err, scratch_dir(store.path) / "sheet.xml"),
                            detail=f"{type(err).__name__}: {err.errno}") from None
    if password is not None:
        data = protect(data, password)
        detail += "，已设打开密码"
    write_atomic(path, data, private=True)
    try:
        audit.record_for(store, "student_export", target_kind, target_id, detail)
    except BaseException:
        with contextlib.suppress(OSError, FileFault):
            remove_retrying(path)
        raise
    return path


def list_sheet(table: ListTable) -> Book:
    """One sheet: the header with filters, identifiers as text, printable on A4."""
    return Book((Sheet(table.title, (Table(columns(table.header), tuple(map(tuple, table.rows)),
                                           filtered=True),),
                       widths=Fit(), freeze="C2", fallback="名单"),))


def list_workbook(table: ListTable) -> bytes:
    from app.reports.workbook import WorkbookOptions, render_workbook

    return render_workbook(list_sheet(table), WorkbookOptions(streaming=True))


@dataclass(frozen=True)
class ListExported:
    path: Path
    rows: int
    changes: Changes = field(kw_only=True)


def export_list_xlsx(store: Store, table: ListTable, path: Path, *,
                     password: str | None = None, target_kind: str = "student",
                     target_id: str | int = "") -> ListExported:
    """A list saved as a workbook, audited with its title and row count."""
    saved = save_workbook(store, path, lambda: list_workbook(table), password=password,
                          target_kind=target_kind, target_id=target_id,
                          detail=f"{table.title} xlsx，{len(table.rows)} {table.unit}")
    return ListExported(saved, len(table.rows), changes=NOTHING)
