"""Printing the whole 一生一策 file (issue 14, point 8): every part, confidential notes
only for staff, a class teacher's summary saying what it leaves out, audited."""

from __future__ import annotations

from datetime import date

import pytest

from app.errors import PermissionDeniedError
from app.services.casefile.entries import add_counselling, add_risk_factor
from app.services.casefile.guardians import set_guardian
from app.services.casefile.plans import save_plan
from app.services.reports.casefile import HIDDEN, print_file
from app.services.warning.decisions import decide_level
from tests.casefile.casefile_helpers import audit_count
from tests.casefile.test_letters import needs_poppler
from tests.reports.reports_helpers import pdf_text


@pytest.fixture
def filed(store, school) -> int:
    sid = school.students[0]
    set_guardian(store, sid, name="张建国", relation="祖父", phone="13900001111",
                 note="留守，由祖父母照看")
    add_risk_factor(store, sid, "left_behind", date(2026, 9, 1), "班主任", "父母外出务工")
    decide_level(store, sid, "key", "面谈后确定：情绪低落两周", decided_on=date(2026, 9, 5))
    save_plan(store, sid, "key", "稳定情绪", "每周一次个体辅导", "心理教师", date(2026, 10, 1))
    add_counselling(store, sid, date(2026, 9, 6), "individual", "保密的谈话内容",
                    confidential=True)
    return sid


@needs_poppler
def test_staff_print_the_whole_file(store, filed, tmp_path):
    out = print_file(store, filed, tmp_path / "f.pdf", today=date(2026, 11, 4))
    text = pdf_text(out)
    for words in ("学生心理成长档案（一生一策）", "测试学生0", "张建国", "13900001111",
                  "留守，由祖父母照看", "面谈后确定：情绪低落两周", "父母外出务工", "稳定情绪",
                  "每周一次个体辅导", "保密的谈话内容", "含保密内容", "九、辅导与家校联系",
                  "十一、转介", "机密"):
        assert words in text, words
    assert audit_count(store, "student_print", filed) == 1


@needs_poppler
def test_a_class_teacher_prints_the_summary_only(store, filed, tmp_path, class_teacher):
    ct = class_teacher()
    text = pdf_text(print_file(ct, filed, tmp_path / "s.pdf", today=date(2026, 11, 4)))
    assert "保密的谈话内容" not in text and "情绪低落两周" not in text
    assert HIDDEN in text.replace("\n", "") and "不含保密内容" in text
    assert "张建国" in text  # the family's contacts are the class teacher's too
    with pytest.raises(PermissionDeniedError):
        print_file(ct, 9, tmp_path / "other.pdf")  # another class's student
    assert not (tmp_path / "other.pdf").exists()
    assert audit_count(ct, "student_open_denied") == 1
