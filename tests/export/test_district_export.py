"""The district export: the preview is exactly what leaves; sealing, verifying and opening
give the same bytes back; each key-student policy sends what it says and no more; the
same data gives the same files; the school's keys live wrapped in the database."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from app.errors import BadInputError
from app.models import AuditEvent, SchoolSecret
from app.seal import AuditHead, SealError, open_sealed, verify
from app.seal.errors import SuiteNotAcceptedError
from app.seal.manifest import check_period
from app.services.accounts.staff_key import CHECK
from app.services.audit_anchor import read_anchor
from app.services.district.export import period_dates, preview_export, seal_export
from app.services.district.school_keys import (
    school_key_fingerprint,
    school_public_key,
    school_signing_key,
)
from app.services.screening.campaigns import create_campaign
from tests.export.export_helpers import CREATED, SCHOOL_CODE, deployment
from tests.reports.reports_helpers import _import, audit_count, needs_poppler, pdf_text


def _cells(data: bytes) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb}


def _names(screened_school) -> list[str]:
    return [s.name for s in screened_school.students[:6]]


def test_preview_seal_verify_open_round_trip(store, screened_school, tmp_path, district_key):
    dep = deployment(district_key)
    preview = preview_export(store, screened_school.period, dep, created=CREATED)
    assert {f.name.split("_", 2)[2] for f in preview.files} == {
        "统计表.xlsx", "统计摘要.pdf", "统计数据.json", "重点学生名单.xlsx"}
    assert preview.campaigns == ("九月 PHQ-9", "十一月 PHQ-9", "初一 MHT")
    counts = preview.row_counts()
    key_list = f"{SCHOOL_CODE}_{screened_school.period}_重点学生名单.xlsx"
    assert counts[key_list] == {"重点学生名单": 6}
    assert school_key_fingerprint(store) is None  # made at the first seal, not at preview
    out = tmp_path / "export.qxseal"
    done = seal_export(store, preview, out, dep.district_key)
    assert done.key_created and done.school_key_fingerprint == school_key_fingerprint(store)
    data = out.read_bytes()
    manifest = verify(data, school_public_key(store), expected_school_code=SCHOOL_CODE,
                      expected_period=screened_school.period)
    assert manifest.sequence == done.sequence == 1
    opened = open_sealed(data, district_key, school_public_key(store),
                         expected_period=screened_school.period)
    assert opened.contents.created == "2027-01-10T08:00:00Z"
    assert opened.files == {f.name: f.data for f in preview.files}
    assert audit_count(store, "student_export", "school", SCHOOL_CODE) == 1
    assert audit_count(store, "student_export", "student") == 6
    again = seal_export(store, preview, tmp_path / "again.qxseal", dep.district_key)
    assert not again.key_created and again.sequence == 2  # each export raises the number
    assert again.school_key_fingerprint == done.school_key_fingerprint


def test_every_sealed_file_carries_the_audit_anchor(store, screened_school, tmp_path,
                                                    district_key):
    """The head as it stood at sealing: the anchor beside the database, which names an
    event the log holds; the next file carries a later head (the first's export events)."""
    dep = deployment(district_key)
    preview = preview_export(store, screened_school.period, dep, created=CREATED)
    heads = []
    for name in ("one.qxseal", "two.qxseal"):
        before = read_anchor(store.path)
        seal_export(store, preview, tmp_path / name, dep.district_key)
        opened = open_sealed((tmp_path / name).read_bytes(), district_key,
                             school_public_key(store), expected_period=screened_school.period)
        head = opened.contents.audit_anchor
        assert head == AuditHead(before.last_id, before.last_hash)
        heads.append(head)
    assert heads[1].last_id == heads[0].last_id + 1 + 6  # the export and its six students
    with store.read() as session:
        assert session.scalar(select(AuditEvent.hash).where(
            AuditEvent.id == heads[0].last_id)) == heads[0].last_hash


def test_a_school_refuses_a_suite_the_district_no_longer_accepts(store, screened_school, tmp_path,
                                                                district_key):
    dep = dataclasses.replace(deployment(district_key), accepted_suites=("mlkem768x25519",))
    preview = preview_export(store, screened_school.period, dep, created=CREATED)
    assert any("只接受 mlkem768x25519" in note for note in preview.notes)
    with pytest.raises(SuiteNotAcceptedError, match="区里已不再接受这种加密"):
        seal_export(store, preview, tmp_path / "x.qxseal")
    assert not (tmp_path / "x.qxseal").exists()
    assert audit_count(store, "student_export", "school", SCHOOL_CODE) == 0


def test_counts_policy_sends_no_student_rows(store, screened_school, district_key):
    preview = preview_export(store, screened_school.period, deployment(district_key, "counts"),
                             created=CREATED)
    assert len(preview.files) == 3 and preview.student_ids == ()
    blob = b"".join(f.data for f in preview.files if f.name.endswith(".json"))
    sheets = _cells(preview.files[0].data)
    text = json.dumps(sheets, ensure_ascii=False, default=str) + blob.decode()
    for name in _names(screened_school):
        assert name not in text
    levels = {r[0]: r[5] for r in sheets["预警等级人数"][1:] if r and r[2] == "all"}
    assert sheets["预警等级人数"][0][2:4] == ("分组类型代码", "分组类型")
    assert {r[3] for r in sheets["预警等级人数"][1:] if r and r[2] in ("all", "grade")} <= {
        "全校", "年级"}
    assert levels["crisis"] == 1 and levels["key"] == 2 and levels["general"] == 3


def test_pseudonymous_codes_are_stable_and_name_nobody(store, screened_school, district_key):
    dep = deployment(district_key, "pseudonymous")
    first = preview_export(store, screened_school.period, dep, created=CREATED)
    later = preview_export(store, screened_school.period, dep, created=CREATED + timedelta(days=90))
    rows = _cells(first.files[-1].data)["重点学生名单"]
    assert rows[0][:2] == ("编码", "年级")
    codes = [r[0] for r in rows[1:] if r and r[0] and "-" in str(r[0])]
    assert len(codes) == 6 and len(set(codes)) == 6
    assert codes == [r[0] for r in _cells(later.files[-1].data)["重点学生名单"][1:7]]
    text = json.dumps(_cells(first.files[-1].data), ensure_ascii=False, default=str)
    for s in screened_school.students[:6]:
        assert s.name not in text and s.student_no not in text


def test_named_policy_sends_names(store, screened_school, district_key):
    preview = preview_export(store, screened_school.period, deployment(district_key, "named"),
                             created=CREATED)
    rows = _cells(preview.files[-1].data)["重点学生名单"]
    assert rows[0][:4] == ("编码", "姓名", "学籍号", "班级")
    assert {r[1] for r in rows[1:7]} == set(_names(screened_school))
    assert rows[1][6:8] == ("crisis", "危机")


def test_same_data_same_bytes(store, screened_school, district_key):
    dep = deployment(district_key, "named")
    a = preview_export(store, screened_school.period, dep, created=CREATED)
    b = preview_export(store, screened_school.period, dep, created=CREATED)
    assert [f.data for f in a.files] == [f.data for f in b.files]
    c = preview_export(store, screened_school.period, dep, created=CREATED + timedelta(hours=5))
    for x, y in zip(a.files, c.files, strict=True):
        assert x.name == y.name and x.tables == y.tables
        if x.name.endswith(".json"):
            dx, dy = json.loads(x.data), json.loads(y.data)
            assert dx.pop("created") != dy.pop("created") and dx == dy
        if x.name.endswith(".xlsx"):
            cx, cy = _cells(x.data), _cells(y.data)
            assert cx["说明"][3] != cy["说明"][3]  # 生成时间
            cx["说明"].pop(3), cy["说明"].pop(3)
            assert cx == cy


def test_policy_chooses_the_tables(store, screened_school, district_key):
    dep = deployment(district_key, "counts", aggregates=("participation",), min_cell=10)
    preview = preview_export(store, screened_school.period, dep, created=CREATED)
    titles = [t.title for t in preview.files[0].tables]
    assert titles == ["参测情况", "预警等级人数"]
    doc = json.loads(preview.files[2].data)
    assert doc["min_cell"] == 10 and doc["format"] == "qingxin-district-data"


def test_change_table_compares_with_the_previous_term(store, screened_school, district_key):
    preview = preview_export(store, screened_school.period, deployment(district_key),
                             created=CREATED)
    change = next(t for t in preview.files[0].tables if t.code == "change")
    assert change.rows == ()  # the first term screened: nothing to compare with
    spring = create_campaign(store, "三月 PHQ-9", "phq9", term=2)
    _import(store, spring.id, "phq9", screened_school.students[:100], 9, date.today())
    period = f"{screened_school.school_year}-{screened_school.school_year + 1}-2"
    preview = preview_export(store, period, deployment(district_key), created=CREATED)
    change = next(t for t in preview.files[0].tables if t.code == "change")
    row = dict(zip(change.keys, change.rows[0], strict=True))
    assert (row["campaigns"], row["previous_campaigns"]) == ("三月 PHQ-9",
                                                             "九月 PHQ-9、十一月 PHQ-9")
    assert row["scored"] == 100 and row["previous_scored"] == 146


def test_bands_table_suppresses_small_cells(store, screened_school, district_key):
    preview = preview_export(store, screened_school.period, deployment(district_key),
                             created=CREATED)
    bands = next(t for t in preview.files[0].tables if t.code == "bands")
    counts = [r[bands.keys.index("count")] for r in bands.rows]
    assert "<5" in counts
    assert all(isinstance(v, str) or v == 0 or v >= 5 for v in counts)


@needs_poppler
def test_summary_pdf_has_the_tables_but_no_list(store, screened_school, district_key, tmp_path):
    preview = preview_export(store, screened_school.period, deployment(district_key, "named"),
                             created=CREATED)
    pdf = tmp_path / "s.pdf"
    pdf.write_bytes(next(f.data for f in preview.files if f.name.endswith(".pdf")))
    text = pdf_text(pdf)
    for words in ["心理健康工作学期报送摘要", "参测情况", "分级人数", "预警等级人数", "内部",
                  "学年第"]:
        assert words in text
    # No names in it: 内部 (not 机密), read by the school and the district.
    assert "机密" not in text.replace(" ", "") and "区教育局" in text
    for name in _names(screened_school):
        assert name not in text


def test_sealing_needs_a_district_key(store, screened_school, tmp_path):
    from app.deployment import Deployment

    preview = preview_export(store, screened_school.period, Deployment(school_code="X1"),
                             created=CREATED)
    with pytest.raises(BadInputError, match="没有区级公钥"):
        seal_export(store, preview, tmp_path / "x.qxseal")
    assert not (tmp_path / "x.qxseal").exists()


def test_period_is_checked(store, screened_school, district_key):
    with pytest.raises(SealError, match="学期"):
        preview_export(store, "2026-2028-1", deployment(district_key))
    assert period_dates("2026-2027-2")[2:] == (period_dates("2026-2027-1")[3]
                                               + timedelta(days=1),
                                               period_dates("2026-2027-2")[3])
    check_period("2026-2027-2")


def test_school_code_comes_from_the_database_without_a_deployment(store, screened_school):
    from app.deployment import Deployment

    with pytest.raises(BadInputError, match="学校代码"):
        preview_export(store, screened_school.period, Deployment())


def test_school_secrets_are_wrapped_in_the_database(store, screened_school, district_key):
    key = school_signing_key(store)
    preview_export(store, screened_school.period, deployment(district_key), created=CREATED)
    with store.read() as session:
        rows = {r.kind: r for r in session.scalars(select(SchoolSecret))}
    assert set(rows) == {"signing_key", "pseudonym_key", CHECK, "audit_key"}
    assert key.private_bytes_raw() not in rows["signing_key"].wrapped
    assert school_signing_key(store).private_bytes_raw() == key.private_bytes_raw()
