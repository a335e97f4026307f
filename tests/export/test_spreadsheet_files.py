"""Files people open in spreadsheets (issue 18.4, issue 12.5): sheet names Excel accepts
from any instrument or school name, formula-safe cells in every CSV and xlsx writer, IDs
as text, numbers as numbers and dates as dates, filters on the header row, print setup,
and a BOM on every CSV that is not shown on a terminal."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from app.reports.sheets import neutral_text, sheet_title
from app.services.district.aggregate import Collected, Submission
from app.services.district.files import tables_xlsx
from app.services.district.tables import ExportTable
from app.services.district.workbook import district_workbook, key_list_workbook
from app.services.sheet_output import BOM, csv_text, needs_bom, write_csv

HOSTILE = ("=HYPERLINK(\"http://x\",\"点我\")", "@SUM(1)", "+1+1", "=cmd|' /C calc'!A0",
           "-2+3", "\tTAB", "\rCR")
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name, expected", [
    ("PHQ-9", "PHQ-9"),
    ("焦虑/抑郁 [初中]: 第*次?", "焦虑_抑郁 _初中__ 第_次_"),
    ("a\\b", "a_b"),
    ("'引号'", "引号"),
    ("", "Sheet"),
    ("很长" * 20, "很长" * 15 + "很"),
])
def test_sheet_titles_are_ones_excel_accepts(name, expected):
    title = sheet_title(name)
    assert title == expected and len(title) <= 31
    assert not set(title) & set("/\\?*[]:")


def test_sheet_titles_are_unique():
    taken: list[str] = []
    for name in ["分级-A/B", "分级-A?B", "分级-a:b", "x" * 40, "x" * 40]:
        taken.append(sheet_title(name, taken))
    assert taken == ["分级-A_B", "分级-A_B(2)", "分级-a_b(3)", "x" * 31, "x" * 28 + "(2)"]
    assert all(len(t) <= 31 for t in taken)


def test_csv_neutralises_formulas_and_keeps_numbers():
    text = csv_text(["学籍号", "姓名", "分数", "日期"],
                    [["00123", name, -3, date(2026, 9, 1)] for name in HOSTILE])
    rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
    assert [r[1] for r in rows] == ["'" + name for name in HOSTILE]
    assert all(r[0] == "00123" and r[2] == "-3" and r[3] == "2026-09-01" for r in rows)
    assert neutral_text("张三") == "张三" and neutral_text("-") == "'-"


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def test_bom_unless_a_terminal(monkeypatch, tmp_path):
    assert needs_bom(_Stream(False)) and not needs_bom(_Stream(True))
    for tty in (False, True):
        stream = _Stream(tty)
        monkeypatch.setattr(sys, "stdout", stream)
        write_csv("a,b\n")
        assert stream.getvalue() == ("a,b\n" if tty else BOM + "a,b\n")
    write_csv("a,b\n", tmp_path / "x.csv")
    assert (tmp_path / "x.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_csv_redirected_with_shell_gets_a_bom(tmp_path):
    """`qingxin score … --format csv > 分数.csv`, as the README shows: a real redirect."""
    answers = tmp_path / "phq.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["学籍号", "姓名", *[f"{n}、题目" for n in range(1, 10)]])
    wb.active.append(["00123", "=1+1", *[0] * 9])
    wb.save(answers)
    out = tmp_path / "分数.csv"
    with out.open("wb") as target:
        done = subprocess.run([sys.executable, "-m", "app", "score", "--instrument", "phq9",
                               str(answers), "--format", "csv"], stdout=target,
                              stderr=subprocess.PIPE, cwd=ROOT, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[1].startswith("00123,")


def _assert_text_cells(ws, texts: set[str]) -> None:
    """Every hostile text is a text cell (not a formula), shown unchanged, quote-prefixed."""
    seen = set()
    for row in ws.iter_rows():
        for c in row:
            if c.value in texts:
                assert c.data_type == "s" and c.quotePrefix, (c.coordinate, c.value)
                seen.add(c.value)
            assert c.data_type != "f", (c.coordinate, c.value)
    assert seen == texts


def _key_table(names: tuple[str, ...]) -> ExportTable:
    rows = tuple((f"K{i:07d}", name, f"G{i:018d}"[:19], "初一(1)班", "初一", "女", "key",
                  "重点关注", date(2026, 9, 1 + i), date(2026, 10, 1), i, "否")
                 for i, name in enumerate(names))
    return ExportTable("key_student_list", "重点学生名单",
                       ("code", "name", "student_no", "class", "grade", "gender", "level",
                        "level_label", "since", "next_followup", "overdue_days",
                        "referral_open"),
                       ("编码", "姓名", "学籍号", "班级", "年级", "性别", "等级代码", "预警等级",
                        "起始日期", "下次随访", "逾期天数", "转介进行中"), rows, "说明")


def test_school_workbook_cells_types_filter_and_print_setup():
    data = tables_xlsx([("学校", "=1+1")], [_key_table(HOSTILE)],
                       datetime(2027, 1, 10, 8, 0).astimezone(), "名单")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["重点学生名单"]
    _assert_text_cells(ws, set(HOSTILE) - {"\rCR"})  # xlsx stores CR as _x000D_
    _assert_text_cells(wb["说明"], {"=1+1"})
    header = [c.value for c in ws[1]]
    no = header.index("学籍号") + 1
    assert ws.cell(2, no).data_type == "s" and ws.cell(2, no).number_format == "@"
    assert isinstance(ws.cell(2, header.index("起始日期") + 1).value, datetime)
    assert ws.cell(2, header.index("起始日期") + 1).number_format == "yyyy-mm-dd"
    assert ws.cell(3, header.index("逾期天数") + 1).value == 1
    assert ws.auto_filter.ref == f"A1:L{len(HOSTILE) + 1}"
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage


def _submission(code: str, name: str, instrument: str, key_list=()) -> Submission:
    bands = {"columns": ["instrument_name", "campaigns", "unit", "unit_name", "band",
                         "band_label", "group_kind", "group_value", "group", "count", "scored"],
             "rows": [[instrument, "=秋季", "total", "总分", "b1", "低", "all", None, "全校", 30,
                       40],
                      [instrument, "=秋季", "total", "总分", "b2", "高", "all", None, "全校", "<5",
                       40]]}
    key = {"columns": ["level", "count", "group_kind"],
           "rows": [["key", 2, "all"], ["none", 38, "all"]]}
    return Submission(Path(f"{code}.qxseal"), code, name, "2026-2027-1",
                      "2027-01-10T08:00:00Z", "ab" * 16, 5, "named",
                      {"bands": bands, "key_students": key}, tuple(key_list))


def test_district_workbook_survives_any_instrument_name():
    """`district aggregate` crashed (exit 70) on an instrument named with / \\ ? * [ ] :."""
    subs = (_submission("4131010001", "=一中", "焦虑/抑郁 [初中]: 第*次?"),
            _submission("4131010002", "二中", "焦虑\\抑郁 [初中]: 第?次*"))
    data = district_workbook(Collected("2026-2027-1", subs, ()), datetime(2027, 1, 11))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    bands = [n for n in wb.sheetnames if n.startswith("分级-")]
    assert bands == ["分级-焦虑_抑郁 _初中__ 第_次_", "分级-焦虑_抑郁 _初中__ 第_次_(2)"]
    # 30 + "<5" cannot be 40: the schools' rows contradict themselves, and the 说明 says so.
    about = {r[0]: r[1] for r in wb["说明"].iter_rows(values_only=True)}
    assert "4131010001、4131010002" in about["数据不一致"]
    for ws in wb.worksheets:
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    schools = wb["学校清单"]
    assert schools.auto_filter.ref.startswith("A1:") and schools.print_title_rows == "$1:$1"
    assert isinstance(schools["D2"].value, datetime)
    _assert_text_cells(schools, {"=一中"})
    assert schools["A2"].data_type == "s" and schools["A2"].number_format == "@"


def test_district_key_list_filter_widths_dates_and_numbers():
    long_no = "G11010519491231002X"
    rows = [{"code": "K1", "name": "=HYPERLINK(1)", "student_no": long_no,
             "class": "初一(1)班", "grade": "初一", "gender": "女", "level_label": "重点关注",
             "since": datetime(2026, 9, 1), "next_followup": "2026-10-01",
             "overdue_days": 12, "referral_open": "否"},
            {"code": "K2", "name": "李四", "student_no": "G11010519491231002", "class": "",
             "grade": "初一", "gender": "男", "level_label": "危机",
             "since": datetime(2026, 9, 2), "next_followup": None, "overdue_days": 0,
             "referral_open": "是"}]
    subs = (_submission("4131010001", "一中", "PHQ-9", rows),)
    wb = openpyxl.load_workbook(io.BytesIO(key_list_workbook(
        Collected("2026-2027-1", subs, ()), datetime(2027, 1, 11))))
    ws = wb.active
    header_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 4).value == "编码"
                      and ws.cell(r, 1).value == "学校代码")
    assert ws.auto_filter.ref.startswith(f"A{header_row}:")  # on the header, not above it
    assert ws.print_title_rows == f"${header_row}:${header_row}"
    assert ws.page_setup.orientation == "landscape"
    labels = [ws.cell(header_row, c).value for c in range(1, ws.max_column + 1)]
    col = labels.index("学籍号") + 1
    first = header_row + 1
    assert ws.cell(first, col).value == long_no and ws.cell(first, col).data_type == "s"
    letter = openpyxl.utils.get_column_letter(col)
    assert ws.column_dimensions[letter].width >= len(long_no)
    since = ws.cell(first, labels.index("起始日期") + 1)
    assert isinstance(since.value, datetime) and since.number_format == "yyyy-mm-dd"
    follow = ws.cell(first, labels.index("下次随访") + 1)
    assert isinstance(follow.value, datetime)  # ISO text from an older list becomes a date
    assert ws.cell(first, labels.index("逾期天数") + 1).value == 12
    _assert_text_cells(ws, {"=HYPERLINK(1)"})


def test_every_csv_and_xlsx_writer_goes_through_the_renderers():
    """One module writes CSV text (app/reports/sheets.py) and one writes workbooks
    (app/reports/workbook.py; app/reports/xlsx_stream.py renders the same sheets for one
    large list, checked cell by cell against it in test_xlsx_stream.py): no csv.writer or
    openpyxl anywhere else in app/, so no export can skip the rules (services build
    sheets, the renderer lays them out)."""
    app = ROOT / "app"
    for path in app.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT).as_posix()
        if name != "app/reports/sheets.py":
            assert "csv.writer" not in text and "csv.DictWriter" not in text, name
        if name != "app/reports/workbook.py":
            assert "Workbook(" not in text, name
            assert "import openpyxl" not in text and "from openpyxl" not in text, name
