"""The rows a roster import could not take, as a workbook the teacher can send back to
whoever keeps the 学籍 list: row, 学籍号, 姓名, column and reason for each.

It holds names, so writing it is audited (`student_export` on the roster) and it is
written under a temporary name and renamed when complete, as every export is.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from app.atomic import write_atomic
from app.services import audit
from app.services.capabilities import MANAGE_ROSTER, require
from app.services.roster.file import RowProblem
from app.services.sheet_output import append_row, fit_widths, header_filter, print_setup
from app.store.handle import Store
from app.winfaults import FileFault, remove_retrying

HEADER = ["行号", "学籍号", "姓名", "列", "无法导入的原因"]


def export_rejected(store: Store, rows: Sequence[RowProblem],
                    path: Path) -> Path:
    require(store, MANAGE_ROSTER)
    path = Path(path)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="无法导入")
    body = [[p.row_number, p.student_no, p.name, p.column, p.message] for p in rows]
    fit_widths(sheet, [HEADER, *body[:200]])
    print_setup(sheet, columns=len(HEADER))
    header_filter(sheet, 1, len(HEADER), len(body) + 1)
    append_row(sheet, HEADER, header=True)
    for values in body:
        append_row(sheet, values, text_columns=(1,))
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(path, buffer.getvalue(), private=True)
    try:
        audit.record_for(store, "student_export", "roster", "",
                         f"名册中无法导入的行 xlsx，{len(rows)} 行")
    except BaseException:
        with contextlib.suppress(OSError, FileFault):
            remove_retrying(path)
        raise
    return path
