"""Export tables as files: an Excel workbook for people, a JSON file for programs.

Both are byte-for-byte reproducible: the same data and the same `created` time give the
same bytes (the renderer, app/reports/workbook.py, puts `created` where openpyxl stamps
the save time). So a school can re-make an export and show that nothing but the time
changed, and tests can compare exports directly.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from app.reports.sheets import TITLE, Book, Column, Fit, Line, Sheet, Table, columns
from app.services.district.tables import ExportTable

DATA_FORMAT = "qingxin-district-data"
DATA_VERSION = 3
"""3: adds the table "outcomes" (转介就诊结果: referrals by the outcome of their 就诊反馈
this term, suppressed and audited with the others). 2: tables count each instrument once
per term (statistics/term.py), with the columns "instrument", "instrument_name",
"campaigns" in front; 1 counted campaign by campaign
("campaign" in front). The district reads all three (district/aggregate.py)."""
READABLE_VERSIONS = (1, 2, 3)


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


def tables_book(about: Sequence[tuple[str, str]], tables: Sequence[ExportTable],
                created: datetime, title: str) -> Book:
    """A "说明" sheet (what this is, for whom, the suppression legend) and one sheet per
    table: header frozen and filtered, identifiers as text, rates with one decimal,
    column widths fitted to the Chinese text (identifier columns to their longest value),
    printed one page wide with the header on every page, the table's note under it."""
    info = Sheet("说明", (Line((title,), TITLE),
                          Table((Column(""), Column("", wrap=True, top=True)),
                                tuple(about), header=False)),
                 widths=(18, 90))
    sheets = [info]
    for t in tables:
        note = (Line(), Line((f"说明：{t.note}",))) if t.note else ()
        sheets.append(Sheet(t.title, (Table(columns(t.columns), t.rows, filtered=True), *note),
                            widths=Fit(minimum=8, maximum=40), freeze="A2"))
    return Book(tuple(sheets), title=title, created=created)


def tables_xlsx(about: Sequence[tuple[str, str]], tables: Sequence[ExportTable],
                created: datetime, title: str) -> bytes:
    from app.reports.workbook import render_workbook

    return render_workbook(tables_book(about, tables, created, title))
