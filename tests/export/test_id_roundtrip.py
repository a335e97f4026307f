"""Property (issue 18): any 学籍号 written by our exports and read back by our imports is
unchanged — CSV through the roster import, xlsx through the roster import, the answers
reader's ID cells and the district's reading of a school's key-student list."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.instruments.identity import check_digit, read_id
from app.services.district.aggregate import LIST_SUFFIX, _key_list
from app.services.district.files import tables_xlsx
from app.services.district.tables import ExportTable
from app.services.roster.file import read_roster
from app.services.sheet_output import csv_text, write_csv
from app.tables import read_grids


def _resident(first17: str) -> str:
    return first17 + check_digit(first17)


_BORN = st.dates(date(1990, 1, 1), date(2020, 12, 31)).map(lambda d: d.strftime("%Y%m%d"))
IDS = st.one_of(
    st.from_regex(r"[0-9A-Z][0-9A-Z_-]{0,39}", fullmatch=True),
    st.from_regex(r"0[0-9]{1,19}", fullmatch=True),               # leading zeros
    st.from_regex(r"[1-9][0-9]{15,18}", fullmatch=True),          # longer than 15 digits
    st.builds(lambda a, b, s, g: g + _resident(a + b + s),      # resident-ID 学籍号
              st.from_regex(r"[1-6][0-9]{5}", fullmatch=True), _BORN,
              st.from_regex(r"[0-9]{3}", fullmatch=True), st.sampled_from(["", "G"])),
).filter(lambda t: not read_id(t).problem)
"""IDs our imports accept: "1E5" (scientific notation) or an 18-digit number with a wrong
check digit never got in, so no export can hold one."""

COLUMNS = ("编码", "姓名", "学籍号", "班级", "年级", "性别", "预警等级", "起始日期", "逾期天数")
KEYS = ("code", "name", "student_no", "class", "grade", "gender", "level_label", "since",
        "overdue_days")


def _table(student_no: str) -> ExportTable:
    return ExportTable("key_student_list", "重点学生名单", KEYS, COLUMNS,
                       ((f"K{student_no[-6:]}", "张三", student_no, "初一(1)班", "初一", "女",
                         "重点关注", date(2026, 9, 1), 3),), "")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(IDS)
def test_ids_survive_our_exports_and_imports(student_no):
    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / "名单.csv"
        write_csv(csv_text(["学籍号", "姓名", "性别", "班级"],
                           [[student_no, "张三", "女", "初一(1)班"]]), csv_path)
        assert [r.student_no for r in read_roster(csv_path).rows] == [student_no]
        assert read_id(read_grids(csv_path)[0][0].cells[1][0]).text == student_no

        data = tables_xlsx([("学校", "一中")], [_table(student_no)],
                           datetime(2027, 1, 10, tzinfo=UTC), "名单")
        xlsx_path = Path(folder) / "名单.xlsx"
        xlsx_path.write_bytes(data)
        assert [r.student_no for r in read_roster(xlsx_path).rows] == [student_no]
        rows, problem = _key_list({f"x{LIST_SUFFIX}": data})
        assert problem == "" and rows[0]["student_no"] == student_no
