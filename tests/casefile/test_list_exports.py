"""Lists taken away as workbooks (issue 15, point 5): what the page shows, audited,
and locked with a real Office password when the teacher asks for one."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import msoffcrypto
import openpyxl
import pytest
from msoffcrypto.exceptions import InvalidKeyError
from sqlalchemy import select

from app.errors import BadInputError, PermissionDeniedError
from app.models import AuditEvent
from app.services.audit_seal import open_detail
from app.services.lists.tables import KEY_LEVELS, review_table, warning_table
from app.services.lists.workbook import export_list_xlsx
from app.services.screening.export import export_results_xlsx
from app.services.warning.decisions import decide_level
from tests.casefile.casefile_helpers import add_result, audit_count

PASSWORD = "liu-2026"


def _levels(store, school) -> None:
    for sid, level in zip(school.students[:4], ("crisis", "key", "general", "key"),
                          strict=True):
        decide_level(store, sid, level, "面谈后确定", decided_on=date(2026, 11, 2))


def _decrypt(data: bytes, password: str) -> openpyxl.Workbook:
    office = msoffcrypto.OfficeFile(io.BytesIO(data))
    office.load_key(password=password)
    plain = io.BytesIO()
    office.decrypt(plain)
    return openpyxl.load_workbook(plain)


def _last_detail(store) -> str:
    with store.read() as session:
        return open_detail(session, session.scalars(select(AuditEvent.detail).where(
            AuditEvent.action == "student_export").order_by(AuditEvent.id.desc())).first())


def test_key_students_list_is_locked_with_the_password(store, school, tmp_path):
    _levels(store, school)
    table = warning_table(store, date(2026, 11, 20), levels=KEY_LEVELS).table
    assert table.title == "重点名单"
    assert {row[3] for row in table.rows} == {"危机", "重点关注"} and len(table.rows) == 3
    out = tmp_path / "重点名单.xlsx"
    exported = export_list_xlsx(store, table, out, password=PASSWORD)
    data = out.read_bytes()
    assert exported.rows == 3 and not zipfile.is_zipfile(out)  # an encrypted OLE file
    assert "测试学生".encode("utf-16-le") not in data and "测试学生".encode() not in data
    with pytest.raises(InvalidKeyError):
        _decrypt(data, "wrong-password")
    sheet = _decrypt(data, PASSWORD).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("学籍号", "姓名", "班级", "预警等级")
    assert [r[0] for r in rows[1:]] == [row[0] for row in table.rows]
    assert sheet["A2"].data_type == "s" and sheet["A2"].number_format == "@"
    assert _last_detail(store) == "重点名单 xlsx，3 人，已设打开密码"


def test_the_rows_a_filtered_page_shows_are_the_rows_exported(store, school, tmp_path):
    _levels(store, school)
    full = warning_table(store, date(2026, 11, 20))
    assert full.table.title == "心理危机学生动态信息库" and len(full.table.rows) == 4
    shown = [school.students[2], school.students[0]]
    table = full.only(shown)
    assert sorted(r[0] for r in table.rows) == ["S20260000", "S20260002"]
    out = tmp_path / "a.xlsx"
    export_list_xlsx(store, table, out)
    assert zipfile.is_zipfile(out)  # no password asked: a plain workbook
    names = [r[1] for r in openpyxl.load_workbook(out).active.iter_rows(min_row=2,
                                                                       values_only=True)]
    assert sorted(names) == ["测试学生0", "测试学生2"]
    assert _last_detail(store) == "心理危机学生动态信息库 xlsx，2 人"


def test_a_short_password_writes_nothing(store, school, tmp_path):
    _levels(store, school)
    before = audit_count(store, "student_export")
    out = tmp_path / "out" / "x.xlsx"
    out.parent.mkdir()
    for bad in ("12345", "", " padded-pass"):
        with pytest.raises(BadInputError, match="文件打开密码至少 6 位"):
            export_list_xlsx(store, warning_table(store).table, out, password=bad)
    assert list(out.parent.iterdir()) == []
    assert audit_count(store, "student_export") == before


def test_review_queue_and_class_results(store, school, tmp_path):
    for sid, taken in zip(school.students[:3], (1, 2, 3), strict=True):
        add_result(store, sid, "2026秋PHQ-9", "key" if sid == school.students[0] else "none",
                   critical="9" if sid == school.students[0] else "",
                   taken_at=datetime(2026, 11, taken, 9), school_year=2026)
    campaign_id = add_result(store, school.students[6], "2026秋PHQ-9", "none",
                             taken_at=datetime(2026, 11, 4, 9), school_year=2026)
    review = review_table(store, campaign_id, date(2026, 11, 20))
    assert [r[0] for r in review.table.rows] == ["S20260000"]
    assert review.table.rows[0][3] == "2026秋PHQ-9"
    # One class's results (what the results table shows with a class filter):
    out = tmp_path / "七年级1班.xlsx"
    exported = export_results_xlsx(store, campaign_id, out,
                                   student_ids=school.students[:5], password=PASSWORD)
    assert exported.rows == 3
    sheet = _decrypt(out.read_bytes(), PASSWORD).active
    assert sorted(r[0] for r in sheet.iter_rows(min_row=2, values_only=True)) \
        == ["S20260000", "S20260001", "S20260002"]
    assert _last_detail(store).startswith("测评结果 xlsx，3 份（筛选后：")
    assert _last_detail(store).endswith("，已设打开密码")


def test_class_teacher_exports_only_their_class_and_no_review_queue(
        store, school, class_teacher, tmp_path):
    _levels(store, school)
    decide_level(store, school.students[7], "key", "面谈后确定", decided_on=date(2026, 11, 2))
    ct = class_teacher()
    table = warning_table(ct, date(2026, 11, 20)).table
    assert {r[0] for r in table.rows} == {"S20260000", "S20260001", "S20260002",
                                          "S20260003"}
    export_list_xlsx(ct, table, tmp_path / "本班.xlsx", password=PASSWORD)
    with pytest.raises(PermissionDeniedError):
        review_table(ct, None)
