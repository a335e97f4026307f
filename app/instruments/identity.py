"""Reading who a sheet belongs to from its identity columns: ID, gender, grade.

Excel turns a 学号 such as 20240101 into the number 20240101.0, and schools write grades
as "七年级", "初一", "7" or "高二": these helpers undo both so norms and matching work.
Matching a sheet to a student on the roster is the services' job, not this package's.

`read_id` is the one reader of a student ID cell for every file that carries IDs (roster,
answers, `score`): an ID a spreadsheet has damaged is refused with the row's fix, never
guessed at, because a guessed ID files a student's answers under a classmate.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from app.instruments.problems import RowProblem

ID_COLUMNS = ("学籍号", "全国学籍号", "学号", "学生编号", "考号", "身份证号")
"""Headers of student-ID columns, in the order matching prefers them."""

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


# Full-width ASCII (U+FF01..U+FF5E) → ASCII; the ideographic and other odd spaces → " ";
# zero-width characters and BOMs (pasted from web pages and Word) → nothing.
HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
HALF_WIDTH.update({0x3000: " ", 0x00A0: " ", 0x2002: " ", 0x2003: " ", 0x2009: " ",
                   0x200B: None, 0x200C: None, 0x200D: None, 0x2060: None, 0xFEFF: None})

EXACT_NUMBER_LIMIT = 10**15
"""Excel and WPS keep 15 significant digits: a number cell from 10**15 up may already
have lost its tail (and past 2**53 a double cannot even hold every integer)."""

ID_FIX = ("请在 Excel 或 WPS 中把这一列设为「文本」格式，填入完整的号码（或从原系统按文本重新"
          "导出；问卷星下载答卷时选「按文本」）后再导入")
_LOST = "末几位数字已经丢失（表格只保留 15 位有效数字）"
_SCIENTIFIC = re.compile(r"[0-9](?:\.[0-9]+)?E[+-]?[0-9]+")
_WHOLE_NUMBER_TEXT = re.compile(r"([0-9]+)\.0+")
_SPREADSHEET_TEXT = re.compile(r'="(.*)"|\'(.*)')
_RESIDENT_SHAPE = re.compile(r"G?[0-9]{17}[0-9X]")
_PLAIN = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]*")
"""A cell already as clean as an ID gets: nothing to undo."""
_CHECK_WEIGHTS = tuple(2 ** (17 - i) % 11 for i in range(17))
_CHECK_CHARS = "10X98765432"
_ZEROS = ord("0") * sum(_CHECK_WEIGHTS)
"""What the weighted sum of the digits' character codes adds over the digits' values."""


@dataclass(frozen=True, slots=True)
class IdCell:
    """One ID cell as read: the text to match on, and why it cannot be used, if so."""

    text: str
    """The ID as the file holds it after full-width forms and spaces are normalised
    ("" when blank); a refused cell keeps what it showed, so the preview can name it."""
    problem: str = ""
    """The row's message with its fix ("" when the ID can be used)."""
    normalised: bool = False
    """Full-width characters or spaces were changed (worth telling the teacher)."""


def read_id(raw: object, label: str = "学籍号", *, today: dt.date | None = None) -> IdCell:
    """The one reading of a student-ID cell for every import (roster, answers, `score`).

    Refused, never repaired: a number cell that cannot hold the ID exactly (16 or more
    digits, or not a whole number), scientific notation typed or saved as text, and an ID
    shaped like a resident ID number (18 characters, or G + 18 as the national 学籍号 is
    built) whose GB 11643 check digit or birth date is impossible — which is what a
    number column saved as text gives ("110105201203051000"). Other shapes (J…, L…, a
    school's own numbers) are taken as they are. Harmless spellings are undone: 12345.0,
    '00123 and ="00123" (Excel's ways of forcing text)."""
    if type(raw) is not str:  # text first: nearly every ID cell is text
        if raw is None or (isinstance(raw, float) and math.isnan(raw)):
            return IdCell("")
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return _numeric_id(raw, label)
        if isinstance(raw, dt.date):
            return IdCell(cell_text(raw), f"{label}被表格当成了日期：{ID_FIX}")
    original = raw if type(raw) is str else str(raw)
    if _PLAIN.fullmatch(original):  # nearly every cell: one scan, no rewriting
        text, normalised = original, False
    else:
        text = "".join(original.translate(HALF_WIDTH).split())
        normalised = text != original.strip()
        quoted = _SPREADSHEET_TEXT.fullmatch(text)
        if quoted:
            text = quoted[1] if quoted[1] is not None else quoted[2]
        whole = _WHOLE_NUMBER_TEXT.fullmatch(text)
        if whole:
            text = whole[1]
    if ("E" in text or "e" in text) and _SCIENTIFIC.fullmatch(text.upper()):
        return IdCell(text, f"{label}「{text}」是科学计数法，{_LOST}：{ID_FIX}", normalised)
    if len(text) in (18, 19):
        return IdCell(text, resident_id_problem(text, label, today=today), normalised)
    return IdCell(text, "", normalised)


def _numeric_id(raw: float, label: str) -> IdCell:
    if not math.isfinite(raw):
        return IdCell(str(raw), f"{label}不是号码：{ID_FIX}")
    if isinstance(raw, float) and not raw.is_integer():
        return IdCell(repr(raw), f"{label}「{raw!r}」是带小数的数字，不是完整的号码：{ID_FIX}")
    if abs(raw) >= EXACT_NUMBER_LIMIT:
        shown = f"{float(raw):.14E}"
        return IdCell(shown, f"{label}「{shown}」在文件里存成了数字，{_LOST}：{ID_FIX}")
    return IdCell(str(int(raw)))


def resident_id_problem(text: str, label: str = "学籍号", *,
                        today: dt.date | None = None) -> str:
    """Why an ID shaped like a resident ID number (18 characters, or G + 18) cannot be
    one: a wrong GB 11643 (ISO 7064 MOD 11-2) check digit or an impossible birth date.
    "" for a good one and for every other shape."""
    upper = text.upper()
    if not _RESIDENT_SHAPE.fullmatch(upper):
        return ""
    core = upper[-18:]
    expected = check_digit(core[:17])
    if core[17] != expected:
        return (f"{label}「{text}」的末位校验码不对（按身份证号的规则应为 {expected}），"
                f"可能在表格里存成数字后{_LOST}，或录入有误：请核对；{ID_FIX}")
    born = core[6:14]
    try:
        birth = dt.date(int(born[:4]), int(born[4:6]), int(born[6:]))
    except ValueError:
        birth = None
    if birth is None or birth.year < 1900 or birth > (today or dt.date.today()):
        return f"{label}「{text}」中的出生日期 {born} 不存在：请核对；{ID_FIX}"
    return ""


def check_digit(first17: str) -> str:
    """GB 11643's check character (ISO 7064 MOD 11-2) for the first 17 digits."""
    weighted = sum(map(operator.mul, first17.encode("ascii"), _CHECK_WEIGHTS)) - _ZEROS
    return _CHECK_CHARS[weighted % 11]


def is_id_column(header: str) -> bool:
    """Whether an answers file's identity column (by its key) holds student IDs."""
    return any(header == c or header.startswith(f"{c}（") for c in ID_COLUMNS)


def id_column(cells: Sequence[object], rows: Sequence[int], header: str, key: str
              ) -> tuple[list[str], list[RowProblem]]:
    """An ID column through `read_id`: the texts, and per row a fatal problem for a
    damaged ID or a notice that full-width characters were changed."""
    label = key.split("（")[0]
    today = dt.date.today()
    texts, problems = [], []
    for cell, row in zip(cells, rows, strict=True):
        read = read_id(cell, label, today=today)
        texts.append(read.text)
        if read.problem:
            problems.append(RowProblem(int(row), header, read.problem))
        elif read.normalised and read.text:
            problems.append(RowProblem(int(row), header, f"{label}中的全角字符或空格已改为半角："
                                       f"「{str(cell).strip()}」读作「{read.text}」", fatal=False))
    return texts, problems


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
