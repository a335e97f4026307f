"""Campaigns, matching answer sheets to students, storing results, answer-sheet entry."""

from __future__ import annotations

import json

import openpyxl
import pytest
from sqlalchemy import func, select

from app.errors import BadInputError
from app.models import ScreeningResult
from app.services import audit
from app.services.demo.synthetic import synthetic_roster
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.services.screening.campaigns import class_completion, create_campaign, set_participation
from app.services.screening.importing import (
    apply_screening_import,
    preview_screening_import,
    save_answer_string,
)
from app.services.screening.results import campaign_results
from app.services.students import list_students


@pytest.fixture
def school(store):
    rows = synthetic_roster(120, seed=5)
    apply_roster_import(store, RosterPreview(file_name="t", rows=rows))
    return store, list_students(store)


def _phq9_file(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "提交答卷时间", "学籍号", "姓名", "班级",
               *[f"{i}、题目{i}" for i in range(1, 10)]])
    for n, (student_no, name, klass, answers) in enumerate(rows, start=1):
        ws.append([n, "2026/10/12 9:30:00", student_no, name, klass, *answers])
    wb.save(path)
    return path


def _import_one(store, campaign_id: int, path, student, answers: list[int]) -> None:
    """A file holding one student's PHQ-9 answers, imported into the campaign as shown."""
    sheet = _phq9_file(path, [(student.student_no, student.name, student.class_name, answers)])
    apply_screening_import(store, preview_screening_import(store, campaign_id, sheet))


def test_campaign_lists_enrolled_students_as_due(school):
    store, students = school
    campaign = create_campaign(store, "2026秋 PHQ-9", "phq9")
    assert campaign.due == len(students) and campaign.done == 0
    set_participation(store, campaign.id, students[0].id, "leave")
    completion = class_completion(store, campaign.id)
    assert sum(c.due for c in completion) == len(students) - 1
    assert sum(c.leave for c in completion) == 1


def test_duplicate_campaign_name_is_refused(school):
    store, _ = school
    create_campaign(store, "批次A", "gad7")
    with pytest.raises(BadInputError):
        create_campaign(store, "批次A", "gad7")


def test_import_matches_by_id_then_name_and_reports_the_rest(school, tmp_path):
    store, students = school
    campaign = create_campaign(store, "2026秋 PHQ-9", "phq9")
    a, b, c = students[0], students[1], students[2]
    path = _phq9_file(tmp_path / "phq.xlsx", [
        (a.student_no, a.name, a.class_name, [1, 1, 1, 1, 1, 0, 0, 0, 0]),   # by 学籍号
        ("", b.name, b.class_name, [0] * 9),                                 # by name
        ("G000", "查无此人", "初一(1)班", [0] * 9),                            # not on roster
        (a.student_no, a.name, a.class_name, [0] * 9),                       # duplicate of row 2
        (c.student_no, c.name, c.class_name, [0, 0, 0, 0, 0, 0, 0, 0, 2]),  # item 9 critical
    ])
    preview = preview_screening_import(store, campaign.id, path)
    statuses = [(m.row, m.status) for m in preview.matches]
    # Two sheets for one student are never merged: both wait for the teacher's pick.
    assert statuses == [(2, "duplicate"), (3, "matched"), (4, "not_in_roster"),
                        (5, "duplicate"), (6, "matched")]
    assert "第 2 行" in preview.matches[3].message and "第 5 行" in preview.matches[0].message
    assert len(preview.writable()) == 2
    preview.choose(3)
    preview.choose(0)  # picking row 2 drops row 5: never both
    assert [m.row for m in preview.matches if m.chosen] == [2]
    # Nothing is written by a preview.
    with store.read() as session:
        assert session.scalar(select(func.count(ScreeningResult.id))) == 0
    changes = apply_screening_import(store, preview)
    assert changes.written == 3
    results = {r.student_no: r for r in campaign_results(store, campaign.id)}
    assert results[a.student_no].total == 5
    assert results[c.student_no].critical == (9,)
    assert results[c.student_no].warning == "key"  # a same-day assessment, not 危机 itself
    assert results[a.student_no].taken_at is not None


def test_reimport_replaces_and_says_so(school, tmp_path):
    store, students = school
    campaign = create_campaign(store, "GAD", "phq9")
    s = students[0]
    _import_one(store, campaign.id, tmp_path / "1.xlsx", s, [0] * 9)
    second = _phq9_file(tmp_path / "2.xlsx", [(s.student_no, s.name, s.class_name, [3] * 9)])
    preview = preview_screening_import(store, campaign.id, second)
    assert preview.matches[0].status == "replaces"
    assert apply_screening_import(store, preview).replaced == 1
    assert campaign_results(store, campaign.id)[0].total == 27


def test_answer_string_entry_validates_and_stores(school):
    store, students = school
    campaign = create_campaign(store, "录入", "phq9")
    with pytest.raises(BadInputError):
        save_answer_string(store, campaign.id, students[0].id, "1234")  # too short / bad value
    record = save_answer_string(store, campaign.id, students[0].id, "012301230")
    assert record["total"] == 12
    with store.read() as session:
        stored = session.scalar(select(ScreeningResult))
        assert json.loads(stored.answers) == [0, 1, 2, 3, 0, 1, 2, 3, 0]
        assert stored.instrument_code == "phq9" and stored.instrument_version


def test_imports_and_result_views_are_audited(school, tmp_path):
    store, students = school
    campaign = create_campaign(store, "审计", "phq9")
    _import_one(store, campaign.id, tmp_path / "a.xlsx", students[0], [0] * 9)
    campaign_results(store, campaign.id)
    actions = [e.action for e in audit.list_events(store, limit=3)]
    assert actions[:2] == ["screening_results", "screening_import"]
