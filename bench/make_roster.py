"""A realistic school-office roster as .xlsx, for benchmarks, the demo and tests.

    .venv/bin/python -m bench.make_roster [--students 5000] [--repeat 5] [--out roster.xlsx]

run alone, it writes a roster and times read_roster on it (median of the repeats).
The file looks like what a 教务处 exports: a title merged across the top, a blank row, the
header, then one row per student with 年级 merged down over each grade and 班级 over
each class of about 45, 学籍号 as text ("G" + 18 characters) or as 14-digit numbers,
birth dates as date cells with a few typed as text, guardian name and phone. Everyone
in it is invented (seeded, so every machine makes the same file).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.instruments.identity import check_digit
from app.services.demo.synthetic import GIVEN, SURNAMES, synthetic_name
from app.services.roster.file import RosterRow, grade_display_name, read_roster

HEADER = ["序号", "学籍号", "姓名", "性别", "年级", "班级", "出生日期", "家长姓名", "联系电话"]
IdStyle = Literal["national", "numeric"]


def current_school_year(today: date | None = None) -> int:
    """The year the current school year started (it starts in September)."""
    today = today or date.today()
    return today.year if today.month >= 9 else today.year - 1


def make_roster_xlsx(path: Path | str, n_students: int = 5000, seed: int = 0, *,
                     grades: Sequence[int] = (7, 8, 9), class_size: int = 45,
                     id_style: IdStyle = "national",
                     school_year_start: int | None = None) -> list[RosterRow]:
    """Write the roster to `path`; returns the rows read_roster must read from it.

    Students are spread evenly over `grades` (e.g. range(1, 10) for a 九年一贯制 school,
    (10, 11, 12) for a senior high) in classes of at most `class_size`. Birth dates fit
    each grade in `school_year_start` (by default the current school year), so the rows
    pass the reader's age checks on any day.
    """
    rng = random.Random(seed)
    year = school_year_start if school_year_start is not None else current_school_year()
    wb = Workbook()
    ws = wb.active
    ws.title = "学生名册"
    ws.append([f"青心实验中学{year}-{year + 1}学年学生名册"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append([])
    ws.append(HEADER)
    rows: list[RosterRow] = []
    per_grade = [n_students // len(grades) + (i < n_students % len(grades))
                 for i in range(len(grades))]
    for grade, count in zip(grades, per_grade, strict=True):
        grade_top = len(rows) + 4
        classes = max(1, -(-count // class_size))
        for number in range(1, classes + 1):
            size = count // classes + (number <= count % classes)
            class_top = len(rows) + 4
            for _ in range(size):
                rows.append(_student(ws, rng, len(rows), grade, number, year, id_style))
            _merge_down(ws, 6, class_top, len(rows) + 3)
        _merge_down(ws, 5, grade_top, len(rows) + 3)
    for cell in ws["G"][3:]:
        cell.number_format = "yyyy-mm-dd"
    for i, width in enumerate((6, 22, 10, 6, 8, 8, 12, 10, 14), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    wb.save(path)
    return rows


def _student(ws: Worksheet, rng: random.Random, serial: int, grade: int, number: int,
             year: int, id_style: IdStyle) -> RosterRow:
    """Append one student's row and return what the reader must make of it."""
    born = date(year - grade - 6, 9, 1) + timedelta(days=rng.randrange(365))
    no_cell: object
    if id_style == "national":  # G + ID card: area, birth date, serial, check digit
        first17 = f"11{serial // 1000 % 100:02d}05{born:%Y%m%d}{serial % 1000:03d}"
        no_cell = student_no = f"G{first17}{check_digit(first17)}"
    else:  # 14 digits fit Excel's 15 significant digits, so a number cell keeps them
        no_cell = year * 10**10 + 1101050000 + serial
        student_no = str(no_cell)
    name = synthetic_name(rng)
    gender = rng.choice("MF")
    guardian = name[0] + "".join(rng.choice(GIVEN) for _ in range(2))
    if rng.random() < 0.05:
        guardian = rng.choice(SURNAMES) + guardian[1:]
    phone = f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"
    born_cell: object = datetime(born.year, born.month, born.day)
    if rng.random() < 0.1:
        born_cell = f"{born.year}年{born.month}月{born.day}日"
    ws.append([serial + 1, no_cell, name, "男" if gender == "M" else "女",
               grade_display_name(grade), f"{number}班", born_cell, guardian, phone])
    return RosterRow(serial + 4, student_no, name, gender, grade, number,  # type: ignore[arg-type]
                     born, guardian, phone)


def _merge_down(ws: Worksheet, column: int, top: int, bottom: int) -> None:
    """Merge a 年级 or 班级 cell over its students, as school offices do; the value of the
    top cell is what Excel shows in the whole range."""
    for r in range(top + 1, bottom + 1):
        ws.cell(row=r, column=column).value = None
    if bottom > top:
        ws.merge_cells(start_row=top, start_column=column, end_row=bottom, end_column=column)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, help="keep the roster here (default: a temp file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.out or Path(tmp) / "roster.xlsx"
        t0 = time.perf_counter()
        expected = make_roster_xlsx(path, n_students=args.students)
        print(f"wrote {args.students} students in {time.perf_counter() - t0:.2f} s: {path}")
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            result = read_roster(path)
            times.append(time.perf_counter() - t0)
        assert result.rows == expected and not result.problems, "reader disagrees with writer"
        print(f"read_roster, {args.students} rows: median {statistics.median(times) * 1000:.0f} ms"
              f" (min {min(times) * 1000:.0f} ms, {args.repeat} runs; target well under 1 s)")


if __name__ == "__main__":
    main()
