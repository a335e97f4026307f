"""Printing the whole 一生一策 file (issue 14, point 8): every part, confidential notes
only for staff, a class teacher's summary saying what it leaves out, audited."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.errors import PermissionDeniedError
from app.services.casefile.entries import add_counselling, add_risk_factor
from app.services.casefile.guardians import set_guardian
from app.services.casefile.plans import save_plan
from app.services.referral.attachments import add_attachment
from app.services.referral.steps import STEPS, StepDetails
from app.services.referral.workflow import complete_step, open_referral
from app.services.reports.casefile import HIDDEN, print_file
from app.services.warning.decisions import decide_level
from tests.casefile.casefile_helpers import audit_count
from tests.casefile.test_letters import needs_poppler
from tests.casefile.test_referral_outcome import BEFORE_FEEDBACK
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


@pytest.fixture
def referred_file(store, filed) -> int:
    """A referral through 就诊反馈 (住院, with the diagnosis the family reports) and a scan
    of the hospital's 回执 kept with it."""
    rid = open_referral(store, filed, {"self_harm"}, date(2026, 10, 8))
    for step in STEPS[:STEPS.index("visit_feedback")]:
        complete_step(store, rid, step, date(2026, 10, 9), note="已办", hospitals=("市第六医院",),
                      details=BEFORE_FEEDBACK.get(step, StepDetails()))
    complete_step(store, rid, "visit_feedback", date(2026, 10, 20), note="医生建议住院",
                  details=StepDetails(outcome="inpatient", diagnosis="抑郁发作"))
    add_attachment(store, filed, "回执", b"%PDF-1.4\n" + bytes(300 * 1024), "pdf")
    return filed


@needs_poppler
def test_the_referral_prints_its_outcome_and_attachments(store, referred_file, tmp_path):
    flat = _flat(pdf_text(print_file(store, referred_file, tmp_path / "f.pdf",
                                     today=date(2026, 11, 4))))
    for words in ("就诊反馈2026-10-20", "就诊结果：住院", "家长反映的诊断：抑郁发作",
                  "已完成的步骤与就诊结果", "附件"):
        assert words in flat, words
    assert re.search(r"回执\d{4}-\d\d-\d\dPDF300", flat)  # the cell wraps before "KB"


@needs_poppler
def test_a_summary_prints_the_outcome_but_not_the_diagnosis(store, referred_file, tmp_path,
                                                            class_teacher):
    ct = class_teacher()
    flat = _flat(pdf_text(print_file(ct, referred_file, tmp_path / "s.pdf",
                                     today=date(2026, 11, 4))))
    assert "就诊结果：住院" in flat and "诊断：（保密）" in flat
    assert "抑郁发作" not in flat
    assert re.search(r"回执\d{4}-\d\d-\d\dPDF300", flat)  # that the scan exists, as step dates do


def _flat(text: str) -> str:
    """pdftotext breaks a table's cells over lines and pads them: compare without it."""
    return re.sub(r"\s+", "", text)
