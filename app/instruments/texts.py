"""Item texts a school holds for MHT or MSSMHS, loaded on top of a definition.

The app ships these two instruments without item wording (published material, licence
unclear) and works by item number. A school that holds the texts can load a two-column
file (number, text; .xlsx, .xls or .csv) and get a copy of the definition with texts, for
on-screen entry and reports. Numbers are explicit, so a skipped line cannot shift texts.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from app.instruments.columns import header_text, item_number
from app.instruments.model import Instrument, Item
from app.instruments.problems import RowProblem, raise_problems
from app.tables import read_grids


def with_item_texts(instrument: Instrument, path: Path | str) -> Instrument:
    """A copy of `instrument` with the file's texts; raises listing every bad line."""
    path = Path(path)
    grid = read_grids(path, kind="题目文字")[0][0].cells
    texts: dict[int, str] = {}
    problems: list[RowProblem] = []
    for i, row in enumerate(grid, start=1):
        cells = [header_text(c) for c in row[:2]] + ["", ""]
        number_cell, text = cells[0], cells[1]
        if not number_cell and not text:
            continue
        number = item_number(number_cell)
        if number is None:
            if i == 1:
                continue  # a header line such as "题号,题目"
            problems.append(RowProblem(i, number_cell, "第一列应为题号"))
        elif not 1 <= number <= instrument.item_count:
            problems.append(RowProblem(i, number_cell, f"题号超出范围（{instrument.label}共 "
                                                       f"{instrument.item_count} 题）"))
        elif number in texts:
            problems.append(RowProblem(i, number_cell, f"第 {number} 题重复"))
        elif not text:
            problems.append(RowProblem(i, number_cell, "缺少题目文字"))
        else:
            texts[number] = text
    if problems:
        raise_problems(f"题目文字文件 {path.name} 有 {len(problems)} 处错误：", problems)
    if not texts:
        raise_problems(f"题目文字文件 {path.name} 里没有题目（应为两列：题号、题目）", [])
    items = tuple(Item(item.number, texts.get(item.number, item.text))
                  for item in instrument.items)
    return dataclasses.replace(instrument, items=items)
