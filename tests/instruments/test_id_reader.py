"""The one reader of student-ID cells (identity.read_id) and the files it guards: a
number cell that lost digits, a text ID that a spreadsheet has truncated, or a decimal,
is a problem of its row naming the column and the fix — never a guessed ID."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from app.instruments import load_instrument, read_answers
from app.instruments.identity import ID_FIX, check_digit, read_id, resident_id_problem
from app.services.roster.file import read_roster
from tests.data.answers.make_fixtures import (
    CLASSMATE_IDS,
    CLASSMATE_NAMES,
    as_excel_number,
    classmate_rows,
)

ANSWERS = Path(__file__).resolve().parent.parent / "data" / "answers"


def test_check_digit_is_gb_11643():
    # The standard's worked example (GB 11643-1999, appendix): 11010519491231002X.
    assert check_digit("11010519491231002") == "X"
    assert resident_id_problem("11010519491231002X") == ""
    assert resident_id_problem("G11010519491231002X") == ""
    assert resident_id_problem("g11010519491231002x") == ""


@pytest.mark.parametrize("raw", [
    110105201203051232.0,          # 18 digits typed into a number cell
    2024010123456701,              # 16 digits as an int (some readers give ints)
    float(10**15),                 # the first number Excel cannot promise
])
def test_numbers_that_cannot_hold_the_id_are_refused(raw):
    read = read_id(raw)
    assert read.problem.endswith(ID_FIX) and "存成了数字" in read.problem
    assert "15 位有效数字" in read.problem


def test_decimal_numbers_are_refused_and_whole_numbers_kept():
    assert "带小数" in read_id(20240101.5).problem
    assert read_id(20240101.0) == read_id(20240101) == read_id("20240101")
    assert read_id(20240101.0).text == "20240101" and not read_id(20240101.0).problem
    assert read_id(10**15 - 1).text == "999999999999999"


@pytest.mark.parametrize("text, why", [
    ("110105201203051000", "校验码"),        # a number column saved as text: zeros appended
    ("G110105201203051000", "校验码"),
    ("110105201213051237", "出生日期"),       # month 13, check digit right
    ("1.10105E+17", "科学计数法"),
    ("2.02401e+15", "科学计数法"),
])
def test_truncated_text_ids_are_refused(text, why):
    if why == "出生日期":
        text = text[:17] + check_digit(text[:17])
    read = read_id(text)
    assert why in read.problem and read.problem.endswith(ID_FIX)


def test_birth_date_in_the_future_is_impossible():
    first17 = "11010520300101001"
    problem = resident_id_problem(first17 + check_digit(first17), today=dt.date(2026, 9, 1))
    assert "出生日期 20300101 不存在" in problem


@pytest.mark.parametrize("text", [
    "J110105201203051000",   # J…, L…: other national shapes
    "L20100404",
    "2024010123456700",      # 16 digits: a school's own number, left alone
    "00123",
    "G20260701000004",
])
def test_other_shapes_are_left_alone(text):
    assert read_id(text) == read_id(text).__class__(text)


def test_spellings_are_undone_and_full_width_reported():
    assert read_id('="00123"').text == "00123"
    assert read_id("'00123").text == "00123"
    assert read_id("20240101.0").text == "20240101"
    wide = read_id("Ｇ２０２６ ０７０１")
    assert wide.text == "G20260701" and wide.normalised and not wide.problem
    assert read_id("  ") == read_id(None) == read_id(float("nan"))
    assert read_id(None).text == ""


def _classmates_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    for row in classmate_rows():
        wb.active.append(row)
    wb.save(path)
    return path


def _classmates_csv(path: Path) -> Path:
    """What Excel saves as CSV from number cells: scientific notation (General format)
    for one pair, the 15 kept digits padded with zeros (a number format) for the other."""
    lines = ["学籍号,姓名,班级," + ",".join(f"第{n}题" for n in range(1, 10))]
    shown = ("2.02401E+15", "2.02401E+15", "110105201203051000", "110105201203051000")
    for text, row in zip(shown, classmate_rows()[1:], strict=True):
        lines.append(",".join([text, *map(str, row[1:])]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


@pytest.fixture(params=["xlsx", "xls", "ods", "csv"])
def classmates_file(request, tmp_path) -> Path:
    kind = request.param
    if kind == "xlsx":
        return _classmates_xlsx(tmp_path / "classmates.xlsx")
    if kind == "csv":
        return _classmates_csv(tmp_path / "classmates.csv")
    return ANSWERS / f"classmates.{kind}"


def test_long_numeric_ids_in_every_format_are_row_problems(classmates_file):
    answers = read_answers(classmates_file, load_instrument("phq9"))
    assert sorted(answers.bad_ids) == [2, 3, 4, 5]
    errors = [p for p in answers.errors if p.column == "学籍号"]
    assert [p.row for p in errors] == [2, 3, 4, 5]
    assert all(p.message.endswith(ID_FIX) for p in errors)
    # No ID is guessed: nothing like the classmates' real IDs is produced.
    ids = answers.ids()
    assert not set(ids) & set(CLASSMATE_IDS)


def test_score_style_refusal_names_row_and_column(classmates_file):
    answers = read_answers(classmates_file, load_instrument("phq9"))
    with pytest.raises(Exception) as err:
        answers.raise_for_errors()
    assert any(line.startswith("第2行「学籍号」") for line in err.value.problems)


def test_roster_refuses_the_same_cells(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["学籍号", "姓名", "性别", "班级"])
    for no, name in zip(CLASSMATE_IDS, CLASSMATE_NAMES, strict=True):
        wb.active.append([as_excel_number(no), name, "男", "初一(1)班"])
    wb.active.append(["110105201203051000", "钱多", "男", "初一(1)班"])
    wb.active.append([CLASSMATE_IDS[2], "孙少", "男", "初一(1)班"])
    wb.save(tmp_path / "roster.xlsx")
    result = read_roster(tmp_path / "roster.xlsx")
    assert [r.student_no for r in result.rows] == [CLASSMATE_IDS[2]]
    assert [p.row_number for p in result.problems] == [2, 3, 4, 5, 6]
    assert "校验码" in result.problems[-1].message
