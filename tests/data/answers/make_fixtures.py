"""Writes the answer-file fixtures in this folder that the tests cannot make with
openpyxl: an old-format .xls as a school's Excel 2003 saves it.

The fixtures are committed; this script only documents how they were made. It needs a
writer the app does not depend on, so run it from a throwaway environment:

    python -m venv /tmp/fixtools && /tmp/fixtools/bin/pip install xlwt
    /tmp/fixtools/bin/python tests/data/answers/make_fixtures.py

All people in the fixtures are invented. tests/instruments/test_answer_files.py holds
what each file must give.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import xlwt

HERE = Path(__file__).resolve().parent


def gad7_xls() -> None:
    """A GAD-7 grid saved as .xls: a title row, 学号 typed as numbers, submit times as
    Excel dates, answers as option words, letters and numbers, one unanswered item, one
    answer that is no option, and a blank row."""
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
