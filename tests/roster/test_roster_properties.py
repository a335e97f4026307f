"""Whatever a roster file holds, the reader gives rows, row problems or a BadInputError:
never a traceback, never a row that breaks the RosterRow rules."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import BadInputError
from app.services.roster.file import RosterFile, read_roster

HEADERS = ["学籍号", "学生姓名", "性别", "年级", "班级", "出生日期", "家长姓名", "联系电话",
           "身份证号", "序号", "学号", "班别"]
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

# Characters an .xlsx cannot hold (openpyxl refuses them), so no office file has them.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

SPREADSHEET_TEXT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789一二三四五六七八九十初高年级班()（）.-/男女MF１２３　 ",
            max_size=12),
    st.sampled_from(["男", "女", "初一(3)班", "703", "七年级", "2012-03-05", "1.10105E+17",
                     "12345.0", "无", "", " ", "合计", "学籍号", "X"]),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=4), st.integers(2000, 10000)),
).map(lambda s: _XML_ILLEGAL.sub("", s))
CELL = st.one_of(
    SPREADSHEET_TEXT,
    st.integers(-10**20, 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.none(),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
)


@st.composite
def grids(draw: st.DrawFn) -> list[list[object]]:
    """A header (usually a usable one, sometimes not) under optional title rows, then
    rows of arbitrary cells."""
    width = draw(st.integers(1, 9))
    header = draw(st.lists(st.one_of(st.sampled_from(HEADERS), SPREADSHEET_TEXT),
                           min_size=width, max_size=width))
    if draw(st.booleans()):
        header[:4] = ["学籍号", "姓名", "性别", "班级"][:width]
    titles = draw(st.lists(st.lists(CELL, max_size=3), max_size=3))
    body = draw(st.lists(st.lists(CELL, min_size=width, max_size=width), max_size=12))
    return [*titles, header, *body]


def check(result: RosterFile) -> None:
    """Rows keep the RosterRow rules; a row is either taken or has problems, never both."""
    numbers = [r.row_number for r in result.rows]
    assert numbers == sorted(set(numbers))
    assert len({r.student_no for r in result.rows}) == len(result.rows)
    for r in result.rows:
        assert re.fullmatch(r"[0-9A-Z][0-9A-Z_-]{0,39}", r.student_no)
        assert r.name and len(r.name) <= 30
        assert r.gender in ("M", "F")
        assert 1 <= r.grade <= 12
        assert 1 <= r.class_number <= 99
        assert r.birth_date is None or isinstance(r.birth_date, date)
        assert r.guardian_phone is None or len(r.guardian_phone) <= 40
    assert not set(numbers) & {p.row_number for p in result.problems}
    for p in result.problems:
        assert p.row_number >= 1
        assert isinstance(p.column, str)
        assert p.message


def read_or_refuse(path: Path) -> None:
    try:
        result = read_roster(path, today=date(2026, 9, 1))
    except BadInputError as err:
        assert err.message
        return
    check(result)


@SETTINGS
@given(grids(), st.lists(st.tuples(st.integers(0, 8), st.integers(0, 12), st.integers(1, 5)),
                         max_size=3))
def test_any_xlsx_gives_rows_problems_or_bad_input(
        tmp_path: Path, grid: list[list[object]], merges: list[tuple[int, int, int]]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in grid:
        ws.append(line)
    used: set[int] = set()
    for column, top, height in merges:
        if column not in used:
            used.add(column)
            ws.merge_cells(start_row=top + 1, start_column=column + 1,
                           end_row=top + height, end_column=column + 1)
    path = tmp_path / "roster.xlsx"
    wb.save(path)
    read_or_refuse(path)


@SETTINGS
@given(grids(), st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
       st.sampled_from([",", "\t"]))
def test_any_csv_gives_rows_problems_or_bad_input(
        tmp_path: Path, grid: list[list[object]], encoding: str, delimiter: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(grid)
    path = tmp_path / "roster.csv"
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
    read_or_refuse(path)


@SETTINGS
@given(st.sampled_from([b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<html>",
                        b"\xef\xbb\xbf", b"\xff\xfe"]),
       st.binary(max_size=2000),
       st.sampled_from([".xlsx", ".xls", ".csv", ".txt", ".xlsb", ".ods"]))
def test_any_bytes_give_rows_problems_or_bad_input(
        tmp_path: Path, magic: bytes, data: bytes, suffix: str) -> None:
    path = tmp_path / f"roster{suffix}"
    path.write_bytes(magic + data)
    read_or_refuse(path)
