"""Individual screening reports: one student or a whole campaign in one PDF, the CJK font
embedded as a subset, 机密 and the printer on every page, critical items and validity
spelt out, every printed student audited."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.errors import BadInputError, PermissionDeniedError
from app.reports.individual import unit_range
from app.services.accounts.auth import unlock
from app.services.accounts.users import create_user
from app.services.district.school_keys import school_key_fingerprint, school_signing_key
from app.services.progress import Cancelled, Progress
from app.services.reports.individual import load_sheets, print_individual_reports
from app.services.statistics.campaign import instrument_for
from tests.reports.reports_helpers import (
    assert_cjk_embedded_subset,
    audit_count,
    needs_poppler,
    pdf_pages,
    pdf_text,
)

NOW = datetime(2026, 11, 20, 14, 30)


def test_one_students_report_is_written_and_audited(store, screened_school, tmp_path):
    out = tmp_path / "one.pdf"
    done = print_individual_reports(store, screened_school.phq, out,
                                    [screened_school.critical_student], now=NOW)
    assert done.students == 1 and out.read_bytes().startswith(b"%PDF")
    assert b"/FontFile2" in out.read_bytes()
    assert audit_count(store, "student_print", "student", screened_school.critical_student) == 1
    assert audit_count(store, "student_print") == 1


@needs_poppler
def test_report_says_what_a_teacher_needs(store, screened_school, tmp_path):
    school_signing_key(store)
    out = tmp_path / "one.pdf"
    print_individual_reports(store, screened_school.phq, out,
                             [screened_school.critical_student], now=NOW)
    assert_cjk_embedded_subset(out)
    text = pdf_text(out)
    student = screened_school.students[0]
    for words in ["学生心理测评个人报告", "机", "密", student.name, student.student_no,
                  "十一月 PHQ-9", "各量表得分与分界", "中重度", "关键题提示：第 9 题",
                  "建议预警等级：重点关注", "打印：", "2026-11-20 14:30", "学校密钥指纹",
                  school_key_fingerprint(store), "不是诊断"]:
        assert words in text, words


@needs_poppler
def test_invalid_sheet_is_marked(store, screened_school, tmp_path):
    out = tmp_path / "invalid.pdf"
    print_individual_reports(store, screened_school.phq, out,
                             [screened_school.invalid_student], now=NOW)
    text = pdf_text(out)
    assert "答卷疑似无效" in text and "未计分" in text


@needs_poppler
@pytest.mark.parametrize("which", ["phq", "mht"])
def test_whole_campaign_is_one_pdf_one_page_each(store, screened_school, tmp_path, which):
    campaign = getattr(screened_school, which)
    _, sheets = load_sheets(store, campaign)
    seen: list[tuple[int, int]] = []
    out = tmp_path / "all.pdf"
    done = print_individual_reports(store, campaign, out,
                                    progress=Progress(report=lambda d, t: seen.append((d, t))))
    assert done.students == len(sheets) > 40
    assert pdf_pages(out) == len(sheets)
    assert seen[-1] == (len(sheets), len(sheets))
    assert audit_count(store, "student_print", "student") == len(sheets)
    assert_cjk_embedded_subset(out)
    assert pdf_text(out, 2, 2).count("学生心理测评个人报告") == 1


def test_cancel_leaves_no_file_and_no_audit(store, screened_school, tmp_path):
    out = tmp_path / "x.pdf"
    with pytest.raises(Cancelled):
        print_individual_reports(store, screened_school.phq, out, progress=Progress(
            is_cancelled=lambda: True))
    assert not out.exists() and audit_count(store, "student_print") == 0


def test_unwritable_output_is_a_clear_error_and_not_audited(store, screened_school, tmp_path):
    with pytest.raises(BadInputError, match="missing 不存在"):
        print_individual_reports(store, screened_school.phq, tmp_path / "missing" / "x.pdf",
                                 [screened_school.critical_student])
    assert audit_count(store, "student_print") == 0


def test_student_without_result_is_refused(store, screened_school, tmp_path):
    on_leave = screened_school.students[-1].id
    with pytest.raises(BadInputError, match="没有测评结果"):
        print_individual_reports(store, screened_school.phq, tmp_path / "x.pdf", [on_leave])


def test_class_teacher_may_not_print(store, screened_school, db_path, tmp_path):
    create_user(store, "ct", "班主任", "class_teacher", "pass-word-1",
                class_id=screened_school.students[0].class_id)
    store.close()
    with unlock(db_path, "ct", "pass-word-1") as teacher, pytest.raises(PermissionDeniedError):
        print_individual_reports(teacher, screened_school.phq, tmp_path / "x.pdf")


@pytest.mark.parametrize(("code", "unit", "expected"), [
    ("phq9", "total", (0, 27)), ("mht", "learning_anxiety", (0, 15)), ("mht", "total", (0, 90)),
    ("mssmhs", "depression", (1, 5)), ("gad7", "total", (0, 21))])
def test_chart_ranges_are_the_scores_a_scale_can_take(code, unit, expected):
    instrument = instrument_for(code)
    assert unit_range(instrument, instrument.unit(unit)) == expected
