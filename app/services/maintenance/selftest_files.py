"""The small files the self-test imports: a roster and a PHQ-9 answers export, both
written as .xlsx the way a school office and 问卷星 write them, so the self-test goes
through the same readers (openpyxl, python-calamine) as a teacher's import. Every
person in them is synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import openpyxl

from app.instruments import load_instrument
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
    roster = folder / "名册.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名册"
    ws.append(["学籍号", "姓名", "性别", "年级", "班级", "出生日期"])
    for s in students:
        ws.append([s.student_no, s.name, "男" if s.gender == "M" else "女",
                   GRADE_NAMES[s.grade], f"{s.class_number}班", s.birth_date])
    wb.save(roster)

    answers = folder / "PHQ-9 问卷星导出.xlsx"
    values = synthetic_answers(load_instrument("phq9"), len(students), seed)
    values[0], values[1] = KNOWN_SHEET, CRITICAL_SHEET
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "提交答卷时间", "学籍号", "姓名", *[f"{i}、题目{i}" for i in range(1, 10)]])
    for n, (s, row) in enumerate(zip(students, values, strict=True), start=1):
        ws.append([n, "2026/10/12 9:30:00", s.student_no, s.name, *[int(v) for v in row]])
    wb.save(answers)
    return SelfTestFiles(roster, answers, students)
