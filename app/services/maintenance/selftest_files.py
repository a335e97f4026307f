"""The small files the self-test imports: a roster and a PHQ-9 answers export, both
written as .xlsx the way a school office and 问卷星 write them (plain cells, no print
setup; laid out by app/reports/workbook.py with openpyxl), so the self-test goes through
the same reader (python-calamine) as a teacher's import. Every person in them is synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.instruments import load_instrument
from app.reports.sheets import Book, Column, Sheet, Table
from app.services.demo.synthetic import synthetic_answers, synthetic_roster
from app.services.roster.file import RosterRow

STUDENTS = 40
GRADE_NAMES = {7: "七年级", 8: "八年级", 9: "九年级"}

KNOWN_SHEET = [1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]
"""The first student's PHQ-9 answers: total 5, no critical item."""
CRITICAL_SHEET = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0]
"""The second student's: item 9 answered, which must raise a critical-item signal
(重点关注, a same-day assessment)."""


@dataclass(frozen=True)
class SelfTestFiles:
    roster: Path
    answers: Path
    students: list[RosterRow]


def write_files(folder: Path, seed: int = 11) -> SelfTestFiles:
    students = synthetic_roster(STUDENTS, grades=range(7, 8), seed=seed, class_size=20)
    from app.reports.workbook import render_workbook

    roster = folder / "名册.xlsx"
    rows = [(s.student_no, s.name, "男" if s.gender == "M" else "女", GRADE_NAMES[s.grade],
             f"{s.class_number}班", s.birth_date) for s in students]
    roster.write_bytes(render_workbook(_plain("名册", ["学籍号", "姓名", "性别", "年级", "班级",
                                                       "出生日期"], rows)))

    answers = folder / "PHQ-9 问卷星导出.xlsx"
    values = synthetic_answers(load_instrument("phq9"), len(students), seed)
    values[0], values[1] = KNOWN_SHEET, CRITICAL_SHEET
    rows = [(n, "2026/10/12 9:30:00", s.student_no, s.name, *[int(v) for v in row])
            for n, (s, row) in enumerate(zip(students, values, strict=True), start=1)]
    header = ["序号", "提交答卷时间", "学籍号", "姓名", *[f"{i}、题目{i}" for i in range(1, 10)]]
    answers.write_bytes(render_workbook(_plain("Sheet", header, rows)))
    return SelfTestFiles(roster, answers, students)


def _plain(title: str, header: list[str], rows: list[tuple[object, ...]]) -> Book:
    """One sheet of plain cells, the header an ordinary first row, as an office writes it."""
    return Book((Sheet(title, (Table(tuple(Column(h) for h in header),
                                     (tuple(header), *rows), header=False),),
                       printed=False),))
