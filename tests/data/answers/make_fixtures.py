"""Writes the answer-file fixtures in this folder that the tests cannot make with
openpyxl: an old-format .xls as a school's Excel 2003 saves it, and .ods as LibreOffice
and WPS save it.

The fixtures are committed; this script only documents how they were made. It needs
writers the app does not depend on, so run it from a throwaway environment:

    python -m venv /tmp/fixtools && /tmp/fixtools/bin/pip install xlwt odfpy
    /tmp/fixtools/bin/python tests/data/answers/make_fixtures.py

All people in the fixtures are invented. tests/instruments/test_answer_files.py holds
what each file must give.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent

CLASSMATE_IDS = ("2024010123456701", "2024010123456702",
                 "110105201203051232", "110105201203051240")
"""Two pairs of classmates: 16-digit school numbers differing in the last digit, and
18-digit resident-ID 学籍号 (valid check digits) differing in the last two. Typed into
number cells, Excel keeps 15 significant digits, so each pair becomes one number."""
CLASSMATE_NAMES = ("张晓", "李明", "王芳", "赵磊")
CLASSMATE_ANSWERS = ([0] * 9, [0] * 8 + [2], [0] * 9, [0] * 8 + [2])
"""The second of each pair answered item 9 (self-harm) = 2: the answer that must never
reach the first."""


def as_excel_number(student_no: str) -> float:
    """The number Excel stores when a long ID is typed into a number cell."""
    return float(int(student_no[:15]) * 10 ** (len(student_no) - 15))


def classmate_rows() -> list[list[object]]:
    """Header and rows of the classmates' PHQ-9 answers, IDs as Excel's numbers."""
    rows: list[list[object]] = [["学籍号", "姓名", "班级", *[f"第{n}题" for n in range(1, 10)]]]
    for no, name, answers in zip(CLASSMATE_IDS, CLASSMATE_NAMES, CLASSMATE_ANSWERS,
                                 strict=True):
        rows.append([as_excel_number(no), name, "初一(1)班", *answers])
    return rows


def classmates_xls() -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("答卷")
    for r, row in enumerate(classmate_rows()):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.save(str(HERE / "classmates.xls"))


def classmates_ods() -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="答卷")
    for row in classmate_rows():
        line = TableRow()
        for value in row:
            if isinstance(value, str):
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=value))
            else:
                cell = TableCell(valuetype="float", value=repr(float(value)))
                cell.addElement(P(text=f"{float(value):.14E}"))
            line.addElement(cell)
        table.addElement(line)
    doc.spreadsheet.addElement(table)
    doc.save(str(HERE / "classmates.ods"))


def gad7_xls() -> None:
    """A GAD-7 grid saved as .xls: a title row, 学号 typed as numbers, submit times as
    Excel dates, answers as option words, letters and numbers, one unanswered item, one
    answer that is no option, and a blank row."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("答卷")
    sheet.write_merge(0, 0, 0, 9, "初二 GAD-7 测评")
    for c, text in enumerate(["学号", "姓名", "提交时间", *[f"第{n}题" for n in range(1, 8)]]):
        sheet.write(1, c, text)
    when = xlwt.easyxf(num_format_str="yyyy/m/d h:mm:ss")
    rows = [
        (20240801, "林晓", datetime(2024, 10, 9, 8, 30, 5),
         ["完全不会", "好几天", "一半以上的天数", "几乎每天", "A", "B", 0]),
        (20240802, "陈默", datetime(2024, 10, 9, 8, 41, 0),
         [1, 1, 1, "", 2, 3, "C"]),
        None,
        (20240803, "高原", "2024/10/9 9:02:00", ["完全不会"] * 6 + ["偶尔"]),
    ]
    for r, row in enumerate(rows, start=2):
        if row is None:
            continue
        student_no, name, submitted, answers = row
        sheet.write(r, 0, student_no)
        sheet.write(r, 1, name)
        if isinstance(submitted, datetime):
            sheet.write(r, 2, submitted, when)
        else:
            sheet.write(r, 2, submitted)
        for c, answer in enumerate(answers, start=3):
            sheet.write(r, c, answer)
    book.save(str(HERE / "gad7.xls"))


if __name__ == "__main__":
    gad7_xls()
    classmates_xls()
    classmates_ods()
