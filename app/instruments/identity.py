"""Reading who a sheet belongs to from its identity columns: ID, gender, grade.

Excel turns a 学号 such as 20240101 into the number 20240101.0, and schools write grades
as "七年级", "初一", "7" or "高二": these helpers undo both so norms and matching work.
Matching a sheet to a student on the roster is the services' job, not this package's.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

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


def column_text(cells: pd.Series) -> pd.Series:
    """`cell_text` over a column; text cells (nearly all) skip the function call."""
    return pd.Series([c.strip() if type(c) is str else cell_text(c) for c in cells],
                     index=cells.index, dtype=object)


def row_ids(identity: pd.DataFrame) -> list[str | None]:
    """Each sheet's 学籍号, else its first ID-like column (学号, 考号 …, then any column
    whose name ends in 号 or says ID), else 问卷星's 序号; None when the row has none."""
    columns = [c for c in ID_COLUMNS if c in identity.columns]
    columns += [c for c in identity.columns
                if c not in columns and (str(c).endswith("号") or "ID" in str(c).upper())]
    columns += [c for c in ("序号",) if c in identity.columns]
    ids: pd.Series = pd.Series([None] * len(identity), index=identity.index, dtype=object)
    for column in columns:
        values = identity[column].astype(object).where(identity[column] != "", None)
        ids = ids.where(ids.notna(), values)
    return ids.tolist()


def gender_codes(identity: pd.DataFrame) -> np.ndarray:
    """"M" / "F" / "" from a 性别 column (男/女, M/F)."""
    if "性别" not in identity.columns:
        return np.full(len(identity), "", dtype=object)
    text = identity["性别"].astype(str).str.strip().str.upper()
    return np.select([text.isin(["男", "M", "男生"]), text.isin(["女", "F", "女生"])],
                     ["M", "F"], "").astype(object)


def grade_numbers(identity: pd.DataFrame) -> np.ndarray:
    """Grades 1–12 (初一 = 7, 高一 = 10) from 年级, else from the start of 班级; NaN if unclear."""
    for column in ("年级", "班级"):
        if column in identity.columns:
            return identity[column].map(grade_of).to_numpy(dtype=float)
    return np.full(len(identity), np.nan)


def grade_of(text: object) -> float:
    m = _GRADE.match(str(text).strip())
    if m is None:
        return np.nan
    stage, number = m.groups()
    value = _NUMERALS.get(number) or int(number)
    if stage:
        value += _STAGE[stage]
    return float(value) if 1 <= value <= 12 else np.nan
