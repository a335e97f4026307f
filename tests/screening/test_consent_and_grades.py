"""Consent and age (issue 14.4): the deployment's consent policy decides whose answers
are taken — import, typed entry and the kiosk alike — a campaign for classes outside
the instrument's grades needs a reason (or is refused), and the 知情同意书 prints per
class."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from app.deployment import parse_deployment
from app.errors import BadInputError
from app.models import AuditEvent, Campaign, SchoolClass, ScreeningResult
from app.services.audit_seal import open_detail
from app.services.demo.synthetic import synthetic_roster
from app.services.reports.consent_form import print_consent_forms
from app.services.roster.file import class_display_name
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.services.screening.campaigns import create_campaign, set_participation, update_campaign
from app.services.screening.consent import takes
from app.services.screening.entry import enter_answer_string, save_kiosk_answers
from app.services.screening.importing import apply_screening_import, preview_screening_import
from app.services.students import list_students


@pytest.fixture
def school(store):
    apply_roster_import(store, RosterPreview(file_name="t", rows=synthetic_roster(30, seed=3)))
    return store, list_students(store)


def _results(store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count(ScreeningResult.id))) or 0


def test_the_deployment_file_names_a_bad_consent_value(tmp_path):
    path = tmp_path / "deploy.toml"
    assert parse_deployment("", path).consent == "none"
    assert parse_deployment('[screening]\nconsent = "opt-out"\n', path).consent == "opt-out"
    with pytest.raises(BadInputError) as err:
        parse_deployment('[screening]\nconsent = "maybe"\n', path)
    assert "[screening].consent" in err.value.message and "opt-in" in err.value.message
    with pytest.raises(BadInputError, match=r"\[screening\].outside_grades"):
        parse_deployment('[screening]\noutside_grades = "never"\n', path)


@pytest.mark.parametrize(("policy", "given", "unknown", "refused"), [
    ("none", True, True, True),
    ("opt-out", True, True, False),
    ("opt-in", True, False, False),
])
def test_who_is_taken(policy, given, unknown, refused):
    assert (takes(policy, "given"), takes(policy, "unknown"), takes(policy, "refused")) == (
        given, unknown, refused)


def _answers_file(path: Path, students) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["学籍号", "姓名", *[f"{i}." for i in range(1, 10)]])
    for n, s in enumerate(students):
        ws.append([s.student_no, s.name, *[n % 2] * 9])
    wb.save(path)
    return path


def test_import_skips_by_policy_and_lists_them_as_not_consented(school, tmp_path):
    store, students = school
    campaign = create_campaign(store, "2026秋 PHQ-9", "phq9")
    refused, unknown, given = students[0], students[1], students[2]
    set_participation(store, campaign.id, refused.id, "due", consent="refused")
    set_participation(store, campaign.id, given.id, "due", consent="given")
    path = _answers_file(tmp_path / "a.xlsx", [refused, unknown, given])

    everyone = preview_screening_import(store, campaign.id, path)
    assert [m.status for m in everyone.matches] == ["matched"] * 3

    out = preview_screening_import(store, campaign.id, path, consent_policy="opt-out")
    assert [m.status for m in out.matches] == ["no_consent", "matched", "matched"]
    assert "不同意" in out.matches[0].message
    opt_in = preview_screening_import(store, campaign.id, path, consent_policy="opt-in")
    assert [m.status for m in opt_in.matches] == ["no_consent", "no_consent", "matched"]
    assert "未登记" in opt_in.matches[1].message
    apply_screening_import(store, opt_in)
    with store.read() as session:
        assert list(session.scalars(select(ScreeningResult.student_id))) == [given.id]
    with pytest.raises(BadInputError, match="知情同意政策"):
        preview_screening_import(store, campaign.id, path, consent_policy="sometimes")


def test_typed_and_kiosk_answers_are_refused_for_a_student_the_policy_skips(school):
    store, students = school
    campaign = create_campaign(store, "2026秋 PHQ-9", "phq9")
    student = students[4]
    set_participation(store, campaign.id, student.id, "due", consent="refused")
    with pytest.raises(BadInputError, match="未同意"):
        enter_answer_string(store, campaign.id, student.id, "111111111", "opt-out")
    with pytest.raises(BadInputError, match="未同意"):
        save_kiosk_answers(store, campaign.id, student.id, [1] * 9, 120.0, "opt-in")
    assert _results(store) == 0
    enter_answer_string(store, campaign.id, student.id, "111111111")  # policy "none"
    assert _results(store) == 1


def test_classes_outside_the_instruments_grades_need_a_reason(school):
    store, _ = school
    with store.write() as session:
        little = SchoolClass(grade=5, number=1)
        session.add(little)
        session.flush()
        little_id = little.id
        seventh = session.scalar(select(SchoolClass.id).where(SchoolClass.grade == 7))
    # Without classes named: the instrument's grades only.
    whole = create_campaign(store, "全校 PHQ-9", "phq9")
    with store.read() as session:
        grades = {c.grade for c in session.get(Campaign, whole.id).classes}
    assert 5 not in grades and grades
    with pytest.raises(BadInputError) as err:
        create_campaign(store, "五年级 PHQ-9", "phq9", class_ids=[little_id, seventh])
    assert "五年级(1)班" in err.value.message and "原因" in err.value.message
    with pytest.raises(BadInputError, match="不允许"):
        create_campaign(store, "五年级 PHQ-9", "phq9", class_ids=[little_id],
                        grade_reason="区里统一安排", grades_policy="refuse")
    made = create_campaign(store, "五年级 PHQ-9", "phq9", class_ids=[little_id, seventh],
                           grade_reason="  区里统一安排，五年级试用  ")
    with store.read() as session:
        assert session.get(Campaign, made.id).grade_reason == "区里统一安排，五年级试用"
        assert session.scalar(select(func.count(Campaign.id))) == 2
    # Editing keeps the reason; adding an out-of-range class to an in-range campaign asks.
    update_campaign(store, made.id, name="五年级 PHQ-9", class_ids=[little_id], term=1,
                    starts_on=None, ends_on=None)
    with pytest.raises(BadInputError, match="原因"):
        update_campaign(store, whole.id, name="全校 PHQ-9", class_ids=[seventh, little_id],
                        term=1, starts_on=None, ends_on=None)


def test_consent_forms_per_class_render_and_are_audited(school, tmp_path):
    store, students = school
    campaign = create_campaign(store, "2026秋 PHQ-9", "phq9")
    class_id = students[0].class_id
    in_class = [s for s in students if s.class_id == class_id]
    out = print_consent_forms(store, campaign.id, class_id, tmp_path / "forms.pdf", "opt-out")
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page\n") + data.count(
        b"/Type /Page ") >= 1
    with store.read() as session:
        detail = open_detail(session, session.scalar(select(AuditEvent.detail).where(
            AuditEvent.action == "student_print").order_by(AuditEvent.id.desc())))
    with store.read() as session:
        grade, number = session.execute(select(SchoolClass.grade, SchoolClass.number)
                                        .where(SchoolClass.id == class_id)).one()
    assert detail == f"知情同意书 {class_display_name(grade, number)}，{len(in_class)} 人"
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(out),
                        str(tmp_path / "page")], check=True)
        assert list(tmp_path.glob("page*.png"))
        info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
        pages = next(line for line in info.splitlines() if line.startswith("Pages:"))
        assert int(pages.split()[1]) == len(in_class)  # one page per student
    with pytest.raises(BadInputError, match="知情同意政策"):
        print_consent_forms(store, campaign.id, class_id, tmp_path / "x.pdf", "whatever")
