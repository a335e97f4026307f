"""The rows a roster import could not take, as a workbook the teacher can send back to
whoever keeps the 学籍 list: row, 学籍号, 姓名, column and reason for each.

It holds names, so writing it is audited (`student_export` on the roster) and it is
written under a temporary name and renamed when complete, as every export is.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

from app.atomic import write_atomic
from app.changes import NOTHING, ChangesWith
from app.reports.sheets import Book, Fit, Sheet, Table, columns
from app.services import audit
from app.services.capabilities import MANAGE_ROSTER, require
from app.services.roster.file import RowProblem
from app.store.handle import Store
from app.store.scratch import private_temp
from app.winfaults import FileFault, remove_retrying

HEADER = ["行号", "学籍号", "姓名", "列", "无法导入的原因"]


def rejected_sheet(rows: Sequence[RowProblem]) -> Book:
    body = tuple((p.row_number, p.student_no, p.name, p.column, p.message) for p in rows)
    return Book((Sheet("无法导入", (Table(columns(HEADER), body, filtered=True),), widths=Fit()),))


def export_rejected(store: Store, rows: Sequence[RowProblem],
                    path: Path) -> ChangesWith[Path]:
    require(store, MANAGE_ROSTER)
    path = Path(path)
    from app.reports.workbook import WorkbookOptions, render_workbook

    with private_temp(store.path):  # the write-only sheet's temporary file holds names
        data = render_workbook(rejected_sheet(rows), WorkbookOptions(streaming=True))
    write_atomic(path, data, private=True)
    try:
        audit.record_for(store, "student_export", "roster", "",
                         f"名册中无法导入的行 xlsx，{len(rows)} 行")
    except BaseException:
        with contextlib.suppress(OSError, FileFault):
            remove_retrying(path)
        raise
    return ChangesWith(path, NOTHING)
