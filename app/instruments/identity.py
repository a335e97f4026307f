"""Reading who a sheet belongs to from its identity columns: ID, gender, grade.

Excel turns a 学号 such as 20240101 into the number 20240101.0, and schools write grades
as "七年级", "初一", "7" or "高二": these helpers undo both so norms and matching work.
Matching a sheet to a student on the roster is the services' job, not this package's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence

import numpy as np

ID_COLUMNS = ("学籍号", "学号", "考号", "身份证号")

_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
             "十": 10, "十一": 11, "十二": 12}
_STAGE = {"初": 6, "高": 9}
_GRADE = re.compile(r"(初|高)?(十[一二]?|[一二三四五六七八九]|1[0-2](?!\d)|[1-9](?!\d))")


def cell_text(cell: object) -> str:
    """A cell as the text a teacher typed: 20240101.0 → "20240101", dates as ISO."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime | dt.date):
        return cell.isoformat(sep=" ") if isinstance(cell, dt.datetime) else cell.isoformat()
    return str(cell).strip()


Identity = Mapping[str, Sequence[str]]
"""Identity columns by header: one text per sheet ("" when blank), in the file's order."""

_GENDERS = {"男": "M", "M": "M", "男生": "M", "女": "F", "F": "F", "女生": "F"}


def column_text(cells: Sequence[object]) -> list[str]:
    """`cell_text` over a column; text cells (nearly all) skip the function call."""
    return [c.strip() if type(c) is str else cell_text(c) for c in cells]


def row_ids(identity: Identity, n: int) -> list[str | None]:
    """Each of the n sheets' 学籍号, else its first ID-like column (学号, 考号 …, then any
    column whose name ends in 号 or says ID), else 问卷星's 序号; None when it has none."""
    columns = [c for c in ID_COLUMNS if c in identity]
    columns += [c for c in identity
                if c not in columns and (c.endswith("号") or "ID" in c.upper())]
    columns += [c for c in ("序号",) if c in identity]
    ids: list[str | None] = [None] * n
    for column in columns:
        ids = [found if found is not None else (text or None)
               for found, text in zip(ids, identity[column], strict=True)]
    return ids


def gender_codes(identity: Identity, n: int) -> np.ndarray:
    """"M" / "F" / "" from a 性别 column (男/女, M/F)."""
    if "性别" not in identity:
        return np.full(n, "", dtype=object)
    return np.array([_GENDERS.get(str(t).strip().upper(), "") for t in identity["性别"]],
                    dtype=object)


def grade_numbers(identity: Identity, n: int) -> np.ndarray:
    """Grades 1–12 (初一 = 7, 高一 = 10) from 年级, else from the start of 班级; NaN if unclear.
    A school has a few dozen class names, so each distinct text is read once."""
    for column in ("年级", "班级"):
        if column in identity:
            texts = identity[column]
            grades = {text: grade_of(text) for text in set(texts)}
            return np.array([grades[text] for text in texts], dtype=float)
    return np.full(n, np.nan)


def grade_of(text: object) -> float:
    m = _GRADE.match(str(text).strip())
    if m is None:
        return np.nan
    stage, number = m.groups()
    value = _NUMERALS.get(number) or int(number)
    if stage:
        value += _STAGE[stage]
    return float(value) if 1 <= value <= 12 else np.nan
