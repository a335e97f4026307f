"""Export tables as files: an Excel workbook for people, a JSON file for programs.

Both are byte-for-byte reproducible: the same data and the same `created` time give the
same bytes (openpyxl stamps the save time into the workbook and into every zip entry;
both are replaced by `created`). So a school can re-make an export and show that nothing
but the time changed, and tests can compare exports directly.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from app.services.district.tables import ExportTable
from app.services.sheet_output import (
    append_row,
    fit_widths,
    header_filter,
    id_columns,
    print_setup,
    rate_columns,
    sheet_title,
)

DATA_FORMAT = "qingxin-district-data"
DATA_VERSION = 2
"""2: tables count each instrument once per term (statistics/term.py), with the columns
"instrument", "instrument_name", "campaigns" in front; 1 counted campaign by campaign
("campaign" in front). The district reads both (district/aggregate.py)."""
READABLE_VERSIONS = (1, 2)
_WRAP = Alignment(wrap_text=True, vertical="top")


def utc_text(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def data_json(about: dict[str, object], tables: Sequence[ExportTable]) -> bytes:
    """Canonical JSON (sorted keys, no whitespace, UTF-8): what `district aggregate`
    reads. Columns are the stable codes; rows are lists in that order."""
    doc = {"format": DATA_FORMAT, "version": DATA_VERSION, **about,
           "tables": {t.code: {"title": t.title, "columns": list(t.keys),
                               "labels": list(t.columns), "rows": [list(r) for r in t.rows],
                               "note": t.note} for t in tables}}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def tables_xlsx(about: Sequence[tuple[str, str]], tables: Sequence[ExportTable],
                created: datetime, title: str) -> bytes:
    """A "说明" sheet (what this is, for whom, the suppression legend) and one sheet per
    table: header frozen and filtered, identifiers as text, column widths fitted to the
    Chinese text (identifier columns to their longest value), printed one page wide with
    the header on every page. Cells go through sheet_output (formula-safe text, numbers
    and dates as such)."""
    wb = Workbook()
    info = wb.active
    info.title = "说明"
    append_row(info, [title])
    info["A1"].font = Font(bold=True, size=14)
    for key, value in about:
        append_row(info, [key, value])
    info.column_dimensions["A"].width = 18
    info.column_dimensions["B"].width = 90
    for row in info.iter_rows(min_row=2):
        row[1].alignment = _WRAP
    print_setup(info, header_row=None, columns=2)
    for t in tables:
        ws = wb.create_sheet(sheet_title(t.title, wb.sheetnames))
        ids, rates = id_columns(t.columns), rate_columns(t.columns)
        append_row(ws, t.columns, header=True)
        for row in t.rows:
            append_row(ws, row, text_columns=ids, rate_columns=rates)
        ws.freeze_panes = "A2"
        header_filter(ws, 1, len(t.columns), len(t.rows) + 1)
        fit_widths(ws, [t.columns, *t.rows[:200]], minimum=8, maximum=40, exact=ids)
        print_setup(ws, columns=len(t.columns))
        if t.note:
            ws.append([])
            append_row(ws, [f"说明：{t.note}"])
    naive = created.astimezone(UTC).replace(tzinfo=None)
    wb.properties.creator = "青心"
    wb.properties.title = title
    wb.properties.created = naive
    buffer = io.BytesIO()
    wb.save(buffer)
    return _fix_times(buffer.getvalue(), naive)


_W3CDTF = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _fix_times(data: bytes, when: datetime) -> bytes:
    """Re-zip with `when` as every entry's time and as the workbook's modified time."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = _W3CDTF.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            info = zipfile.ZipInfo(item.filename, date_time=(max(when.year, 1980), when.month,
                                                             when.day, when.hour, when.minute,
                                                             when.second))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, content)
    return out.getvalue()
