"""What people read in the district files: Chinese labels in every sheet (codes only in
columns named …代码, and in the JSON), rates with one decimal, one term format."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl

from app.deployment import ReportPolicy
from app.services.district.aggregate import Collected, Submission
from app.services.district.export import preview_export
from app.services.district.workbook import district_workbook
from app.terms import period_text
from tests.export.export_helpers import CREATED, deployment

CODES = {"all", "grade", "gender", "class", "crisis", "key", "general", "none", "phq9", "gad7",
         "mht", "M", "F"}


def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _check_sheets(book: openpyxl.Workbook, header_row_of) -> int:  # type: ignore[no-untyped-def]
    """No machine code outside a …代码 column; every rate one decimal, shown so. Returns
    how many rate cells were seen."""
    rates = 0
    for ws in book.worksheets[1:]:
        top = header_row_of(ws)
        if top is None:
            continue
        header = [c.value for c in ws[top]]
        for row in ws.iter_rows(min_row=top + 1):
            for head, cell in zip(header, row, strict=False):
                if not isinstance(head, str):
                    continue
                if not head.endswith("代码"):
                    assert cell.value not in CODES, (ws.title, head, cell.value)
                if (head.endswith("%") or "百分点" in head) and isinstance(cell.value, float | int):
                    assert round(cell.value, 1) == cell.value, (ws.title, head, cell.value)
                    assert cell.number_format == "0.0", (ws.title, head, cell.number_format)
                    rates += 1
    return rates


def test_school_export_and_district_workbook_speak_chinese(store, screened_school, district_key):
    school = screened_school
    preview = preview_export(store, school.period, deployment(district_key, "counts"),
                             created=CREATED)
    book = _book(preview.files[0].data)
    about = {r[0]: r[1] for r in book["说明"].iter_rows(values_only=True)}
    assert about["学期"] == f"{period_text(school.period)}（{school.period}）"
    assert period_text(school.period).endswith("学年第一学期")
    assert _check_sheets(book, lambda ws: 1) > 0
    kinds = {r[4] for r in book["参测情况"].iter_rows(min_row=2, values_only=True) if r[3]}
    assert kinds == {"全校", "年级"}
    bands = list(book["分级人数"].iter_rows(values_only=True))
    col = bands[0].index("建议预警")
    words = {r[col] for r in bands[1:] if r[1]} - {None, ""}
    assert words <= {"危机", "重点关注", "一般关注", "无"}
    # The JSON keeps the codes (and gains the words beside them).
    doc = json.loads(preview.files[2].data)
    table = doc["tables"]["participation"]
    rows = [dict(zip(table["columns"], r, strict=True)) for r in table["rows"]]
    assert {r["group_kind"] for r in rows} == {"all", "grade"}
    assert {r["group_kind_label"] for r in rows} == {"全校", "年级"}
    assert all(r["completion_pct"] is None or round(r["completion_pct"], 1) == r["completion_pct"]
               for r in rows)

    sub = Submission(Path("x.qxseal"), "X1", "学校", school.period, "2027-01-10T08:00:00Z", "",
                     5, "counts", doc["tables"], cells=doc["cells"])
    for policy in (ReportPolicy(), ReportPolicy(cells="exact")):
        district = _book(district_workbook(Collected(school.period, (sub,), ()), CREATED,
                                           policy))
        about = {r[0]: r[1] for r in district["说明"].iter_rows(values_only=True)}
        assert about["学期"] == period_text(school.period)

        def header(ws):  # type: ignore[no-untyped-def]
            return next((r[0].row for r in ws.iter_rows() if r[0].value == "学校代码"), None)

        assert _check_sheets(district, header) > 0
