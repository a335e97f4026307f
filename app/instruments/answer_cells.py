"""Answer cells as schools' files hold them → option values, in one vectorised pass.

A cell may be the option's wording ("是", "好几天", "偏重"), an alias ("否"), the option
letter printed on the sheet ("A"), letter and wording ("A.完全不会"), or a number. A
number is ambiguous: 问卷星 can export either the option's score or its position (PHQ-9's
"完全不会" is value 0 but position 1), so the caller says which (`numbers`) and a number
that fits neither rule is reported, never guessed.

Cells are factorised first (one dict pass hashes 300,000 cells in ~10 ms) and only the
few distinct spellings go through Python, so the cost barely grows with the file.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from app.instruments.model import Instrument

NumberMode = Literal["values", "positions"]

_LETTER_PREFIX = re.compile(r"^([A-Z])[.、:)\]]?(.+)$")
_BLANKS = {"(跳过)", "(空)"}
"""问卷星's marks for a question skipped by survey logic or left empty: unanswered."""


@dataclass(frozen=True)
class CellProblem:
    """An answer that is no option of the instrument, placed by the caller's labels."""

    row: object
    column: object
    text: str
    message: str


def normalize_answer(text: str) -> str:
    """Full-width to half-width, no spaces, upper-case letters: "ａ． 是" and "A.是" match."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()


def cells_to_values(cells: Sequence[object], width: int, instrument: Instrument,
                    numbers: NumberMode = "values", *, rows: Sequence[object] | None = None,
                    columns: Sequence[object] | None = None
                    ) -> tuple[np.ndarray, list[CellProblem]]:
    """Values (float, NaN = unanswered) of `cells`, row after row, `width` to a sheet, and
    every impossible cell, named by `rows` and `columns` (default: positions).

    Blank cells (None, NaN, "", spaces) are unanswered, not problems: the missing-answer
    rule decides what they mean.
    """
    flat = cells if isinstance(cells, list) else list(cells)
    n, extra = divmod(len(flat), width) if width else (0, len(flat))
    if extra:
        raise ValueError(f"{len(flat)} cells do not fill rows of {width}")
    codes, uniques = _factorize(flat)
    lookup = _spellings(instrument)
    unique_values = np.full(len(uniques), np.nan)
    unique_bad: list[str | None] = [None] * len(uniques)
    for i, cell in enumerate(uniques):
        unique_values[i], unique_bad[i] = _value_of(cell, lookup, instrument, numbers)
    values = unique_values[codes].reshape(n, width)
    bad_codes = [i for i, msg in enumerate(unique_bad) if msg is not None]
    problems: list[CellProblem] = []
    if bad_codes:
        positions = np.flatnonzero(np.isin(codes, bad_codes))
        row_labels = rows if rows is not None else range(n)
        column_labels = columns if columns is not None else range(width)
        for pos in positions.tolist():
            r, c = divmod(pos, width)
            code = codes[pos]
            problems.append(CellProblem(row_labels[r], column_labels[c], _shown(uniques[code]),
                                        unique_bad[code] or ""))
    return values, problems


class _Codes(dict[object, int]):
    """Cell → index of its first spelling; a new spelling takes the next index."""

    def __missing__(self, key: object) -> int:
        self[key] = code = len(self)
        return code


def _factorize(flat: list[object]) -> tuple[np.ndarray, list[object]]:
    """Each cell's index among the distinct cells, and those cells in first-seen order.

    Python's True == 1 == 1.0 (and False == 0), so a dict would file an Excel TRUE under
    a 1 seen earlier, or every 1 under a TRUE: when a number that equals one of them is
    among the cells and so is a boolean, booleans are keyed apart."""
    index = _Codes()
    codes = np.fromiter(map(index.__getitem__, flat), dtype=np.intp, count=len(flat))
    uniques = list(index)
    numeric01 = any(type(u) is not str and u in (0, 1) for u in uniques)
    if numeric01 and bool in set(map(type, flat)):
        index = _Codes()
        keyed = [(type(cell) is bool, cell) for cell in flat]
        codes = np.fromiter(map(index.__getitem__, keyed), dtype=np.intp, count=len(flat))
        uniques = [cell for _, cell in index]
    return codes, uniques


def numbers_in(cells: Sequence[object], width: int) -> np.ndarray:
    """(n, width) the number each cell holds (a number, or text that reads as one), NaN
    for the others: what `coding_problem` judges the file's number coding by."""
    flat = cells if isinstance(cells, list) else list(cells)
    codes, uniques = _factorize(flat)
    found = np.full(len(uniques), np.nan)
    for i, cell in enumerate(uniques):
        if isinstance(cell, bool) or cell is None:
            continue
        if isinstance(cell, int | float | np.integer | np.floating):
            found[i] = float(cell)
            continue
        with contextlib.suppress(ValueError):
            found[i] = float(normalize_answer(str(cell)))
    return found[codes].reshape(-1, width) if width else np.empty((0, 0))


def coding_problem(numbers: np.ndarray, instrument: Instrument) -> str:
    """Why the numbers of a whole file look like option positions (1, 2 …) read as
    values, or "" when they do not.

    问卷星 exports either; for an instrument whose values are not its positions (PHQ-9's
    完全不会 is value 0 but position 1, MHT's 是 is 1 but A) a position file read as
    values shifts every answer — a calm class becomes item 9 = 1 throughout. Two signs
    give it away: no sheet ever holds the lowest value (two sheets or more, so one
    student's answers are not judged alone), or some number is above the highest value.
    """
    values = [o.value for o in instrument.options]
    if values == [float(k) for k in range(1, len(values) + 1)]:
        return ""  # values are the positions: nothing to confuse
    low, high = min(values), max(values)
    with np.errstate(invalid="ignore"):
        above = numbers > high
    if above.any():
        r, c = (int(v) for v in np.argwhere(above)[0])
        return (f"出现了高于最高分值 {high:g} 的数字 {numbers[r, c]:g}"
                f"（共 {int(above.sum())} 处），"
                f"而{instrument.short_name or instrument.name}的分值为 {option_hint(instrument)}")
    sheets = int((~np.isnan(numbers)).any(axis=1).sum())
    if sheets >= 2 and not (numbers == low).any():
        label = next(o.label for o in instrument.options if o.value == low)
        return (f"{sheets} 份答卷的数字答案中没有一个是最低分值 {low:g}（{label}），"
                "多半是按选项序号导出的")
    return ""


def option_hint(instrument: Instrument) -> str:
    """The accepted answers, for error messages: "是(1)、不是(0)"."""
    return "、".join(f"{o.label}({o.value:g})" for o in instrument.options)


def _spellings(instrument: Instrument) -> dict[str, float]:
    lookup: dict[str, float] = {}
    for option in instrument.options:
        for spelling in (option.label, *option.aliases, option.letter):
            lookup[normalize_answer(spelling)] = option.value
    return lookup


def _value_of(cell: object, lookup: dict[str, float], instrument: Instrument,
              numbers: NumberMode) -> tuple[float, str | None]:
    """One distinct cell → (value, None), (NaN, None) for blank, or (NaN, why not)."""
    if cell is None:
        return np.nan, None
    if isinstance(cell, bool):
        return np.nan, f"“{cell}”不是选项"
    if isinstance(cell, int | float | np.integer | np.floating):
        return _number_value(float(cell), instrument, numbers)
    text = normalize_answer(str(cell))
    if not text or text in _BLANKS:
        return np.nan, None
    if text in lookup:
        return lookup[text], None
    try:
        return _number_value(float(text), instrument, numbers)
    except ValueError:
        pass
    m = _LETTER_PREFIX.match(text)
    if m and m.group(2) in lookup:
        by_letter = lookup.get(m.group(1))
        if by_letter is not None and by_letter != lookup[m.group(2)]:
            return np.nan, f"选项字母 {m.group(1)} 与文字“{m.group(2)}”不一致"
        return lookup[m.group(2)], None
    return np.nan, f"“{_shown(cell)}”不是本量表的选项（可填：{option_hint(instrument)}）"


def _number_value(number: float, instrument: Instrument, numbers: NumberMode
                  ) -> tuple[float, str | None]:
    if np.isnan(number):
        return np.nan, None
    options = instrument.options
    if numbers == "positions":
        if number.is_integer() and 1 <= number <= len(options):
            return options[int(number) - 1].value, None
        return np.nan, (f"选项序号 {number:g} 超出范围（应为 1–{len(options)}，"
                        f"依次为 {'、'.join(o.label for o in options)}）")
    if any(o.value == number for o in options):
        return number, None
    return np.nan, (f"分值 {number:g} 不是本量表的选项（可填：{option_hint(instrument)}）；"
                    "若文件里的数字是选项序号（第几个选项），请改选“按选项序号”")


def _shown(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)
