"""Answers files as schools have them: 问卷星 exports, GBK CSV, grids, answer strings,
and broken files whose problems must be named by spreadsheet row and column header."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from openpyxl import Workbook

from app.errors import BadInputError
from app.instruments import read_answers, score

WJX_META = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]


def save_xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def wjx_rows(answers: list[list[object]], header_style: str = "{n}、题目{n}") -> list[list]:
    """A 问卷星 export: metadata, identity, then one column per MHT item."""
    header = [*WJX_META, "学籍号", "姓名", "班级", "性别",
              *[header_style.format(n=n) for n in range(1, 101)]]
    rows: list[list[object]] = [header]
    for i, items in enumerate(answers, start=1):
        rows.append([i, f"2024/9/{i} 10:2{i}:05", "320秒", "微信", "N/A", "10.0.0.1",
                     f"G2024000{i}", f"学生{i}", "初一(2)班", "男" if i % 2 else "女", *items])
    return rows


def mht_text_answers(yes: set[int]) -> list[object]:
    return ["是" if n in yes else "不是" for n in range(1, 101)]


# --- 问卷星 export -------------------------------------------------------------------

def test_wjx_export_with_option_text(tmp_path, mht):
    first = mht_text_answers(set(range(1, 9)))    # 学习焦虑 8 → high; total 8
    second = mht_text_answers(set())
    second[11] = ""                                # item 12 unanswered
    path = save_xlsx(tmp_path / "wjx.xlsx", wjx_rows([first, second]))
    answers = read_answers(path, mht)
    assert answers.layout == "wjx"
    assert answers.rows.tolist() == [2, 3]
    assert list(answers.identity) == ["学籍号", "姓名", "班级", "性别"]
    assert answers.ids() == ["G20240001", "G20240002"]
    assert answers.gender_codes().tolist() == ["M", "F"]
    assert answers.grades().tolist() == [7, 7]
    assert answers.values[0, :8].tolist() == [1] * 8 and np.nansum(answers.values[0]) == 8
    assert np.isnan(answers.values[1, 11])
    assert answers.submitted_at.tolist()[0] == dt.datetime(2024, 9, 1, 10, 21, 5)
    assert answers.date_source.tolist() == ["submitted", "submitted"]
    assert answers.errors == []
    assert [str(p) for p in answers.notices] == ["第3行「12、题目12」：第 12 题未作答"]
    r = score(mht, answers.values)
    assert r.records()[0]["bands"]["learning_anxiety"] == "high"
    assert r.records()[1]["missing"]["learning_anxiety"] == 1


@pytest.mark.parametrize("style", ["Q{n}", "第{n}题", "{n}.", "{n}. 题目", "{n}"])
def test_item_header_styles(tmp_path, mht, style):
    path = save_xlsx(tmp_path / "h.xlsx", wjx_rows([mht_text_answers({5})], style))
    answers = read_answers(path, mht)
    assert answers.values[0, 4] == 1 and np.nansum(answers.values) == 1


def test_impossible_value_names_row_and_column(tmp_path, mht):
    bad = mht_text_answers(set())
    bad[36] = "可能"
    path = save_xlsx(tmp_path / "bad.xlsx", wjx_rows([mht_text_answers(set()), bad]))
    answers = read_answers(path, mht)
    assert [str(p) for p in answers.errors] == [
        "第3行「37、题目37」：“可能”不是本量表的选项（可填：是(1)、不是(0)）"]
    with pytest.raises(BadInputError) as err:
        answers.raise_for_errors()
    assert err.value.problems == [str(answers.errors[0])]


def test_unknown_column_is_kept_and_reported(tmp_path, mht):
    rows = wjx_rows([mht_text_answers(set())])
    rows[0].append("备注")
    rows[1].append("转学生")
    answers = read_answers(save_xlsx(tmp_path / "u.xlsx", rows), mht)
    assert [str(p) for p in answers.notices] == ["第1行「备注」：无法识别的列，已作为其他信息保留"]
    assert answers.identity["备注"] == ["转学生"]


def test_missing_duplicate_and_extra_item_columns(tmp_path, mht):
    rows = wjx_rows([mht_text_answers(set())])
    rows[0][10 + 4] = "3、又一个第三题"       # item 5's column now says 3
    rows[0].append("101、附加题")
    rows[1].append("是")
    with pytest.raises(BadInputError) as err:
        read_answers(save_xlsx(tmp_path / "cols.xlsx", rows), mht)
    assert "列与心理健康诊断测验（MHT）不符" in err.value.message
    assert err.value.problems == [
        "第1行「3、又一个第三题」：与「3、题目3」都是第 3 题，请删去重复的一列",
        "第1行「101、附加题」：多出 1 个题目列（第 101 题）：本量表只有 100 题。"
        "若问卷在量表题之前另有题目，请设置“量表前的题目数”（命令行 --item-offset）；"
        "之后的题目请删去这些列",
        "第1行：缺少 1 个题目列：第 5 题",
    ]


def test_survey_questions_before_the_items(tmp_path, phq9):
    header = ["序号", "提交答卷时间", "1、你的学籍号", "2、你的姓名",
              *[f"{n + 2}、{item.text}" for n, item in enumerate(phq9.items, start=1)]]
    row = [1, "2024/10/8 8:00:00", "L001", "王五", *["完全不会"] * 8, "好几天"]
    answers = read_answers(save_xlsx(tmp_path / "o.xlsx", [header, row]), phq9,
                           item_offset=2)
    assert list(answers.identity) == ["学籍号", "姓名"]
    assert answers.values[0].tolist() == [0] * 8 + [1]
    # Item 9 answered above 0: a same-day assessment, not 危机 by itself (Kroenke 2001).
    assert score(phq9, answers.values).records()[0]["warning"] == "key"


def test_option_positions_versus_values(tmp_path, phq9):
    # 问卷星 "按序号" export: 1 = 完全不会 … 4 = 几乎每天.
    header = ["学号", *[f"Q{n}" for n in range(1, 10)]]
    path = save_xlsx(tmp_path / "pos.xlsx", [header, ["1", 1, 2, 3, 4, 1, 1, 1, 1, 1]])
    by_position = read_answers(path, phq9, numbers="positions")
    assert by_position.values[0].tolist() == [0, 1, 2, 3, 0, 0, 0, 0, 0]
    with pytest.raises(BadInputError) as info:  # a 4 cannot be a value: the file is refused
        read_answers(path, phq9)
    assert "高于最高分值 3 的数字 4" in info.value.message
    assert "“按选项序号”（命令行加 --numbers positions）" in info.value.message


# --- CSV, grids, odd layouts ------------------------------------------------------------

def test_gbk_csv_with_labels_letters_and_blank_rows(tmp_path, phq9):
    lines = ["学籍号,姓名,测评日期," + ",".join(f"第{n}题" for n in range(1, 10)),
             "S1,张三,2024-10-08," + ",".join(["好几天"] * 9),
             ",,,,,,,,,,,",
             "S2,李四,2024-10-09,A,B,C,D,a,ｂ,完全不会,几乎每一天,A.完全不会"]
    path = tmp_path / "phq.csv"
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    answers = read_answers(path, phq9)
    assert answers.layout == "grid"
    assert answers.rows.tolist() == [2, 4]   # the blank line 3 is skipped, rows stay true
    assert answers.values.tolist() == [[1] * 9, [0, 1, 2, 3, 0, 1, 0, 3, 0]]
    assert answers.date_source.tolist() == ["file_column", "file_column"]
    assert answers.submitted_at.tolist()[1] == dt.datetime(2024, 10, 9)
    assert answers.problems == ()


def test_utf8_bom_csv_grid_with_numeric_headers_and_title_row(tmp_path, gad7):
    lines = ["七年级 GAD-7 测评", ",".join(["学号", *map(str, range(1, 8))]),
             "7001,0,1,2,3,0,1,2", "7002,3,3,3,3,3,3,3"]
    path = tmp_path / "gad.csv"
    path.write_text("\n".join(lines), encoding="utf-8-sig")
    answers = read_answers(path, gad7)
    assert answers.header_row == 2 and answers.rows.tolist() == [3, 4]
    assert answers.ids() == ["7001", "7002"]
    assert answers.date_source.tolist() == ["unknown", "unknown"]
    assert score(gad7, answers.values).scores[:, 0].tolist() == [9, 21]


def test_answer_strings_file(tmp_path, mht):
    good = "1" * 8 + "0" * 92
    with_blank = "0" * 10 + "-" + "0" * 89
    rows = [["学籍号", "答案"], ["A1", good], ["A2", " ".join([with_blank[:50], with_blank[50:]])],
            ["A3", "1" * 99], ["A4", 1011]]
    answers = read_answers(save_xlsx(tmp_path / "s.xlsx", rows), mht)
    assert answers.layout == "strings"
    assert np.nansum(answers.values[0]) == 8 and np.isnan(answers.values[1, 10])
    assert [str(p) for p in answers.errors] == [
        "第4行「答案」：答案串有 99 个字符，应为 100 个（空格不计）",
        "第5行「答案」：答案串被存成了数字（开头的 0 会丢失）："
        "请把这一列设为“文本”格式后重新录入或导出",
    ]
    assert [str(p) for p in answers.notices] == ["第3行「答案」：第 11 题未作答"]


def test_unreadable_time_is_reported_not_fatal(tmp_path, gad7):
    rows = [["提交答卷时间", *[f"Q{n}" for n in range(1, 8)]],
            ["昨天下午", *["完全不会"] * 7],
            [dt.datetime(2024, 5, 6, 7, 8, 9), *["完全不会"] * 7]]
    answers = read_answers(save_xlsx(tmp_path / "t.xlsx", rows), gad7)
    assert answers.date_source.tolist() == ["unknown", "submitted"]
    assert answers.submitted_at.tolist()[1] == dt.datetime(2024, 5, 6, 7, 8, 9)
    assert [str(p) for p in answers.notices] == [
        "第2行「提交答卷时间」：“昨天下午”不是可识别的日期时间"]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("x.pdf", b"%PDF", "不支持的文件类型"),
    ("x.xlsx", b"PK\x03\x04 a damaged workbook", "无法读取 Excel 文件"),
    ("x.csv", "学号,Q1,Q2,Q3,Q4,Q5,Q6,Q7\n".encode(), "没有答卷"),
])
def test_unusable_files(tmp_path, gad7, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BadInputError, match=message):
        read_answers(path, gad7)


def test_a_tab_separated_file_named_xls(tmp_path, gad7):
    """School systems export tab-separated text under .xls: it is read as text, as a
    roster named so is, and the preview says so."""
    path = tmp_path / "export.xls"
    path.write_text("学籍号\t" + "\t".join(f"Q{n}" for n in range(1, 8)) + "\n"
                    "7001\t0\t1\t2\t3\t0\t1\t2\n", encoding="gb18030")
    answers = read_answers(path, gad7)
    assert answers.ids() == ["7001"]
    assert score(gad7, answers.values).scores[:, 0].tolist() == [9]
    assert answers.inferred.splitlines() == [
        "CSV 文件按 GBK/GB18030 编码读取。",
        "文件扩展名是 .xls，但内容其实是文本表格（CSV），已按文本读取。"]


def test_the_sheet_that_fits_is_read_and_named(tmp_path, gad7):
    """A workbook that opens on a 说明 sheet: the answers' sheet is found and named;
    a 班级 merged down over its rows counts for each of them."""
    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["请在第二个工作表填写答卷"])
    ws = wb.create_sheet("答卷")
    ws.append(["学籍号", "班级", *[f"Q{n}" for n in range(1, 8)]])
    ws.append(["7001", "初一(2)班", *[3] * 7])
    ws.append(["7002", None, *[0] * 7])
    ws.merge_cells("B2:B3")
    wb.save(tmp_path / "two.xlsx")
    answers = read_answers(tmp_path / "two.xlsx", gad7)
    assert answers.ids() == ["7001", "7002"]
    assert answers.identity["班级"] == ["初一(2)班", "初一(2)班"]
    assert answers.inferred == ("读取了工作表「答卷」；工作表「说明」没有读取，"
                                "如需导入请另存为单独的文件。")


def test_answer_strings_with_semicolons_keep_the_comma_as_separator(tmp_path, gad7):
    path = tmp_path / "strings.csv"
    path.write_text("学号,答案\n7001,0;1;2;3;0;1;2\n7002,3;3;3;3;3;3;3\n", encoding="utf-8")
    assert read_answers(path, gad7).ids() == ["7001", "7002"]


def test_a_lone_answer_string_column(tmp_path, gad7):
    path = tmp_path / "strings.csv"
    path.write_text("GAD-7 录入\n答案\n0123012\n3333333\n", encoding="utf-8")
    answers = read_answers(path, gad7)
    assert answers.header_row == 2 and answers.layout == "strings"
    assert score(gad7, answers.values).scores[:, 0].tolist() == [9, 21]
    assert answers.ids() == [None, None]


def test_old_excel_xls(gad7):
    """Excel 2003 keeps whole numbers as numbers and times as dates (fixture written by
    tests/data/answers/make_fixtures.py)."""
    answers = read_answers(Path(__file__).parents[1] / "data" / "answers" / "gad7.xls", gad7)
    assert answers.header_row == 2 and answers.rows.tolist() == [3, 4, 6]  # row 5 is blank
    assert answers.ids() == ["20240801", "20240802", "20240803"]
    assert np.array_equal(answers.values, [[0, 1, 2, 3, 0, 1, 0], [1, 1, 1, np.nan, 2, 3, 2],
                                           [0, 0, 0, 0, 0, 0, np.nan]], equal_nan=True)
    assert answers.submitted_at.tolist() == [dt.datetime(2024, 10, 9, 8, 30, 5),
                                             dt.datetime(2024, 10, 9, 8, 41),
                                             dt.datetime(2024, 10, 9, 9, 2)]
    assert [str(p) for p in answers.problems] == [
        "第4行「第4题」：第 4 题未作答",
        "第6行「第7题」：“偶尔”不是本量表的选项（可填：完全不会(0)、好几天(1)、一半以上的日子(2)、"
        "几乎每天(3)）"]
