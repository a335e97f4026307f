"""xlsx_stream.render_large writes the district's large key-student list without
openpyxl's cell objects: one book rendered by it and by render_workbook must give the same
cells (value, type, number format, quote prefix, font, fill), widths, filter and print
setup — read back by openpyxl and by python-calamine."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest
import python_calamine

from app.reports.sheets import (
    ID,
    RATE,
    TEXT,
    TITLE,
    Book,
    Column,
    Fit,
    Line,
    Sheet,
    Table,
)
from app.reports.workbook import render_workbook
from app.reports.xlsx_stream import render_large

COLUMNS = (Column("学校代码", ID), Column("姓名"), Column("学籍号", ID), Column("日期"),
           Column("时间"), Column("人数"), Column("完成率%", RATE), Column("是否"))
ROWS = (
    ("4131010001", "=HYPERLINK(\"http://x\",\"点我\")", "00123", date(2026, 9, 1),
     datetime(2026, 9, 1, 8, 30, 15), 3, 2.5, True),
    ("4131010002", "@SUM(1)", 110105194912310020, date(2027, 1, 11), None, 0, -1.25, False),
    ("4131010003", "+1+1", "", date(1999, 12, 31), None, -3, 0.1, None),
    ("4131010004", "-2+3", "G1101<&>\"'", None, None, 10**9, 100, "否"),
    ("4131010005", "\tTAB", "李四 ", None, None, 7, 100.0, True),
    (4131010006, " 前后空格 ", "x" * 40, None, None, None, None, "是"),
)


FIT = Fit(minimum=6, maximum=30, sample=None)


def _book(rows: tuple = ROWS, fit: Fit | tuple = FIT) -> Book:
    schools = Table((Column("学校代码", ID), Column("名称", TEXT)),
                    (("4131010001", "一中"), ("4131010002", "=二中")))
    return Book((Sheet("名单's", (
        Line(("标题：各校名单",), TITLE), Line(("说明",)), Line(), schools, Line(),
        Table(COLUMNS, rows, filtered=True)), widths=fit),))


def test_cells_are_written_as_render_workbook_writes_them():
    want = openpyxl.load_workbook(io.BytesIO(render_workbook(_book()))).active
    got = openpyxl.load_workbook(io.BytesIO(render_large(_book()))).active
    assert got.title == want.title
    assert got.max_row == want.max_row == 8 + len(ROWS)
    for r in range(1, want.max_row + 1):
        for c in range(1, len(COLUMNS) + 1):
            a, b = want.cell(r, c), got.cell(r, c)
            where = (r, c, a.value)
            assert b.value == a.value, where
            assert (b.data_type, b.number_format, bool(b.quotePrefix)) == \
                (a.data_type, a.number_format, bool(a.quotePrefix)), where
            assert (bool(b.font.b), b.font.sz or 11) == (bool(a.font.b), a.font.sz or 11), where
            assert b.fill.fgColor.rgb == a.fill.fgColor.rgb, where
    for letter in "ABCDEFGH":
        assert got.column_dimensions[letter].width == want.column_dimensions[letter].width
    assert got.column_dimensions["C"].width >= 40  # an identifier is never clipped
    assert got.auto_filter.ref == want.auto_filter.ref == f"A8:H{8 + len(ROWS)}"
    assert got.print_title_rows == want.print_title_rows == "$8:$8"
    assert got.page_setup.orientation == want.page_setup.orientation == "landscape"
    assert got.page_setup.fitToWidth == 1 and got.page_setup.fitToHeight == 0
    assert got.sheet_properties.pageSetUpPr.fitToPage
    assert not any(c.data_type == "f" for row in got.iter_rows() for c in row)
    assert got["B3"].value is None and got["A8"].value == "学校代码"


def test_fixed_widths_and_a_character_xml_cannot_hold():
    rows = (("4131010001", "a\x01b", "1", None, None, 1, 1.0, "是"),)
    got = openpyxl.load_workbook(io.BytesIO(render_large(_book(rows, (14, 24))))).active
    assert got["B9"].value == "a_x0001_b"  # render_workbook refuses the whole file
    assert got.column_dimensions["A"].width == 14 and got.column_dimensions["B"].width == 24


def test_calamine_reads_it():
    """The district reads schools' lists with python-calamine: the same reader must read
    what the district writes."""
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(render_large(_book())))
    lines = book.get_sheet_by_name("名单's").to_python()
    assert lines[7][:3] == ["学校代码", "姓名", "学籍号"]
    assert lines[8][:4] == ["4131010001", ROWS[0][1], "00123", date(2026, 9, 1)]
    assert lines[9][2] == "110105194912310020" and lines[9][5] == 0
    assert lines[11][2] == "G1101<&>\"'"
    assert lines[13][0] == "4131010006" and lines[13][1] == " 前后空格 "


def test_what_it_does_not_lay_out_is_refused():
    two = Book((_book().sheets[0], _book().sheets[0]))
    with pytest.raises(ValueError):
        render_large(two)
    totals = Book((Sheet("x", (Table(COLUMNS[:1], (("1",),), totals=(("2",),)),)),))
    with pytest.raises(ValueError):
        render_large(totals)
    with pytest.raises(ValueError):
        render_large(Book(_book().sheets, created=datetime(2026, 1, 1)))
