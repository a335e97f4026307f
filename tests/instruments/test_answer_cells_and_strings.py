"""The two answer decoders on their own: cells of any spelling, and answer-sheet strings."""

from __future__ import annotations

import numpy as np
import pytest

from app.errors import BadInputError
from app.instruments import cells_to_values, load_definition_file, parse_answer_strings


def test_cells_every_spelling(mssmhs):
    q1 = ["无", "轻度", " 中度 ", "较重", "严重", "A", "e", "Ｃ"]
    q2 = [1, 2.0, "3", "4.0", None, np.nan, "（跳过）", "B.轻度"]
    cells = [cell for pair in zip(q1, q2, strict=True) for cell in pair]
    values, problems = cells_to_values(cells, 2, mssmhs, rows=[11, 12, 13, 14, 15, 16, 17, 18],
                                       columns=["q1", "q2"])
    assert problems == []
    assert values[:, 0].tolist() == [1, 2, 3, 4, 5, 1, 5, 3]
    assert values[:4, 1].tolist() == [1, 2, 3, 4]
    assert np.isnan(values[4:7, 1]).all() and values[7, 1] == 2


def test_cells_report_impossible_values_with_row_and_column(mht):
    cells = ["是", 2, "也许", "A.不是"]
    values, problems = cells_to_values(cells, 2, mht, rows=[5, 6], columns=["第1题", "第2题"])
    assert [(p.row, p.column, p.text) for p in problems] == [(5, "第2题", "2"),
                                                             (6, "第1题", "也许"),
                                                             (6, "第2题", "A.不是")]
    assert "选项字母 A 与文字“不是”不一致" in problems[2].message
    assert np.isnan(values[1]).all() and values[0, 0] == 1


def test_cells_positions(phq9):
    values, problems = cells_to_values([1, 4, 5], 1, phq9, numbers="positions")
    assert values[:2, 0].tolist() == [0, 3]
    assert [p.row for p in problems] == [2] and "应为 1–4" in problems[0].message


def test_strings_digits_letters_and_blanks(mht):
    values, problems = parse_answer_strings(["1" * 100, "ab" * 50, "10" * 49 + "-1", ""], mht)
    assert problems[0].row == 4 and not problems[0].fatal  # the empty one: reported only
    assert len(problems) == 1
    assert values[0].tolist() == [1] * 100
    assert values[1, :4].tolist() == [1, 0, 1, 0]
    assert np.isnan(values[2, 98]) and values[2, 99] == 1
    assert np.isnan(values[3]).all()


def test_strings_precise_messages(mssmhs):
    strings = ["1234" * 15, "1234" * 14 + "126 4", "12" * 31, "1234" * 14 + "12是4",
               "１２３４" * 15]
    values, problems = parse_answer_strings(strings, mssmhs, rows=[2, 3, 4, 5, 6],
                                            column="答案串")
    allowed = "（可用：1、2、3、4、5（或选项字母 A–E），未答写 -）"
    assert [str(p) for p in problems] == [
        f"第3行「答案串」：第 59 个字符“6”不是有效答案{allowed}",
        "第4行「答案串」：答案串有 62 个字符，应为 60 个（空格不计）",
        f"第5行「答案串」：第 59 个字符“是”不是有效答案{allowed}",
    ]
    assert all(p.fatal for p in problems)
    assert values[0, :4].tolist() == [1, 2, 3, 4] and np.isnan(values[1:4]).all()
    assert values[4].tolist() == values[0].tolist()  # full-width digits fold to ASCII


def test_strings_need_single_digit_values(tmp_path):
    text = """code = "wide"\nname = "宽"\nversion = "1"\nsource = "x"\nlicence = "x"
item_count = 2\n[[options]]\nvalue = 0\nlabel = "否"\n[[options]]\nvalue = 10\nlabel = "是"
"""
    (tmp_path / "wide.toml").write_text(text, encoding="utf-8")
    wide = load_definition_file(tmp_path / "wide.toml")
    with pytest.raises(BadInputError, match="不能用答案串录入"):
        parse_answer_strings(["00"], wide)


@pytest.mark.parametrize("cells", [[True, 1, 1.0], [1, True, 1.0], [1.0, 1, True]])
def test_an_excel_boolean_is_no_answer_whatever_comes_first(mht, cells):
    """Python's True == 1: a dict of spellings would file TRUE under 1, or 1 under TRUE."""
    values, problems = cells_to_values(cells, 1, mht)
    position = next(i for i, cell in enumerate(cells) if cell is True)
    assert [p.row for p in problems] == [position] and "不是选项" in problems[0].message
    assert np.isnan(values[position, 0])
    assert np.delete(values[:, 0], position).tolist() == [1, 1]


def test_cells_must_fill_whole_sheets(mht):
    with pytest.raises(ValueError, match="do not fill"):
        cells_to_values(["是", "不是", "是"], 2, mht)
    values, problems = cells_to_values([], 100, mht)
    assert values.shape == (0, 100) and problems == []


def test_strings_blank_cells_are_empty_sheets(mht):
    values, problems = parse_answer_strings([None, np.nan, "1" * 100], mht)
    assert [(p.row, p.fatal) for p in problems] == [(1, False), (2, False)]
    assert "答案串为空" in problems[0].message
    assert np.isnan(values[:2]).all() and values[2].tolist() == [1] * 100
