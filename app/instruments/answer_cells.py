"""Answer cells as schools' files hold them → option values, in one vectorised pass.

A cell may be the option's wording ("是", "好几天", "偏重"), an alias ("否"), the option
letter printed on the sheet ("A"), letter and wording ("A.完全不会"), or a number. A
number is ambiguous: 问卷星 can export either the option's score or its position (PHQ-9's
"完全不会" is value 0 but position 1), so the caller says which (`numbers`) and a number
that fits neither rule is reported, never guessed.

Cells are factorised first (pandas hashes 300,000 cells in ~15 ms) and only the few
distinct spellings go through Python, so the cost barely grows with the file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from app.instruments.model import Instrument

NumberMode = Literal["values", "positions"]

_LETTER_PREFIX = re.compile(r"^([A-Z])[.、:)\]]?(.+)$")
_BLANKS = {"(跳过)", "(空)"}
"""问卷星's marks for a question skipped by survey logic or left empty: unanswered."""


@dataclass(frozen=True)
class CellProblem:
    """An answer that is no option of the instrument; `row`/`column` are the frame's labels."""

    row: object
    column: object
    text: str
    message: str


def normalize_answer(text: str) -> str:
    """Full-width to half-width, no spaces, upper-case letters: "ａ． 是" and "A.是" match."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()


def cells_to_values(cells: pd.DataFrame, instrument: Instrument,
                    numbers: NumberMode = "values") -> tuple[np.ndarray, list[CellProblem]]:
    """Values (float, NaN = unanswered) shaped like `cells`, and every impossible cell.

    Blank cells (None, NaN, "", spaces) are unanswered, not problems: the missing-answer
    rule decides what they mean.
    """
    flat = cells.to_numpy(dtype=object).ravel()
    codes, uniques = pd.factorize(flat, use_na_sentinel=True)
    lookup = _spellings(instrument)
    unique_values = np.full(len(uniques) + 1, np.nan)
    unique_bad: list[str | None] = [None] * (len(uniques) + 1)
    for i, cell in enumerate(uniques):
        unique_values[i], unique_bad[i] = _value_of(cell, lookup, instrument, numbers)
    codes = np.where(codes < 0, len(uniques), codes)
    values = unique_values[codes].reshape(cells.shape)
    bad_codes = np.array([i for i, msg in enumerate(unique_bad) if msg is not None], dtype=int)
    problems: list[CellProblem] = []
    if len(bad_codes):
        positions = np.flatnonzero(np.isin(codes, bad_codes))
        rows, cols = np.divmod(positions, cells.shape[1])
        index, columns = cells.index, cells.columns
        for pos, r, c in zip(positions.tolist(), rows.tolist(), cols.tolist(), strict=True):
            code = codes[pos]
            problems.append(CellProblem(index[r], columns[c], _shown(uniques[code]),
                                        unique_bad[code] or ""))
    return values, problems


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
