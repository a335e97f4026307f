"""Golden fixtures: each messy shape a school office exports, with the exact rows and
problems it must give. The fixtures are made by tests/data/roster/make_fixtures.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.errors import BadInputError
from app.instruments.identity import ID_FIX
from app.services.roster.file import RosterFile, RosterRow, RowProblem, read_roster

DATA = Path(__file__).resolve().parent.parent / "data" / "roster"
TODAY = date(2026, 9, 1)


def read(name: str) -> RosterFile:
    return read_roster(DATA / name, today=TODAY)


def row(n: int, no: str, name: str, gender: str, grade: int, number: int,
        born: date | None = None, guardian: str | None = None,
        phone: str | None = None) -> RosterRow:
    return RosterRow(n, no, name, gender, grade, number, born, guardian, phone)  # type: ignore[arg-type]


def test_title_rows_merged_cells_and_id_card_column() -> None:
    result = read("title_merged.xlsx")
    assert result.rows == [
        row(5, "G11010520130305123X", "张三", "M", 7, 1, date(2013, 3, 5), "张建国",
            "13800000001"),
        row(6, "G110105201304111222", "李思琪", "F", 7, 1, date(2013, 4, 11), "李明",
            "13800000002"),
        row(7, "G110105201212250014", "王浩宇", "M", 7, 1, date(2012, 12, 25)),
        row(8, "G110105201302020028", "赵欣怡", "F", 7, 2, date(2013, 2, 2), "赵刚",
            "13800000004"),
        row(12, "G110105201205050057", "刘子涵", "F", 8, 1, date(2012, 5, 5)),
        row(13, "G110105201209090064", "杨梓轩", "M", 8, 7, date(2012, 9, 9)),
    ]
    assert result.problems == [
        RowProblem(9, "学生姓名", "姓名为空"),
        RowProblem(10, "性别", "性别「X」无法识别（应为“男”或“女”）"),
    ]
    assert result.column_map == {
        "student_no": "学籍号*", "name": "学生姓名", "gender": "性别", "grade": "年级",
        "class_number": "班级", "birth_date": "出生日期", "guardian_name": "家长姓名",
        "guardian_phone": "联系电话"}
    assert result.ignored_columns == ["序号", "身份证号"]
    assert result.notes == [
        "读取了工作表「名册」；工作表「说明」没有读取，如需导入请另存为单独的文件。",
        "表头在第 4 行，上面的标题行没有读取。",
        "「身份证号」列没有读取：本软件不保存学生的身份证号。",
        "以下列没有用到：序号。",
        "第 14 行不是学生记录（没有学籍号、姓名和班级，或是跨列合并的标题、合计），已跳过。",
    ]


def test_id_card_numbers_are_never_kept() -> None:
    result = read("title_merged.xlsx")
    kept = repr(result.rows) + repr(result.problems) + repr(result.notes)
    assert "11010520130305123X" not in kept.replace("G11010520130305123X", "")


def test_legacy_xls_numbers_codes_and_duplicates() -> None:
    result = read("legacy.xls")
    assert result.rows == [
        row(4, "20260703002", "吴雨萱", "F", 7, 3, date(2013, 5, 1)),
        row(6, "20260704001", "孙俊杰", "M", 7, 4, date(2012, 11, 30)),
    ]
    assert result.problems == [
        RowProblem(3, "学号", "学籍号「20260703001」与第 8 行重复"),
        RowProblem(5, "出生年月", "出生年月「2013.1」分不清是 1 月还是 10 月（数字格式去掉了"
                   "末尾的 0）：请写成 2012-01 或 2012-10 这样的文本"),
        RowProblem(7, "性别", "性别「3」无法识别（应为“男”或“女”）"),
        RowProblem(8, "学号", "学籍号「20260703001」与第 3 行重复"),
    ]
    assert result.notes == ["表头在第 2 行，上面的标题行没有读取。",
                            "1 行的出生日期只写到月份，按当月 1 日记录。"]


def test_gbk_csv_full_width_and_name_spaces() -> None:
    result = read("gbk.csv")
    assert result.rows == [
        row(2, "G110105201303050018", "张三", "M", 7, 3, date(2013, 3, 5), "张父",
            "13800000011"),
        row(3, "G110105201304050028", "欧阳明月", "F", 7, 3, date(2013, 4, 5), "欧阳锋",
            "13800000022"),
        row(4, "G110105201305050038", "阿依古丽·买买提", "F", 7, 3, date(2013, 5, 5)),
        row(5, "G110105201306050048", "李雷", "M", 7, 4, date(2013, 6, 5)),
    ]
    assert result.problems == [
        RowProblem(6, "班别", "班级「初二(4)班」与年级「初一」不一致"),
    ]
    assert result.column_map["class_number"] == "班别"
    assert result.notes == ["CSV 文件按 GBK/GB18030 编码读取。"]


def test_utf8_bom_csv_every_row_problem() -> None:
    result = read("utf8_bom.csv")
    assert result.rows == [
        row(5, "12345", "孙悟空", "M", 10, 1, date(2010, 2, 2)),
        row(6, "00123", "猪八戒", "M", 10, 2, date(2010, 3, 3)),
        row(9, "L20100606", "白龙马", "M", 11, 2, date(2009, 6, 6)),
        row(21, "L20101515", "张三丰", "M", 10, 3, date(2010, 3, 15)),
    ]
    lost = f"是科学计数法，末几位数字已经丢失（表格只保留 15 位有效数字）：{ID_FIX}"
    assert result.problems == [
        RowProblem(4, "全国学籍号", f"学籍号「1.10105E+17」{lost}"),
        RowProblem(7, "全国学籍号", "学籍号「L20100404」与第 8 行重复"),
        RowProblem(8, "全国学籍号", "学籍号「L20100404」与第 7 行重复"),
        RowProblem(10, "全国学籍号", "与第 9 行完全相同（重复录入），只导入第 9 行"),
        RowProblem(12, "生日", "出生日期 2099-01-01 晚于今天"),
        RowProblem(13, "生日", "出生日期 1990-01-01 表示学生已 36 岁，超过 25 岁，请核对"),
        RowProblem(14, "年级", "年级「13」超出范围（应为 1–12：小学为 1–6，初一至初三为 7–9，"
                   "高一至高三为 10–12）"),
        RowProblem(15, "年级", "年级「2026级」是入学年份，换算不出现在的年级：请写成“初一”"
                   "“七年级”这样的年级"),
        RowProblem(16, "班级", "班级「初一(1)班」与年级「高三」不一致"),
        RowProblem(17, "性别", "性别「X」无法识别（应为“男”或“女”）"),
        RowProblem(18, "全国学籍号", "没有学籍号"),
        RowProblem(19, "班级", "班级「五十班了」无法识别（可写作“初一(3)班”“七年级3班”"
                   "“3班”“703”等）"),
        RowProblem(20, "生日", "出生日期「二〇〇八年」无法识别（可写作 2012-03-05）"),
    ]
    assert result.notes == ["表头在第 3 行，上面的标题行没有读取。", "第 11 行重复了表头，已跳过。"]


def test_numeric_ids() -> None:
    result = read("numeric_ids.xlsx")
    assert result.rows == [
        row(2, "20260701000001", "林小雨", "F", 7, 1, phone="13800000001"),
        row(3, "12345", "林小风", "M", 7, 1),
        row(5, "G20260701000004", "林小电", "F", 7, 1, phone="13800000004"),
    ]
    assert result.problems == [RowProblem(
        4, "学籍号", "学籍号「1.10105201303051E+17」在文件里存成了数字，末几位数字已经丢失"
        f"（表格只保留 15 位有效数字）：{ID_FIX}")]


def test_full_width_digits_spaces_and_headers() -> None:
    result = read("fullwidth.xlsx")
    assert result.rows == [
        row(2, "2026070101", "王小明", "M", 7, 2, date(2013, 3, 5)),
        row(3, "2026070102", "Lisa Wang", "F", 7, 2, date(2013, 4, 6)),
    ]
    assert result.problems == []
    assert result.column_map["student_no"] == "学 籍 号"


def test_every_class_spelling_with_a_grade_column() -> None:
    result = read("class_spellings.csv")
    got = {r.row_number: (r.grade, r.class_number) for r in result.rows}
    assert got == {
        2: (7, 3), 3: (7, 3), 4: (7, 3), 5: (7, 3), 6: (7, 3), 7: (11, 5), 8: (3, 2),
        9: (7, 3), 10: (7, 3), 11: (10, 3), 12: (7, 3), 13: (10, 3), 14: (1, 3), 15: (10, 3),
        16: (7, 3), 17: (7, 3), 18: (7, 11),
    }
    assert result.problems == [RowProblem(19, "班级", "班级「703」与年级「八年级」不一致")]


def test_every_class_spelling_without_a_grade_column() -> None:
    result = read("class_spellings_no_grade.csv")
    got = {r.row_number: (r.grade, r.class_number) for r in result.rows}
    assert got == {2: (7, 3), 3: (7, 3), 4: (11, 5), 5: (3, 2), 6: (7, 3), 7: (7, 3),
                   8: (12, 3), 9: (7, 3), 10: (7, 3)}
    assert result.problems == [
        RowProblem(11, "班级", "班级「3班」没有写年级，文件里也没有「年级」列"),
        RowProblem(12, "班级", "班级「103」分不清是小学、初中还是高中的年级，请加「年级」列或"
                   "写成“初一(3)班”这样的班级"),
        RowProblem(13, "班级", "班级「1303」中的年级超出范围（应为 1–12：小学为 1–6，"
                   "初一至初三为 7–9，高一至高三为 10–12）"),
    ]


def test_tab_text_named_xls_and_xlsx_named_csv_are_read_by_content() -> None:
    expected = [row(2, "A1", "张三", "M", 7, 1)]
    text = read("tab_text.xls")
    assert text.rows == expected
    assert text.notes == ["CSV 文件按 GBK/GB18030 编码读取。",
                          "文件扩展名是 .xls，但内容其实是文本表格（CSV），已按文本读取。"]
    workbook = read("xlsx_named.csv")
    assert workbook.rows == expected
    assert workbook.notes == ["文件扩展名是 .csv，但内容是 Excel 工作簿，已按 Excel 读取。"]


@pytest.mark.parametrize(("name", "message"), [
    ("corrupt.xlsx", "无法读取 Excel 文件 corrupt.xlsx：文件可能已损坏，请用 Excel 打开后"
                     "「另存为」.xlsx 再导入"),
    ("empty.csv", "文件 empty.csv 是空的"),
    ("encrypted.xlsx", "文件 encrypted.xlsx 设置了打开密码：请在 Excel 中取消密码（文件 → 信息"
                       " → 保护工作簿 → 用密码进行加密，清空密码）后再导入"),
    ("html.xls", "文件 html.xls 其实是网页（HTML）格式，不是真正的 Excel 文件：请用 Excel "
                 "打开后「另存为」.xlsx 再导入"),
    ("roster.pdf", "不支持的文件类型「.pdf」：名册请用 .xlsx、.xls 或 .csv 文件"),
    ("missing.xlsx", "找不到文件：missing.xlsx"),
    ("missing_columns.xlsx", "名册缺少必需的列：「学籍号」、「性别」。第 2 行找到的列：「序号」、"
                             "「学生姓名」、「民族」、「班级」。请确认表头写有「学籍号」「姓名」"
                             "「性别」「班级」。"),
])
def test_unreadable_files_say_why(name: str, message: str) -> None:
    with pytest.raises(BadInputError) as raised:
        read(name)
    assert raised.value.message == message
