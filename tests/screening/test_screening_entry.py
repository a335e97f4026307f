"""The small services behind the screening screens: a campaign's students, typed and
on-screen sheets as change values, participation marks, the Excel export and the
kiosk's password check."""

from __future__ import annotations

import openpyxl
import pytest
from sqlalchemy import select

from app.errors import BadInputError, WrongPasswordError
from app.models import AuditEvent
from app.services.accounts.auth_check import verify_password
from app.services.demo.synthetic import synthetic_roster
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.services.screening.campaigns import class_completion, create_campaign
from app.services.screening.entry import (
    campaign_students,
    enter_answer_string,
    mark_participation,
    save_kiosk_answers,
)
from app.services.screening.export import export_results_xlsx
from app.services.students import list_students
from app.store import throttle
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def campaign(store):
    apply_roster_import(store, RosterPreview(file_name="t", rows=synthetic_roster(90, seed=3)))
    students = list_students(store)
    return store, create_campaign(store, "PHQ-9 测试", "phq9"), students


def test_students_carry_participation_result_and_answer_string(campaign):
    store, camp, students = campaign
    first = students[0]
    saved = enter_answer_string(store, camp.id, first.id, "1111 1000 2")
    # Item 9 answered: 重点关注 and a same-day assessment, not 危机 by itself.
    assert saved.total == 7 and saved.warning == "key" and saved.critical == (9,)
    rows = campaign_students(store, camp.id, first.class_id)
    assert {r.class_id for r in rows} == {first.class_id}
    row = next(r for r in rows if r.student_id == first.id)
    assert row.source == "entry" and row.total == 7 and row.answer_text == "111110002"
    assert all(not r.has_result for r in rows if r.student_id != first.id)


def test_bad_answer_string_is_refused_in_chinese(campaign):
    store, camp, students = campaign
    with pytest.raises(BadInputError, match="字符"):
        enter_answer_string(store, camp.id, students[0].id, "11x")


def test_kiosk_answers_and_participation_marks(campaign):
    store, camp, students = campaign
    saved = save_kiosk_answers(store, camp.id, students[1].id, [0] * 8 + [None])
    assert saved.source == "kiosk" and saved.warning == "general"
    fast = save_kiosk_answers(store, camp.id, students[5].id, [3, 3, 2, 2, 2, 0, 0, 0, 1],
                              seconds=12.0)   # under 2 s per item
    assert not fast.valid and fast.critical == (9,) and fast.warning == "key"
    calm = save_kiosk_answers(store, camp.id, students[6].id, [3, 3, 2, 2, 2, 0, 0, 0, 0],
                              seconds=95.0)
    assert calm.valid and calm.warning == "general"   # 12: one review, Kroenke 2001
    changed = mark_participation(store, camp.id, [s.id for s in students[2:5]], "leave",
                                 consent="given")
    assert changed.student_ids == tuple(s.id for s in students[2:5])
    assert sum(c.leave for c in class_completion(store, camp.id)) == 3
    row = next(r for r in campaign_students(store, camp.id) if r.student_id == students[2].id)
    assert (row.status, row.consent) == ("leave", "given")


def test_export_writes_xlsx_and_audits(campaign, tmp_path):
    store, camp, students = campaign
    enter_answer_string(store, camp.id, students[0].id, "333333333")
    enter_answer_string(store, camp.id, students[1].id, "000000000")
    out = tmp_path / "结果.xlsx"
    exported = export_results_xlsx(store, camp.id, out)
    assert exported.rows == 2 and out.exists()
    assert not list(tmp_path.glob(".*part*"))
    sheet = openpyxl.load_workbook(out).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["学籍号", "姓名", "性别"] and "建议预警" in header
    assert sheet.cell(2, header.index("关键题") + 1).value == "第 9 题"
    with store.read() as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert actions[-1] == "student_export"


def test_verify_password_counts_failures_like_login(store):
    assert verify_password(store, TEST_PASSWORD)
    assert not verify_password(store, "wrong-one-1")
    assert throttle.failures(store.path, "admin") == 1
    for _ in range(2):
        verify_password(store, "wrong-one-1")
    with pytest.raises(WrongPasswordError, match="秒后再试"):
        verify_password(store, TEST_PASSWORD)
