"""Row rules one at a time, on small CSVs written by the test."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl

from app.services.roster.file import RosterFile, RosterRow, RowProblem, read_roster

HEADER = "学籍号,姓名,性别,班级,出生日期,家长姓名,家长电话"


def read_lines(tmp_path: Path, *lines: str, encoding: str = "utf-8") -> RosterFile:
    path = tmp_path / "roster.csv"
    path.write_bytes("\r\n".join(lines).encode(encoding))
    return read_roster(path, today=date(2026, 9, 1))


def test_title_grade_fills_classes_written_without_one(tmp_path: Path) -> None:
    result = read_lines(tmp_path, "青心中学七年级学生名册,,,", "学籍号,姓名,性别,班级",
                        "A1,张三,男,3班", "A2,李四,女,初二(1)班")
    assert [(r.grade, r.class_number) for r in result.rows] == [(7, 3), (8, 1)]
    assert "标题写明了初一：1行的班级没有写年级，按此年级读取。" in result.notes


def test_placeholders_in_optional_columns_mean_empty(tmp_path: Path) -> None:
    result = read_lines(tmp_path, HEADER, "A1,张三,男,初一(1)班,无,/,—")
    assert result.rows == [RosterRow(2, "A1", "张三", "M", 7, 1, None, None, None)]
    assert result.problems == []


def test_names_and_phones_that_cannot_be_kept(tmp_path: Path) -> None:
    long_name = "王" * 31
    result = read_lines(tmp_path, HEADER,
                        "A1,123,男,初一(1)班,,,",
                        f"A2,{long_name},男,初一(1)班,,,",
                        "A3,张三,男,初一(1)班,,李四,1.38E+10",
                        "A4,张三,男,初一(1)班,,---,",
                        "A5 6,张三,男,初一(1)班,,,")
    assert result.rows == [RosterRow(6, "A56", "张三", "M", 7, 1, None, None, None)]
    assert result.problems == [
        RowProblem(2, "姓名", "姓名「123」不像是人名"),
        RowProblem(3, "姓名", "姓名过长（31 个字，最多 30 个字）"),
        RowProblem(4, "家长电话", "电话「1.38E+10」是科学计数法，后几位数字已经丢失：请把该列"
                   "设为「文本」格式，重新填写后再导入"),
        RowProblem(5, "家长姓名", "家长姓名「---」不像是人名"),
    ]


def test_impossible_ages_and_every_problem_of_a_row(tmp_path: Path) -> None:
    result = read_lines(tmp_path, HEADER,
                        "A1,张三,男,初一(1)班,2025-01-01,,",
                        "A2,张三,男,初一(1)班,2000-09-02,,",
                        "A3,张三,男,初一(1)班,2000-09-01,,",
                        ",,妖,,2030-1-1,,")
    assert [r.row_number for r in result.rows] == [3]
    assert result.problems == [
        RowProblem(2, "出生日期", "出生日期 2025-01-01 表示学生不足 3 岁，请核对"),
        RowProblem(4, "出生日期", "出生日期 2000-09-01 表示学生已 26 岁，超过 25 岁，请核对"),
    ]
    assert result.notes == ["第 5 行不是学生记录（没有学籍号、姓名和班级，或是跨列合并的标题、"
                            "合计），已跳过。"]


def test_a_row_reports_all_its_problems_at_once(tmp_path: Path) -> None:
    result = read_lines(tmp_path, HEADER, "A1,,妖,初一(1)班,2012-13-40,,")
    assert result.problems == [
        RowProblem(2, "姓名", "姓名为空"),
        RowProblem(2, "性别", "性别「妖」无法识别（应为“男”或“女”）"),
        RowProblem(2, "出生日期", "出生日期「2012-13-40」无法识别（可写作 2012-03-05）"),
    ]


def test_empty_grade_and_class_cells(tmp_path: Path) -> None:
    result = read_lines(tmp_path, "学籍号,姓名,性别,年级,班级", "A1,张三,男,,3班",
                        "A2,李四,女,初一,", "A3,王五,男,,初一(2)班")
    assert result.rows == [RosterRow(4, "A3", "王五", "M", 7, 2, None, None, None)]
    assert result.problems == [
        RowProblem(2, "班级", "班级「3班」没有写年级，年级也为空"),
        RowProblem(3, "班级", "班级为空"),
    ]


def test_three_rows_with_one_number(tmp_path: Path) -> None:
    result = read_lines(tmp_path, HEADER, "A1,张三,男,初一(1)班,,,", "A1,李四,女,初一(1)班,,,",
                        "a1,王五,男,初一(1)班,,,")
    assert result.rows == []
    assert [p.message for p in result.problems] == [
        "学籍号「A1」与第 3、4 行重复", "学籍号「A1」与第 2、4 行重复",
        "学籍号「A1」与第 2、3 行重复"]


def test_header_preferences_and_decorations(tmp_path: Path) -> None:
    result = read_lines(tmp_path, "学号,全国学籍号（必填）,*姓名,性别：,班 级,父亲电话,母亲电话",
                        "7,G1,张三,男,初一(1)班,13800000001,13900000002")
    assert result.rows == [RosterRow(2, "G1", "张三", "M", 7, 1, None, None, "13800000001")]
    assert result.column_map == {"student_no": "全国学籍号（必填）", "name": "*姓名",
                                 "gender": "性别：", "class_number": "班 级",
                                 "guardian_phone": "父亲电话"}
    assert result.ignored_columns == ["学号", "母亲电话"]
    assert result.notes == [
        "有多个「学籍号」列：使用「全国学籍号（必填）」，「学号」列没有读取。",
        "有多个「家长电话」列：使用「父亲电话」，「母亲电话」列没有读取。",
    ]


def test_utf16_tab_text_as_excel_saves_unicode_text(tmp_path: Path) -> None:
    path = tmp_path / "roster.txt"
    path.write_bytes("学籍号\t姓名\t性别\t班级\r\nA1\t张三\t女\t高一3班\r\n".encode("utf-16"))
    assert read_roster(path).rows == [RosterRow(2, "A1", "张三", "F", 10, 3, None, None, None)]


def test_classes_excel_turned_into_dates_or_numbers(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["学籍号", "姓名", "性别", "班级"])
    wb.active.append(["A1", "张三", "男", datetime(2026, 7, 3)])
    wb.active.append(["A2", "李四", "女", 8.12])
    wb.active.append(["A3", "王五", "男", 903])
    wb.save(tmp_path / "roster.xlsx")
    result = read_roster(tmp_path / "roster.xlsx")
    assert [(r.grade, r.class_number) for r in result.rows] == [(7, 3), (8, 12), (9, 3)]
    assert result.notes == ["1 行的班级被 Excel 变成了日期（输入“7-3”会变成7月3日），"
                            "已按“年级-班”读取。"]


def test_two_row_header_with_a_guardian_group(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["学生名册"])
    ws.append(["学籍号", "姓名", "性别", "班级", "家长信息", None, "备注"])
    ws.append([None, None, None, None, "姓名", "联系电话", None])
    ws.append(["A1", "张三", "男", "初一(1)班", "张父", "13800000001", "走读"])
    for cells in ("A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:F2", "G2:G3"):
        ws.merge_cells(cells)
    wb.save(tmp_path / "roster.xlsx")
    result = read_roster(tmp_path / "roster.xlsx")
    assert result.rows == [RosterRow(4, "A1", "张三", "M", 7, 1, None, "张父", "13800000001")]
    assert result.column_map["guardian_name"] == "家长信息·姓名"
    assert result.column_map["guardian_phone"] == "家长信息·联系电话"
    assert result.notes == ["表头在第 3 行，上面的标题行没有读取。", "以下列没有用到：备注。"]


def test_two_row_header_in_a_csv(tmp_path: Path) -> None:
    result = read_lines(tmp_path, "学籍号,姓名,性别,班级,监护人,", ",,,,姓名,电话",
                        "A1,张三,男,初一(1)班,张父,13800000001")
    assert result.rows == [RosterRow(3, "A1", "张三", "M", 7, 1, None, "张父", "13800000001")]
    assert result.column_map["name"] == "姓名"
    assert result.column_map["guardian_phone"] == "电话"


def test_a_first_row_without_required_cells_is_not_a_second_header(tmp_path: Path) -> None:
    result = read_lines(tmp_path, HEADER, ",,,,2013-03-05,张父,", "A1,张三,男,初一(1)班,,,")
    assert result.column_map["birth_date"] == "出生日期"
    assert [r.row_number for r in result.rows] == [3]
