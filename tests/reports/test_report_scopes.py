"""Individual reports limited to a grade or a class (what the 报告与上报 page offers),
the term picker's periods, and the sealed file's SHA-256 the page shows."""

from __future__ import annotations

import hashlib
import re
from datetime import date

import pytest

from app.cli import main
from app.errors import BadInputError
from app.seal import new_district_key
from app.services.district.export import (
    period_dates,
    period_of,
    preview_export,
    recent_periods,
    seal_export,
)
from app.services.reports.individual import load_sheets, print_individual_reports
from app.terms import current_term, term_code
from tests.conftest import TEST_PASSWORD
from tests.export.export_helpers import CREATED, deployment
from tests.reports.reports_helpers import audit_count


def test_a_class_prints_only_its_students(store, screened_school, tmp_path):
    class_id = screened_school.students[30].class_id
    mine = {s.id for s in screened_school.students if s.class_id == class_id}
    _, sheets = load_sheets(store, screened_school.phq, scope=f"class:{class_id}")
    assert {s.student_id for s in sheets} <= mine and len(sheets) >= 20
    out = tmp_path / "class.pdf"
    done = print_individual_reports(store, screened_school.phq, out, scope=f"class:{class_id}")
    assert done.students == len(sheets) and out.read_bytes().startswith(b"%PDF")
    assert audit_count(store, "student_print", "student") == len(sheets)
    for s in screened_school.students:
        if s.id not in mine:
            assert audit_count(store, "student_print", "student", s.id) == 0


def test_a_grade_prints_only_that_grade(store, screened_school):
    _, sheets = load_sheets(store, screened_school.phq, scope="grade:8")
    grade8 = {s.id for s in screened_school.students if s.grade == 8}
    assert sheets and {s.student_id for s in sheets} <= grade8
    _, everyone = load_sheets(store, screened_school.phq)
    assert len(everyone) > len(sheets)


def test_a_scope_without_results_says_so(store, screened_school, tmp_path):
    with pytest.raises(BadInputError, match="初三年级在该测评批次中还没有测评结果"):
        print_individual_reports(store, screened_school.mht, tmp_path / "x.pdf", scope="grade:9")
    assert not (tmp_path / "x.pdf").exists()


def test_cli_individual_scope(store, screened_school, db_path, tmp_path, monkeypatch, capsys):
    store.close()
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)
    out = tmp_path / "c.pdf"
    class_id = screened_school.students[0].class_id
    base = ["report", "individual", "--db", str(db_path), "--campaign", "十一月 PHQ-9"]
    assert main([*base, "--all", "--scope", f"class:{class_id}", "--out", str(out)]) == 0
    assert "名学生的个人报告" in capsys.readouterr().out and out.exists()
    assert main([*base, "--student", screened_school.students[0].student_no, "--scope", "grade:7",
                 "--out", str(out)]) == 2


@pytest.mark.parametrize(("day", "period"), [
    (date(2026, 8, 1), "2026-2027-1"), (date(2026, 9, 1), "2026-2027-1"),
    (date(2026, 11, 29), "2026-2027-1"), (date(2027, 1, 31), "2026-2027-1"),
    (date(2027, 2, 1), "2026-2027-2"), (date(2027, 7, 31), "2026-2027-2"),
    (date(2027, 8, 31), "2027-2028-1")])
def test_period_of_matches_period_dates_and_the_pages_terms(day, period):
    """One division of the year for the district export and every page (a new students'
    screening in late August belongs to the new school year, not the last one's term 2)."""
    assert period_of(day) == period
    _, _, start, end = period_dates(period)
    assert start <= day <= end
    assert period == term_code(*current_term(day))


def test_recent_periods_go_back_term_by_term():
    assert recent_periods(date(2026, 11, 29)) == ["2026-2027-1", "2025-2026-2"]
    assert recent_periods(date(2027, 3, 1), 3) == ["2026-2027-2", "2026-2027-1", "2025-2026-2"]


def test_sealed_export_reports_its_sha256(store, screened_school, tmp_path):
    key = new_district_key("x25519")
    preview = preview_export(store, screened_school.period, deployment(key, "counts"),
                             created=CREATED)
    out = tmp_path / "x.qxseal"
    done = seal_export(store, preview, out)
    assert done.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()


def test_scopes_as_a_teacher_writes_them(store, screened_school):
    """全校, 初一 / 七年级, 初一(3)班 (and the older coded forms) name the same scopes."""
    from app.services.statistics.campaign import parse_scope

    first = next(s for s in screened_school.students if s.grade == 8)
    with store.read() as session:
        def key(text):  # type: ignore[no-untyped-def]
            scope = parse_scope(session, text)
            return scope.kind, scope.grade, scope.class_id, scope.label

        assert key("全校") == key("school")
        assert key("初二") == key("八年级") == key("grade:8") == key(" 初二 ")
        assert key("初二")[3] == "初二年级"
        name = first.class_name
        assert key(name) == key(f"class:{first.class_id}") == key(f"class:8-{first.class_number}")
        assert key(f"八年级{first.class_number}班") == key(name)
        assert key("一年级")[1] == 1 and key("高一")[1] == 10
        for wrong, message in [("初一(9)班", "找不到班级 初一(9)班"), ("火星", "无法识别"),
                               ("class:99-1", "找不到班级")]:
            with pytest.raises(BadInputError, match=re.escape(message)):
                parse_scope(session, wrong)


def test_cli_takes_chinese_scopes(store, screened_school, db_path, tmp_path, monkeypatch, capsys):
    store.close()
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)
    base = ["report", "group", "--db", str(db_path), "--campaign", "十一月 PHQ-9"]
    assert main([*base, "--scope", "初二", "--out", str(tmp_path / "g.pdf")]) == 0
    assert "初二年级" in capsys.readouterr().out
    assert main([*base, "--scope", "初一(1)班", "--out", str(tmp_path / "c.pdf")]) == 0
    assert "初一(1)班" in capsys.readouterr().out
    assert main([*base, "--out", str(tmp_path / "s.pdf")]) == 0
    assert "全校" in capsys.readouterr().out
