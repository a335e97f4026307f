"""A school's critical-item settings, the SCL-90 example definition, and answers files
read safely: option numbers that cannot be values are refused with the way out, and a
问卷星 survey's own identity questions before item 1 are recognised."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.errors import BadInputError
from app.instruments import load_definition_file, load_instrument, read_answers, score
from tests.instruments.conftest import DATA
from tests.instruments.test_answer_files import save_xlsx
from tests.instruments.test_school_folder import _touch_later

# --- settings.toml: critical items ------------------------------------------------------

def test_school_sets_mssmhs_item57_from_mild(folder):
    """instruments.md: the threshold is the school's to set; 轻度 and above here."""
    assert score(load_instrument("mssmhs"), np.array([[2.0] + [1.0] * 59])
                 ).records()[0]["warning"] == "none"
    (folder / "settings.toml").write_text("[mssmhs.critical.57]\nabove = 1\n", encoding="utf-8")
    mssmhs = load_instrument("mssmhs")
    sheet = np.ones((1, 60))
    sheet[0, 56] = 2.0
    record = score(mssmhs, sheet).records()[0]
    assert record["critical"] == [57] and record["critical_answers"] == {"57": "轻度"}
    assert record["warning"] == "key"
    assert "+设置" in record["version"] and mssmhs.setting_problems == ()
    assert mssmhs.critical[0].crisis_bands == ("severe", "extreme")  # the rest is kept


def test_school_adds_a_critical_item(folder):
    (folder / "settings.toml").write_text(
        '[mht.critical.83]\nabove = 0\nmessage = "第 83 题：本校关注的冲动题"\n', encoding="utf-8")
    mht = load_instrument("mht")
    assert [c.item for c in mht.critical] == [85, 97, 83]
    sheet = np.zeros((1, 100))
    sheet[0, [0, 82]] = 1.0
    record = score(mht, sheet).records()[0]
    assert record["critical"] == [83] and record["warning"] == "key"
    assert "第 83 题：本校关注的冲动题" in record["notes"]


def test_unknown_critical_item_names_file_line_and_item_and_keeps_the_shipped_rule(folder):
    settings = folder / "settings.toml"
    settings.write_text("# 本校设置\n[phq9.cutoffs.total]\nmoderate = 10\n\n"
                        "[phq9.critical.19]\nabove = 0\n", encoding="utf-8")
    phq9 = load_instrument("phq9")
    assert [(c.item, c.above) for c in phq9.critical] == [(9, 0.0)]
    assert phq9.setting_problems == (
        f"{settings} 第 5 行：关键题题号「19」不存在（患者健康问卷抑郁量表共 9 题），"
        "这项设置未采用，仍按原定义的关键题规则提示",)
    record = score(phq9, np.array([[0, 0, 0, 0, 0, 0, 0, 0, 1.0]])).records()[0]
    assert record["critical"] == [9] and record["warning"] == "key"


def test_unknown_critical_item_written_as_a_dotted_key(folder):
    settings = folder / "settings.toml"
    settings.write_text("[mssmhs]\ncritical.61.above = 1\n", encoding="utf-8")
    problems = load_instrument("mssmhs").setting_problems
    assert len(problems) == 1 and problems[0].startswith(f"{settings} 第 2 行：关键题题号「61」")


def test_a_definition_may_not_make_a_critical_answer_crisis_by_itself(tmp_path):
    text = (DATA / "scl90.toml").read_text(encoding="utf-8")
    path = tmp_path / "scl90.toml"
    path.write_text(text.replace('above = 1\nmessage', 'above = 1\nwarning = "crisis"\nmessage'),
                    encoding="utf-8")
    with pytest.raises(BadInputError) as info:
        load_definition_file(path)
    assert "critical[1].warning" in info.value.message


# --- SCL-90 expressed in the format (test fixture, not shipped) ------------------------

def test_scl90_total_positive_items_factor_means_and_item15():
    """Derogatis; 王征宇 1984: total ≥160, 阳性项目数 (items ≥2) >43, factor mean ≥2,
    item 15 the suicidal-thoughts item."""
    scl90 = load_definition_file(DATA / "scl90.toml")
    depression = [5, 14, 15, 20, 22, 26, 29, 30, 31, 32, 54, 71, 79]
    sheet = np.ones((1, 90))
    sheet[0, [n - 1 for n in depression]] = 4.0
    sheet[0, 14] = 5.0
    record = score(scl90, sheet).records()[0]
    assert record["total"] == 77 + 12 * 4 + 5
    assert record["scales"]["positive_items"] == 13
    assert record["scales"]["depression"] == pytest.approx(53 / 13)
    assert record["bands"]["depression"] == "marked"
    assert record["critical_answers"] == {"15": "严重"} and record["warning"] == "crisis"
    positive = np.full((1, 90), 2.0)
    positive[0, :46] = 1.0   # items 1–46 (item 15 among them) 没有, 47–90 很轻
    many = score(scl90, positive).records()[0]
    assert many["scales"]["positive_items"] == 44 and many["bands"]["positive_items"] == "positive"
    assert many["total"] == 46 + 44 * 2 and many["bands"]["total"] == "none"
    assert many["critical"] == [] and many["warning"] == "general"


# --- option numbers: values or positions -----------------------------------------------

def phq_grid(tmp_path: Path, rows: list[list[int]]) -> Path:
    header = ["学号", *[f"Q{n}" for n in range(1, 10)]]
    return save_xlsx(tmp_path / "phq.xlsx",
                     [header, *[[f"S{i}", *row] for i, row in enumerate(rows, start=1)]])


def test_position_coded_file_without_a_lowest_value_is_refused(tmp_path, phq9):
    """A calm class exported by option number (1 = 完全不会) with no 4 anywhere: read as
    values every student would gain a point per item and item 9 = 1 for all."""
    path = phq_grid(tmp_path, [[1] * 9, [1, 2, 1, 1, 1, 1, 1, 1, 1], [2, 1, 1, 3, 1, 1, 1, 1, 1]])
    with pytest.raises(BadInputError) as info:
        read_answers(path, phq9)
    message = info.value.message
    assert "没有一个是最低分值 0（完全不会）" in message
    assert "“按选项序号”" in message and "--numbers positions" in message
    by_position = read_answers(path, phq9, numbers="positions")
    assert by_position.values.tolist()[0] == [0] * 9


def test_number_above_the_top_value_refuses_the_file(tmp_path, phq9):
    path = phq_grid(tmp_path, [[0] * 9, [1, 2, 3, 4, 1, 1, 1, 1, 1]])
    with pytest.raises(BadInputError, match=r"高于最高分值 3 的数字 4.*按选项序号"):
        read_answers(path, phq9)


def test_one_sheet_without_a_zero_is_not_judged_alone(tmp_path, phq9):
    answers = read_answers(phq_grid(tmp_path, [[1, 2, 1, 1, 1, 1, 1, 1, 1]]), phq9)
    assert answers.values.tolist() == [[1, 2, 1, 1, 1, 1, 1, 1, 1]]


def test_values_equal_positions_need_no_check(tmp_path, mssmhs):
    header = ["学号", *[f"Q{n}" for n in range(1, 61)]]
    path = save_xlsx(tmp_path / "m.xlsx", [header, ["S1", *[2] * 60], ["S2", *[3] * 60]])
    assert read_answers(path, mssmhs).values[0, 0] == 2


# --- 问卷星: identity questions before item 1 -------------------------------------------

def test_identity_questions_first_are_inferred(tmp_path, phq9):
    header = ["序号", "提交答卷时间", "所用时间", "1、你的学籍号：", "2、姓名", "3、班级",
              *[f"{n + 3}、题目{n}" for n in range(1, 10)]]
    row = [1, "2024/10/8 8:00:00", "95秒", "G1", "王五", "初一(2)班", *[0] * 8, 1]
    answers = read_answers(save_xlsx(tmp_path / "w.xlsx", [header, row]), phq9)
    assert list(answers.identity)[:3] == ["学籍号", "姓名", "班级"]
    assert answers.values[0].tolist() == [0] * 8 + [1]
    assert answers.inferred.startswith("已自动识别：问卷前 3 题（你的学籍号、姓名、班级）")
    assert "量表第 1 题从问卷第 4 题开始" in answers.inferred
    assert answers.seconds.tolist() == [95.0]


def test_ambiguous_extra_questions_are_still_refused(tmp_path, phq9):
    """Eleven numbered questions, the first two not about who the student is: which two
    are not items cannot be told, so the present message asks for the offset."""
    header = ["序号", "1、你今天心情如何", "2、姓名", *[f"{n + 2}、题目{n}" for n in range(1, 10)]]
    row = [1, "好", "王五", *[0] * 9]
    with pytest.raises(BadInputError) as info:
        read_answers(save_xlsx(tmp_path / "a.xlsx", [header, row]), phq9)
    assert any("多出 2 个题目列" in p and "--item-offset" in p for p in info.value.problems)


def test_seconds_from_start_and_submit_times(tmp_path, phq9):
    header = ["序号", "开始答题时间", "提交答卷时间", *[f"{n}、题目{n}" for n in range(1, 10)]]
    rows = [[1, "2024/10/8 8:00:00", "2024/10/8 8:00:10", *[1, 0] * 4, 0],
            [2, "2024/10/8 8:00:00", "2024/10/8 8:02:00", *[1, 0] * 4, 0]]
    answers = read_answers(save_xlsx(tmp_path / "t.xlsx", [header, *rows]), phq9)
    assert answers.seconds.tolist() == [10.0, 120.0]
    result = score(phq9, answers.values, seconds=answers.seconds)
    assert [r["reasons"] for r in result.records()] == [["too_fast"], []]


def test_sheet_checks_are_school_settings(folder):
    settings = folder / "settings.toml"
    settings.write_text("[phq9.checks]\nseconds_per_item = 0\nuniform = \"any\"\n",
                        encoding="utf-8")
    phq9 = load_instrument("phq9")
    result = score(phq9, np.array([[0.0] * 9, [1, 0, 1, 0, 1, 0, 1, 0, 0]]),
                   seconds=np.array([60.0, 3.0]))
    assert [r["reasons"] for r in result.records()] == [["uniform"], []]
    settings.write_text("[phq9.checks]\nuniform = \"sometimes\"\n", encoding="utf-8")
    _touch_later(settings)
    with pytest.raises(BadInputError, match="uniform"):
        load_instrument("phq9")
