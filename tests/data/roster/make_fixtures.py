"""Writes the roster fixtures in this folder: the messy shapes school offices export.

The fixtures are committed; this script only documents how they were made. It needs
writers the app does not depend on, so run it from a throwaway environment:

    python -m venv /tmp/fixtools && /tmp/fixtools/bin/pip install openpyxl xlwt msoffcrypto-tool
    /tmp/fixtools/bin/python tests/data/roster/make_fixtures.py

All people in the fixtures are invented. tests/roster/test_roster_fixtures.py holds the
rows and problems each file must give.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import xlwt
from msoffcrypto.format.ooxml import OOXMLFile

HERE = Path(__file__).resolve().parent


def title_merged_xlsx() -> None:
    """A 说明 sheet before the roster; title rows, a blank row, decorated headers,
    年级/班级 merged down, an ID-card column, a blank row inside the data, and a 合计
    footer merged across."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名册"
    ws.append(["青心实验中学2026级学生名册"])
    ws.merge_cells("A1:J1")
    ws.append(["制表：教务处 2026年9月1日"])
    ws.merge_cells("A2:J2")
    ws.append([])
    ws.append(["序号", "学籍号*", "学生姓名", "性别", "年级", "班级", "出生日期", "身份证号",
               "家长姓名", "联系电话"])
    rows = [
        [1, "G11010520130305123X", "张 三", "男", "七年级", "1班", datetime(2013, 3, 5),
         "11010520130305123X", "张建国", "13800000001"],
        [2, "G110105201304111222", "李思琪", "女", None, None, datetime(2013, 4, 11),
         "110105201304111222", "李明", 13800000002],
        [3, "G110105201212250014", "王浩宇", "男", None, None, "2012-12-25", None, None, None],
        [4, "G110105201302020028", "赵欣怡", "女", None, "2班", datetime(2013, 2, 2), None,
         "赵刚", "13800000004"],
        [5, "G110105201306060035", None, "男", None, None, datetime(2013, 6, 6)],
        [6, "G110105201301010047", "陈一诺", "X", None, None, datetime(2013, 1, 1)],
        [],
        [7, "G110105201205050057", "刘子涵", "女", "八年级", "初二(1)班",
         datetime(2012, 5, 5)],
        [8, "G110105201209090064", "杨梓轩", "男", None, "7班", datetime(2012, 9, 9)],
        ["合计：8人"],
    ]
    for row in rows:
        ws.append(row)
    for cells in ("E5:E10", "F5:F7", "F8:F10", "E12:E13", "A14:J14"):
        ws.merge_cells(cells)
    for row in ws.iter_rows(min_row=5, min_col=7, max_col=7):
        row[0].number_format = "yyyy-mm-dd"
    wb.create_sheet("说明", 0).append(["本表由教务处导出，请勿修改表头"])
    wb.save(HERE / "title_merged.xlsx")


def legacy_xls() -> None:
    """An .xls from an old 学籍 system: 学号 as numbers, gender 1/2, classes merged down,
    dates as Excel dates, 出生年月 without the day, a 2013.1 that could be Jan or Oct."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("学生")
    sheet.write_merge(0, 0, 0, 6, "2026学年学生花名册")
    for c, text in enumerate(["学号", "姓名", "性别", "班级", "出生年月", "监护人", "家长电话"]):
        sheet.write(1, c, text)
    day = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    rows = [
        (20260703001, "周文博", 1, date(2013, 7, 1), "周强", 13900000001),
        (20260703002, "吴雨萱", 2, "2013.05", "", ""),
        (20260703003, "郑佳琪", 2, 2013.1, "郑海", 13900000003),
        (20260704001, "孙俊杰", 1, date(2012, 11, 30), "", ""),
        (20260704002, "马晨曦", 3, date(2013, 2, 14), "", ""),
        (20260703001, "周文博", 1, date(2013, 7, 1), "周强", 13900000001),
    ]
    for i, (no, name, gender, born, guardian, phone) in enumerate(rows, start=2):
        sheet.write(i, 0, no)
        sheet.write(i, 1, name)
        sheet.write(i, 2, gender)
        if isinstance(born, date):
            sheet.write(i, 4, born, day)
        else:
            sheet.write(i, 4, born)
        sheet.write(i, 5, guardian)
        sheet.write(i, 6, phone)
    sheet.write_merge(2, 4, 3, 3, "初一(3)班")
    sheet.write_merge(5, 7, 3, 3, "初一(4)班")
    book.save(str(HERE / "legacy.xls"))


GBK_ROWS = [
    "学籍号,姓名,性别,年级,班别,出生日期,家长姓名,联系电话",
    "Ｇ１１０１０５２０１３０３０５００１８,张　三,男,初一,（３）班,2013年3月5日,张父,"
    "１３８００００００１１",
    "G110105201304050028,欧阳 明月,女,初中一年级,(3)班,2013.4.5,欧阳锋,13800000022",
    "G110105201305050038,阿依古丽 . 买买提,女,七年级,3班,20130505,无,无",
    "G110105201306050048, 李 雷 ,男,7,初一(4)班,2013/6/5,,",
    "G110105201307050058,韩梅梅,女,初一,初二(4)班,2013-07-05,,",
]


def gbk_csv() -> None:
    """GBK as Chinese Windows Excel saves CSV: full-width digits and spaces, stray spaces
    in names, a minority name's dot typed as " . ", 年级 spelt four ways, placeholders."""
    (HERE / "gbk.csv").write_bytes("\r\n".join(GBK_ROWS).encode("gbk") + b"\r\n")


def utf8_bom_csv() -> None:
    """UTF-8 with BOM: IDs as Excel leaves them in CSV (scientific notation, 12345.0,
    ="00123"), duplicates pasted twice and in conflict, impossible dates, a repeated
    header, grades out of range and an entry year instead of a grade."""
    lines = [
        "学生名册,,,,,",
        ",,,,,",
        "全国学籍号,姓名,性别,年级,班级,生日",
        "1.10105E+17,钱多多,男,高一,1班,2010-01-01",
        "12345.0,孙悟空,男,高一,1班,2010-02-02",
        '="00123",猪八戒,男,高一,2班,2010-03-03',
        "L20100404,沙和尚,男,高二,高二(1)班,2009-04-04",
        "L20100404,唐三藏,男,高二,高二(1)班,2009-05-05",
        "L20100606,白龙马,男,高二,高二(2)班,2009-06-06",
        "L20100606,白龙马,男,高二,高二(2)班,2009-06-06",
        "全国学籍号,姓名,性别,年级,班级,生日",
        "L20100707,红孩儿,男,高三,1班,2099-01-01",
        "L20100808,老寿星,男,高三,1班,1990-01-01",
        "L20100909,哪吒,男,13,1班,2010-09-09",
        "L20101010,金吒,男,2026级,1班,2010-10-10",
        "L20101111,木吒,男,高三,初一(1)班,2008-11-11",
        "L20101212,嫦娥,X,高三,1班,2008-12-12",
        ",无名氏,女,高三,1班,2008-12-13",
        "L20101313,玉兔,女,高三,五十班了,2008-12-14",
        "L20101414,杨戬,男,高三,2班,二〇〇八年",
        "L20101515,张 三 丰,男,高一,3班,2010-03-15",
    ]
    (HERE / "utf8_bom.csv").write_bytes("\n".join(lines).encode("utf-8-sig") + b"\n")


def numeric_ids_xlsx() -> None:
    """IDs typed into number cells: 14 digits survive, 18 digits lose their tail."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["学籍号", "姓名", "性别", "班级", "家长电话"])
    ws.append([20260701000001, "林小雨", "女", "701", 13800000001])
    ws.append([12345.0, "林小风", "男", "7.1", None])
    ws.append([110105201303051234, "林小雷", "男", "701", None])
    ws.append(["g20260701000004", "林小电", "F", "七(1)班", "138 0000 0004"])
    wb.save(HERE / "numeric_ids.xlsx")


# (年级 column, 班级 column) → every spelling a school office uses, each with the grade
# and class it means (None when it must be refused).
SPELLINGS_WITH_GRADE = [
    ("七年级", "3班"), ("初一", "(3)班"), ("7", "（3）班"), ("初中一年级", "初一(3)班"),
    ("七年级", "七年级3班"), ("高二", "高二5班"), ("三年级", "三年级2班"), ("初一", "7.3"),
    ("七年级", "703"), ("高一", "1003"), ("初一", "103"), ("高一", "103"), ("一年级", "3"),
    ("高中一年级", "1(3)班"), ("初一", "七(3)班"), ("初一", "2026级3班"), ("初一", "十一班"),
    ("八年级", "703"),
]
SPELLINGS_NO_GRADE = ["初一(3)班", "七年级3班", "高二5班", "三年级2班", "7.3", "703", "1203",
                      "七(3)班", "初一（3）班", "3班", "103", "1303"]


def class_spellings_csv() -> None:
    """Every class spelling, with a 年级 column and without one."""
    lines = ["学籍号,姓名,性别,年级,班级"]
    lines += [f"S{i:03d},学生{i},男,{g},{c}" for i, (g, c) in enumerate(SPELLINGS_WITH_GRADE, 1)]
    (HERE / "class_spellings.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["学籍号,姓名,性别,班级"]
    lines += [f"T{i:03d},学生{i},女,{c}" for i, c in enumerate(SPELLINGS_NO_GRADE, 1)]
    (HERE / "class_spellings_no_grade.csv").write_text("\n".join(lines) + "\n",
                                                       encoding="utf-8")


def fullwidth_xlsx() -> None:
    """Text typed with a Chinese input method left in full-width mode."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["学　籍　号", "姓　名", "性　别", "年　级", "班　级", "出生日期"])
    ws.append(["２０２６０７０１０１", "　王　小　明　", "男", "七年级", "（２）班",
               "２０１３－０３－０５"])
    ws.append(["２０２６０７０１０２", "Ｌｉｓａ　Ｗａｎｇ", "女", "７", "２", "２０１３．４．６"])
    wb.save(HERE / "fullwidth.xlsx")


def broken_files() -> None:
    """Files that must be refused with a message, never a traceback."""
    good = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active.append(["学籍号", "姓名", "性别", "班级"])
    wb.active.append(["A1", "张三", "男", "初一(1)班"])
    wb.save(good)
    (HERE / "corrupt.xlsx").write_bytes(good.getvalue()[:600])
    (HERE / "empty.csv").write_bytes(b"")
    (HERE / "xlsx_named.csv").write_bytes(good.getvalue())
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(good.getvalue())).encrypt("secret", encrypted)
    (HERE / "encrypted.xlsx").write_bytes(encrypted.getvalue())
    (HERE / "html.xls").write_text(
        "<html><body><table><tr><td>学籍号</td><td>姓名</td></tr></table></body></html>",
        encoding="utf-8")
    (HERE / "tab_text.xls").write_bytes(
        "学籍号\t姓名\t性别\t班级\r\nA1\t张三\t男\t初一(1)班\r\n".encode("gbk"))
    (HERE / "roster.pdf").write_bytes(b"%PDF-1.4\n")
    wb = openpyxl.Workbook()
    wb.active.append(["XX中学学生名册"])
    wb.active.append(["序号", "学生姓名", "民族", "班级"])
    wb.active.append(["A1", "张三", "汉", "初一(1)班"])
    wb.save(HERE / "missing_columns.xlsx")


if __name__ == "__main__":
    title_merged_xlsx()
    legacy_xls()
    gbk_csv()
    utf8_bom_csv()
    numeric_ids_xlsx()
    class_spellings_csv()
    fullwidth_xlsx()
    broken_files()
