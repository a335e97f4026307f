"""Loading definitions: the shipped four against the reference, a school's own files,
settings on top, item texts, and every kind of mistake named by file and key."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from app.errors import BadInputError
from app.instruments import (
    WarningLevel,
    list_instruments,
    load_definition_file,
    load_instrument,
    with_item_texts,
)

MINIMAL = """\
code = "demo"
name = "示例量表"
version = "1"
source = "测试"
licence = "测试"
item_count = 6

[[options]]
value = 0
label = "否"

[[options]]
value = 1
label = "是"

[[scales]]
code = "a"
name = "甲"
items = "1-3"
method = "sum"

[[scales]]
code = "b"
name = "乙"
items = [4, 5, 6]
method = "sum"

[[scales.bands]]
code = "low"
label = "低"
min = 0
below = 2
warning = "none"

[[scales.bands]]
code = "high"
label = "高"
min = 2
warning = "general"

[total]
name = "总分"
scales = ["a", "b"]
method = "sum"
"""


def write(folder: Path, text: str, name: str = "demo.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(text: str, tmp_path: Path) -> list[str]:
    with pytest.raises(BadInputError) as err:
        load_definition_file(write(tmp_path, text))
    assert "demo.toml" in err.value.message
    return err.value.problems


# --- the shipped definitions ---------------------------------------------------------

def test_list_instruments_ships_four():
    assert [i.code for i in list_instruments()] == ["gad7", "mht", "mssmhs", "phq9"]


def test_mht_key_matches_the_reference(mht):
    scales = {s.code: list(s.items) for s in mht.scales}
    assert scales["learning_anxiety"] == list(range(1, 16))
    assert scales["social_anxiety"] == list(range(16, 26))
    assert scales["loneliness"] == list(range(26, 36))
    assert scales["self_blame"] == list(range(36, 46))
    assert scales["sensitivity"] == list(range(46, 56))
    assert scales["somatic"] == list(range(56, 71))
    assert scales["phobia"] == list(range(71, 81))
    assert scales["impulsivity"] == list(range(81, 100, 2))
    assert scales["lie"] == list(range(82, 101, 2))
    assert sorted(mht.total.items) == sorted(set(range(1, 101)) - set(range(82, 101, 2)))
    assert [(o.label, o.value, o.letter) for o in mht.options] == [("是", 1, "A"),
                                                                    ("不是", 0, "B")]
    assert (mht.grade_min, mht.grade_max) == (4, 12)
    lie = mht.validity[0]
    assert (lie.scale, lie.comparison, lie.threshold, lie.to_confirm) == ("lie", ">=", 7, True)


def test_mht_and_mssmhs_ship_without_item_texts(mht, mssmhs):
    assert not mht.has_item_texts and not mssmhs.has_item_texts
    assert "授权" in mht.licence


def test_uncertain_facts_are_flagged(mht):
    assert any("to confirm" in n or "待确认" in n for n in mht.notes)
    assert any(b.to_confirm for b in mht.total.bands)


def test_code_is_forgiving():
    assert load_instrument("PHQ-9").code == "phq9"
    with pytest.raises(BadInputError, match="scl90"):
        load_instrument("scl90")


def test_warning_levels_order_and_labels():
    assert sorted([WarningLevel.CRISIS, WarningLevel.NONE, WarningLevel.KEY,
                   WarningLevel.GENERAL]) == list(WarningLevel)
    assert WarningLevel.CRISIS > WarningLevel.KEY > WarningLevel.GENERAL > WarningLevel.NONE
    assert [(w.value, w.level, w.label) for w in WarningLevel] == [
        ("none", 0, "无"), ("general", 3, "一般关注"), ("key", 2, "重点关注"),
        ("crisis", 1, "危机")]
    assert WarningLevel.from_severity(3) is WarningLevel.CRISIS


# --- a school's own files --------------------------------------------------------------

def test_school_definitions_load_from_extra_dirs(tmp_path):
    write(tmp_path / "school", MINIMAL)
    assert load_instrument("demo", extra_dirs=[tmp_path / "school"]).name == "示例量表"
    codes = [i.code for i in list_instruments([tmp_path / "school"])]
    assert codes[-1] == "demo"


def test_a_school_file_cannot_shadow_a_shipped_code(tmp_path):
    write(tmp_path, MINIMAL.replace('"demo"', '"mht"'), "mht.toml")
    with pytest.raises(BadInputError, match="两个定义文件"):
        load_instrument("mht", extra_dirs=[tmp_path])


def test_minimal_definition(tmp_path):
    demo = load_definition_file(write(tmp_path, MINIMAL))
    assert [u.code for u in demo.units] == ["a", "b", "total"]
    assert demo.total.scales == ("a", "b")


# --- mistakes, each named by file and key ----------------------------------------------

@pytest.mark.parametrize(("old", "new", "key", "said"), [
    pytest.param("min = 2\n", "min = 3\n", "scales[2].bands", "空缺", id="band_gap"),
    pytest.param("below = 2\n", "below = 3\n", "scales[2].bands", "重叠", id="band_overlap"),
    pytest.param('items = "1-3"', 'items = "1-4"', "scales[2].items",
                 "第 4 题同时属于「a」和「b」", id="item_in_two_scales"),
    pytest.param('label = "是"', 'label = "是"\naliases = ["a"]', "options[2]",
                 "写法「A」与第 1 个选项的字母冲突", id="alias_is_another_options_letter"),
    pytest.param('name = "示例量表"\n', "", "[name]", "缺少此项", id="missing_required_text"),
    pytest.param('warning = "general"', 'warning = "urgent"', "scales[2].bands[2].warning",
                 "urgent", id="unknown_warning_code"),
    pytest.param("items = [4, 5, 6]", "items = [4, 5, 7]", "scales[2].items",
                 "题号 7 超出范围", id="item_number_out_of_range"),
    pytest.param('scales = ["a", "b"]', 'scales = ["a", "c"]', "total.scales", "「c」",
                 id="total_refers_to_a_missing_scale"),
])
def test_one_mistake_is_named_by_its_key(tmp_path, old, new, key, said):
    """One edit of the minimal definition, one problem naming the key it is under."""
    assert old in MINIMAL
    problems = problems_of(MINIMAL.replace(old, new), tmp_path)
    assert any(key in p and said in p for p in problems)


def test_bands_must_cover_every_possible_score(tmp_path):
    text = MINIMAL.replace('min = 2\nwarning = "general"',
                           'min = 2\nbelow = 3\nwarning = "general"')
    problems = problems_of(text, tmp_path)
    assert any("可高至 3" in p for p in problems)


def test_overlapping_scales_allowed_when_declared(tmp_path):
    text = "disjoint_scales = false\n" + MINIMAL.replace('items = "1-3"', 'items = "1-4"')
    load_definition_file(write(tmp_path, text))


def test_unknown_option_key_and_duplicate_spelling(tmp_path):
    text = MINIMAL.replace('value = 1\nlabel = "是"', 'valeu = 1\nlabel = "是"\naliases = ["否"]')
    problems = problems_of(text, tmp_path)
    assert any("options[2].valeu" in p and "未知的键" in p for p in problems)
    assert any("options[2].value" in p and "缺少" in p for p in problems)
    assert any("「否」同时是第 1 个选项的写法" in p for p in problems)


def test_rule_and_critical_item_references(tmp_path):
    text = MINIMAL + """
[[validity]]
code = "lie"
name = "测谎"
scale = "nope"
threshold = 2
message = "x"

[[critical]]
item = 9
above = 0
warning = "crisis"
message = "x"
"""
    problems = problems_of(text, tmp_path)
    assert any("validity[1].scale" in p and "nope" in p for p in problems)
    assert any("critical[1].item" in p and "题号 9" in p for p in problems)


def test_file_name_must_match_code_and_toml_must_parse(tmp_path):
    with pytest.raises(BadInputError, match=r"文件名应为 demo\.toml"):
        load_definition_file(write(tmp_path, MINIMAL, "other.toml"))
    with pytest.raises(BadInputError, match="TOML"):
        load_definition_file(write(tmp_path, MINIMAL + "\n[[[broken"))


def test_all_problems_listed_at_once(tmp_path):
    text = MINIMAL.replace("items = [4, 5, 6]", "items = [4, 5, 7]").replace(
        'warning = "general"', 'warning = "urgent"')
    assert len(problems_of(text, tmp_path)) >= 2


# --- settings ---------------------------------------------------------------------------

def test_unknown_setting_is_an_error():
    with pytest.raises(BadInputError, match="lie_treshold"):
        load_instrument("mht", overrides={"mht": {"lie_treshold": 8}})
    with pytest.raises(BadInputError, match="没有量表「nope」"):
        load_instrument("mht", overrides={"mht": {"cutoffs": {"nope": {"high": 9}}}})
    with pytest.raises(BadInputError, match="应为数字"):
        load_instrument("mht", overrides={"mht": {"lie_threshold": "8"}})


def test_cutoff_setting_for_every_content_scale():
    mht = load_instrument("mht", overrides={"mht": {"cutoffs": {"*": {"high": 9}}}})
    for scale in mht.scales:
        if scale.kind == "content":
            assert {b.code: b.min for b in scale.bands}["high"] == 9
    assert {b.code: b.min for b in mht.total.bands}["high"] == 65


def test_a_setting_that_breaks_the_bands_is_reported_like_a_file_mistake():
    with pytest.raises(BadInputError) as err:
        load_instrument("phq9", overrides={"phq9": {"cutoffs": {"total": {"mild": 12}}}})
    assert "学校设置" in err.value.message
    assert any("为空" in p for p in err.value.problems)


def test_other_instruments_settings_are_ignored():
    assert load_instrument("gad7", overrides={"mht": {"lie_threshold": 8}}).overrides == ()


# --- item texts a school holds ------------------------------------------------------------

def test_item_texts_from_csv(mht, tmp_path):
    path = tmp_path / "mht_texts.csv"
    path.write_text("题号,题目\n1,第一题的文字\n2,第二题的文字\n", encoding="utf-8-sig")
    with_texts = with_item_texts(mht, path)
    assert with_texts.items[0].text == "第一题的文字" and with_texts.items[2].text == ""
    assert not mht.has_item_texts  # the original is untouched


def test_item_texts_from_xlsx_with_errors(mssmhs, tmp_path):
    wb = Workbook()
    ws = wb.active
    for row in [("题号", "题目"), (1, "甲"), (61, "乙"), (1, "丙"), ("x", "丁")]:
        ws.append(row)
    wb.save(tmp_path / "t.xlsx")
    with pytest.raises(BadInputError) as err:
        with_item_texts(mssmhs, tmp_path / "t.xlsx")
    assert err.value.problems == [
        "第3行「61」：题号超出范围（中国中学生心理健康量表（MSSMHS）共 60 题）",
        "第4行「1」：第 1 题重复",
        "第5行「x」：第一列应为题号",
    ]
