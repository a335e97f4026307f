"""A 问卷星 (wjx) export of MHT answer sheets as a teacher downloads it: six columns of
metadata, the student's 学籍号, name, class and gender, then one column per item with
the option text (是 / 不是) as the answer; about 0.5 % of answers left blank."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from openpyxl import Workbook

from app.services.students import StudentRow

META = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]


def write_mht_wjx(path: Path, students: Sequence[StudentRow], seed: int = 7) -> None:
    """One sheet per student, answers drawn from a per-student tendency."""
    n = len(students)
    rng = np.random.default_rng(seed)
    tendency = rng.beta(2, 5, size=(n, 1))
    yes = rng.random((n, 100)) < tendency
    blank = rng.random((n, 100)) < 0.005
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    ws.append([*META, "学籍号", "姓名", "班级", "性别",
               *[f"{i}、第{i}题" for i in range(1, 101)]])
    for r, s in enumerate(students):
        answers = np.where(blank[r], "", np.where(yes[r], "是", "不是")).tolist()
        ws.append([r + 1, f"2026/10/{1 + r % 28} 10:{r % 60:02d}:00", f"{300 + r % 200}秒",
                   "微信", "N/A", "10.0.0.1", s.student_no, s.name, s.class_name,
                   "男" if s.gender == "M" else "女", *answers])
    wb.save(path)
