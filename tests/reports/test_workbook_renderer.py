"""The one workbook renderer (app/reports/workbook.py) over sheets made by hand: every rule
of app/reports/sheets.py is in the bytes it returns, without a store or a service."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest

from app.reports.sheets import (
    HEADING,
    ID,
    NUMBER,
    RATE,
    TEXT,
    TITLE,
    Book,
    Column,
    Fit,
    Line,
    Sheet,
    Table,
    columns,
)
from app.reports.workbook import WorkbookOptions, render_workbook

HOSTILE = "=HYPERLINK(\"http://x\",\"点我\")"
LONG_ID = "1101050000000000000000000000000000000000000000000000000000000000000012"


def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _table_sheet(**kw) -> Sheet:
    cols = (Column("学籍号", ID), Column("姓名"), Column("分数", NUMBER),
            Column("日期", "date"), Column("完成率%", RATE))
    rows = ((110105, HOSTILE, -3, date(2026, 9, 1), 93.25),
            ("00123", "张三", 12.5, datetime(2026, 9, 1, 8, 30), 100),
            (LONG_ID, True, None, None, "<5"))
    return Sheet("名单/一", (Table(cols, rows, filtered=True),), widths=Fit(), **kw)


@pytest.mark.parametrize("streaming", [False, True])
def test_cells_follow_the_rules(streaming):
    ws = _book(render_workbook(Book((_table_sheet(freeze="C2"),)),
                               WorkbookOptions(streaming=streaming))).active
    assert ws.title == "名单_一"
    header = [c.value for c in ws[1]]
    assert header == ["学籍号", "姓名", "分数", "日期", "完成率%"]
    assert all(c.font.b and c.fill.fgColor.rgb.endswith("EFEFEF") for c in ws[1])
    no, name, score, when, share = ws[2]
    assert (no.value, no.data_type, no.number_format) == ("110105", "s", "@")
    assert name.value == HOSTILE and name.data_type == "s" and name.quotePrefix
    assert score.value == -3 and score.data_type == "n" and not score.quotePrefix
    assert when.value == datetime(2026, 9, 1) and when.number_format == "yyyy-mm-dd"
    assert share.value == 93.25 and share.number_format == "0.0"
    assert ws["A3"].value == "00123" and ws["D3"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert ws["B4"].value == "是" and ws["C4"].value is None
    assert ws["E4"].value == "<5" and ws["E4"].number_format == "General"
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref == "A1:E4"
    assert ws.print_title_rows == "$1:$1" and ws.page_setup.orientation == "portrait"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.column_dimensions["A"].width >= len(LONG_ID)  # an ID is never clipped
    assert ws.column_dimensions["B"].width <= 60


def test_a_wide_table_prints_landscape_and_kinds_come_from_headings():
    cols = columns(["学校代码", "a", "b", "c", "d", "e", "f", "占比%"])
    assert [c.kind for c in cols] == [ID, *[TEXT] * 6, RATE]
    ws = _book(render_workbook(Book((Sheet("x", (Table(cols, (("007", 1, 2, 3, 4, 5, 6, 7),),
                                                          filtered=True),)),)))).active
    assert ws.page_setup.orientation == "landscape"
    assert ws["A2"].value == "007" and ws["H2"].number_format == "0.0"


def test_lines_blocks_totals_and_names():
    wide = Table(columns(["学校代码", "a", "b", "c"]), (("002", 1, 2, 3),))
    block = Table(columns(["学校代码", "人数", "占比%"]), (("001", 3, 50.0),),
                  totals=(("全区", 6, None),))
    sheet = Sheet("分级", (Line(("标题",), TITLE), Line(("量表",), HEADING), wide, block, Line(),
                          Line(("说明：注",))), widths=(14, 24))
    data = render_workbook(Book((sheet, Sheet("分级", (Line(("x",)),)),
                                 Sheet("a" * 40, ()), Sheet("", (), fallback="备用"))))
    wb = _book(data)
    assert wb.sheetnames == ["分级", "分级(2)", "a" * 31, "备用"]
    ws = wb["分级"]
    assert ws["A1"].font.sz == 14 and ws["A2"].font.sz == 12 and ws["A2"].font.b
    assert [c.value for c in ws[3]] == ["学校代码", "a", "b", "c"]
    assert [c.value for c in ws[5]] == ["学校代码", "人数", "占比%", None]
    assert ws["C6"].number_format == "0.0" and ws["A6"].number_format == "@"
    total = ws[7]
    assert total[0].value == "全区" and total[0].number_format == "@"
    # the band of colour spans the sheet's width, past the block's own columns
    assert all(c.font.b and c.fill.fgColor.rgb.endswith("FFF5D6") for c in total)
    assert ws["A8"].value is None and ws["A9"].value == "说明：注"
    assert ws.column_dimensions["A"].width == 14 and ws.column_dimensions["B"].width == 24
    assert ws.auto_filter.ref is None and ws.print_title_rows is None


def test_wrapped_columns_and_a_sheet_without_print_setup():
    info = Sheet("说明", (Table((Column(""), Column("", wrap=True, top=True)),
                                (("键", "很长的说明"),), header=False),), printed=False)
    ws = _book(render_workbook(Book((info,)))).active
    assert ws["A1"].value == "键" and not ws["A1"].alignment.wrap_text
    assert ws["B1"].alignment.wrap_text and ws["B1"].alignment.vertical == "top"
    assert not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage


def test_a_book_with_a_creation_time_is_reproducible():
    created = datetime(2026, 1, 20, 8, 0, tzinfo=UTC)
    book = Book((_table_sheet(),), title="统计表", created=created)
    first, second = render_workbook(book), render_workbook(book)
    assert first == second
    wb = _book(first)
    assert wb.properties.creator == "青心" and wb.properties.title == "统计表"
    assert wb.properties.created == datetime(2026, 1, 20, 8, 0)


def test_progress_is_told_and_a_failure_closes_the_sheets():
    heard: list[tuple[int, int]] = []
    rows = tuple((str(i), i) for i in range(1200))
    book = Book((Sheet("s", (Table(columns(["学籍号", "n"]), rows, filtered=True),)),))
    render_workbook(book, WorkbookOptions(streaming=True,
                                          progress=lambda d, t: heard.append((d, t))))
    assert heard == [(0, 1200), (500, 1200), (1000, 1200), (1200, 1200)]

    def cancel(done: int, total: int) -> None:
        if done:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        render_workbook(book, WorkbookOptions(streaming=True, progress=cancel))


def test_a_column_kind_must_be_known_and_one_table_per_sheet_is_filtered():
    with pytest.raises(ValueError):
        Column("x", "money")
    t = Table(columns(["a"]), filtered=True)
    with pytest.raises(ValueError):
        render_workbook(Book((Sheet("s", (t, t)),)))
