"""Answer-sheet strings: one line of characters per student, one character per item.

Typing "1011001…" (MHT, 是 = 1) or "12321…" (1–5 scales) is how a counselling room
enters a class's paper sheets fastest. A character is an option value (one digit) or the
option letter printed on the sheet (A, B …); "-" marks an unanswered item; spaces are
ignored so a typist may group by tens, and full-width characters (a Chinese input method
left in full-width mode) count as their ASCII forms. Valid strings are decoded in one numpy pass.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

import numpy as np

from app.errors import BadInputError
from app.instruments.model import Instrument
from app.instruments.problems import RowProblem

MISSING_MARK = "-"
_INVALID = -1.0
_SPACES = re.compile(r"\s+")


def parse_answer_strings(strings: Sequence[object], instrument: Instrument,
                         rows: Sequence[int] | None = None, column: str = "答案"
                         ) -> tuple[np.ndarray, list[RowProblem]]:
    """(n × items) values (NaN = unanswered) and a problem per bad string.

    `rows` are the line or spreadsheet row numbers to name in messages (default 1..n).
    A bad string scores as all unanswered and its problem is fatal; an empty one (a
    student who handed in nothing) is reported but not fatal.
    """
    table, allowed = _decode_table(instrument)
    n, width = len(strings), instrument.item_count
    rows = list(rows) if rows is not None else list(range(1, n + 1))
    values = np.full((n, width), np.nan)
    problems: list[RowProblem] = []
    cells = list(strings)
    is_number = np.array([isinstance(c, int | float) and not isinstance(c, bool)
                          and not math.isnan(c) for c in cells], dtype=bool)
    text = ["" if number or _blank(c) else _SPACES.sub("", unicodedata.normalize("NFKC", str(c)))
            for c, number in zip(cells, is_number.tolist(), strict=True)]
    lengths = np.array([len(t) for t in text], dtype=np.int64)
    ascii_ok = np.array([t.isascii() for t in text], dtype=bool)
    good = (lengths == width) & ascii_ok & ~is_number
    if good.any():
        buffer = "".join(t for t, ok in zip(text, good.tolist(), strict=True) if ok
                         ).encode("ascii")
        codes = np.frombuffer(buffer, dtype=np.uint8).reshape(-1, width)
        decoded = table[codes]
        bad_rows = (decoded == _INVALID).any(axis=1)
        decoded[decoded == _INVALID] = np.nan
        good_index = np.flatnonzero(good)
        values[good_index[~bad_rows]] = decoded[~bad_rows]
        good[good_index[bad_rows]] = False
    for i in np.flatnonzero(~good).tolist():
        problems.append(RowProblem(rows[i], column,
                                   _what_is_wrong(cells[i], text[i], is_number[i],
                                                  width, table, allowed),
                                   fatal=bool(text[i]) or bool(is_number[i])))
    return values, problems


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, float) and math.isnan(cell))


def _decode_table(instrument: Instrument) -> tuple[np.ndarray, str]:
    """ASCII code → option value (NaN for "-", -1 for anything else)."""
    table = np.full(256, _INVALID)
    table[ord(MISSING_MARK)] = np.nan
    digits = []
    for option in instrument.options:
        v = option.value
        if not (float(v).is_integer() and 0 <= v <= 9):
            raise BadInputError(f"{instrument.label}的选项分值不是一位数字，不能用答案串录入")
        table[ord(str(int(v)))] = v
        table[ord(option.letter)] = table[ord(option.letter.lower())] = v
        digits.append(str(int(v)))
    letters = "".join(o.letter for o in instrument.options)
    allowed = f"{'、'.join(digits)}（或选项字母 {letters[0]}–{letters[-1]}），未答写 {MISSING_MARK}"
    return table, allowed


def _what_is_wrong(cell: object, text: str, is_number: bool, width: int,
                   table: np.ndarray, allowed: str) -> str:
    if is_number:
        return ("答案串被存成了数字（开头的 0 会丢失）：请把这一列设为“文本”格式后重新录入或导出")
    if not text:
        return f"答案串为空，按整份未作答处理（应为 {width} 个字符）"
    if len(text) != width:
        return f"答案串有 {len(text)} 个字符，应为 {width} 个（空格不计）"
    for position, char in enumerate(text, start=1):
        if not char.isascii() or table[ord(char)] == _INVALID:
            return f"第 {position} 个字符“{char}”不是有效答案（可用：{allowed}）"
    return f"答案串“{cell}”无法识别"
