"""Letters and forms render as PDFs with the CJK font embedded, and printing is audited.

The font and text checks use poppler's pdffonts/pdftotext; CI installs poppler-utils,
elsewhere those checks are skipped (the PDFs are still built and parsed for fonts).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest

from app.errors import BadInputError, PermissionDeniedError
from app.services.accounts.users import set_my_phone
from app.services.casefile.entries import add_counselling
from app.services.casefile.plans import save_plan
from app.services.referral.workflow import StepDetails, complete_step, open_referral
from app.services.reports.letters import print_letter
from tests.casefile.casefile_helpers import audit_count

HOSPITALS = ["市第六医院（心理科）"]
needs_poppler = pytest.mark.skipif(shutil.which("pdffonts") is None,
                                   reason="poppler-utils (pdffonts, pdftotext) not installed")


@pytest.fixture
def referred(store, school) -> int:
    sid = school.students[0]
    save_plan(store, sid, "crisis", "确保安全", "每周两次个体辅导；班主任每日关注", "心理教师",
              date(2026, 4, 1))
    add_counselling(store, sid, date(2026, 3, 1), "crisis", "保密内容不应出现在文书中",
                    confidential=True)
    rid = open_referral(store, sid, {"self_harm", "loss_of_function"}, date(2026, 3, 2))
    complete_step(store, rid, "crisis_assessment", date(2026, 3, 2))
    complete_step(store, rid, "parents_informed", date(2026, 3, 3),
                  details=StepDetails(receipt="signed"))
    complete_step(store, rid, "hospital_contacted", date(2026, 3, 3),
                  details=StepDetails(hospital=HOSPITALS[0]), hospitals=HOSPITALS)
    return sid


@pytest.mark.parametrize("kind", ["notice", "referral", "return"])
def test_each_letter_renders_and_is_audited(store, referred, tmp_path, kind):
    out = print_letter(store, referred, kind, tmp_path / f"{kind}.pdf", today=date(2026, 3, 3))
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and b"WenQuanYiMicroHei" in data
    assert b"/FontFile2" in data  # the TrueType program is embedded
    assert audit_count(store, "student_print", referred) == 1


@needs_poppler
@pytest.mark.parametrize(("kind", "words"), [
    ("notice", ["学生心理健康情况告知书", "回", "家长签名", "市第六医院（心理科）"]),
    ("referral", ["心理危机学生转介单", "有自伤行为", "建议立即转介", "医院反馈"]),
    ("return", ["学生复学评估表", "病历证明", "复学安排"]),
])
def test_font_is_embedded_as_a_subset_and_chinese_extracts(store, referred, tmp_path, kind,
                                                           words):
    out = print_letter(store, referred, kind, tmp_path / "x.pdf", today=date(2026, 3, 3))
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts, "no fonts listed"
    for line in fonts:
        assert re.match(r"[A-Z]{6}\+WenQuanYiMicroHei", line), line
        emb, sub = line.split()[-5:-3]
        assert (emb, sub) == ("yes", "yes"), line
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout
    for word in [*words, "青心实验中学", "测试学生0"]:
        assert word in text, word
    assert "保密内容" not in text
    # The notice goes home with the family: no confidentiality mark; the forms are 机密.
    marked = "机密" in text.replace(" ", "") and "不得复印外传" in text
    assert marked == (kind != "notice")


def test_referral_form_needs_a_referral_and_staff(store, school, tmp_path, class_teacher):
    with pytest.raises(BadInputError, match="没有转介记录"):
        print_letter(store, school.students[1], "referral", tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()
    assert print_letter(store, school.students[1], "notice", tmp_path / "n.pdf").exists()
    with pytest.raises(BadInputError, match="未知的文书类型"):
        print_letter(store, school.students[1], "poem", tmp_path / "p.pdf")
    assert audit_count(store, "student_print") == 1
    ct = class_teacher()
    with pytest.raises(PermissionDeniedError):
        print_letter(ct, school.students[1], "notice", tmp_path / "ct.pdf")


@needs_poppler
def test_letters_name_who_to_call_and_what_the_school_did(store, referred, tmp_path):
    """Issue 14, point 3: the guardian, the counselling teacher's own number, the school's
    measures from the recorded steps and contacts, and the hotlines; no warning level on
    the notice that goes home."""
    set_my_phone(store, "010-6234 5678")
    add_counselling(store, referred, date(2026, 3, 3), "phone", "电话告知家长")
    out = print_letter(store, referred, "notice", tmp_path / "n.pdf", today=date(2026, 3, 4),
                       hotlines=("12356 市心理援助热线",))
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout.replace("\n", "")
    assert "尊敬的家长0（母亲）" in text
    assert "联系电话：010-62345678" in text
    assert "12356 市心理援助热线" in text and "12355" not in text
    for done in ("3月1日 危机干预", "3月2日 开启转介", "3月2日 危机评估", "3月3日 告知家长",
                 "3月3日 电话联系"):
        assert done in text, done
    assert "保密内容" not in text and "危机" not in text.split("学校已经做了")[0]
    form = print_letter(store, referred, "referral", tmp_path / "r.pdf", today=date(2026, 3, 4))
    text = subprocess.run(["pdftotext", str(form), "-"], capture_output=True, text=True,
                          check=True).stdout.replace("\n", "")
    assert "每周两次个体辅导" in text and "3月3日 联系医院" in text
    assert "联系电话：010-62345678" in text
