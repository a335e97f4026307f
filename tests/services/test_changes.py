"""Every writing service says what it changed (app/changes.py, Anki's OpChanges): the
GUI broadcasts exactly this, so a service that says too little leaves a page stale.
No Qt here: the services are called as the CLI calls them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from app.changes import (
    NOTHING,
    Changes,
    ChangesWith,
    ChangesWithCount,
    ChangesWithId,
    changes_of,
    in_file,
    together,
)
from app.services.accounts.users import create_user, set_user_active
from app.services.casefile.entries import add_counselling
from app.services.demo.synthetic import synthetic_roster
from app.services.maintenance.backup import make_backup
from app.services.referral.steps import STEPS, StepDetails
from app.services.referral.workflow import cancel_referral, complete_step, open_referral, skip_step
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.services.screening.campaigns import create_campaign, delete_campaign
from app.services.screening.importing import apply_screening_import, preview_screening_import
from app.services.students import list_students
from app.services.warning.decisions import decide_level
from app.store.handle import Store
from tests.conftest import TEST_PASSWORD

DAY = date(2026, 3, 2)
HOSPITALS = ["市第六医院"]
DETAILS = {"parents_informed": StepDetails(receipt="signed"),
           "hospital_contacted": StepDetails(hospital=HOSPITALS[0])}


@pytest.fixture
def roster(store: Store):
    done = apply_roster_import(store, RosterPreview(file_name="t",
                                                    rows=synthetic_roster(12, seed=3)))
    return done, list_students(store)


def test_a_roster_import_says_students(roster):
    done, students = roster
    assert done.added == len(students) and changes_of(done) == Changes(students=True)


def test_a_campaign_says_its_own_id_when_made_imported_and_deleted(store, roster, tmp_path):
    _, students = roster
    other = create_campaign(store, "GAD-7", "gad7")
    campaign = create_campaign(store, "PHQ-9", "phq9")
    assert changes_of(campaign) == Changes(campaigns={campaign.id})
    path = _answers(tmp_path / "phq.xlsx", students[:2])
    imported = apply_screening_import(store, preview_screening_import(store, campaign.id, path))
    assert imported.written == 2
    assert changes_of(imported) == Changes(campaigns={campaign.id})
    assert not changes_of(imported).campaign(other.id)
    assert changes_of(delete_campaign(store, other.id)) == Changes(campaigns={other.id})


def test_a_file_entry_names_its_student_and_stays_an_id(store, roster):
    _, students = roster
    sid = students[3].id
    record = add_counselling(store, sid, DAY, "individual", "谈话")
    assert isinstance(record, ChangesWithId) and record == record.id and record.id > 0
    assert changes_of(record) == in_file(sid)
    assert record.changes.file(sid) and not record.changes.file(students[4].id)
    assert not (record.changes.levels or record.changes.students or record.changes.referrals)


def test_a_level_says_levels_and_the_students_file(store, roster):
    _, students = roster
    sid = students[0].id
    decision = decide_level(store, sid, "key", "面谈后确认", decided_on=DAY)
    assert decision.level == "key"
    assert changes_of(decision) == Changes(casefile={sid}, levels=True)


def test_a_referral_step_says_students_only_when_it_moved_the_status(store, roster):
    _, students = roster
    sid = students[1].id
    opened = open_referral(store, sid, {"self_harm"}, DAY)
    assert changes_of(opened) == Changes(casefile={sid}, referrals=True)
    for step in STEPS[:STEPS.index("visit_feedback")]:
        done = complete_step(store, opened.id, step, DAY, note="已处理",
                             details=DETAILS.get(step, StepDetails()), hospitals=HOSPITALS)
        assert changes_of(done) == Changes(casefile={sid}, referrals=True), step
    suspended = complete_step(store, opened.id, "visit_feedback", DAY, note="住院治疗",
                              details=StepDetails(outcome="inpatient"))  # → 休学
    assert changes_of(suspended) == Changes(casefile={sid}, referrals=True, students=True)
    skipped = skip_step(store, opened.id, "follow_up", "住院期间由医院跟踪", DAY)
    assert not changes_of(skipped).students and changes_of(skipped).referrals
    ended = cancel_referral(store, opened.id, "家长带孩子转学", on=DAY)
    assert isinstance(ended, ChangesWithCount) and ended.count == 2
    assert changes_of(ended) == Changes(casefile={sid}, referrals=True)


def test_accounts_and_backups_say_users_and_backups(store, tmp_path: Path):
    row = create_user(store, "liu", "刘老师", "counselor", TEST_PASSWORD)
    assert row.username == "liu" and changes_of(row) == Changes(users=True)
    stopped = set_user_active(store, "liu", False)
    assert stopped.value is not None and changes_of(stopped) == Changes(users=True)
    (tmp_path / "backups").mkdir()
    backup = make_backup(store, tmp_path / "backups")
    assert backup.path.exists() and changes_of(backup) == Changes(backups=True)


def test_a_result_that_says_nothing_is_refused_and_batches_add_up():
    for said_nothing in (None, 3, "x", Path("a"), ChangesWith(None, NOTHING).value):
        with pytest.raises(TypeError, match="say what the write changed"):
            changes_of(said_nothing)
    batch = together([in_file(1, levels=True), ChangesWithId(9, in_file(2)), NOTHING])
    assert batch.changes == Changes(casefile={1, 2}, levels=True) and len(batch.value) == 3
    assert changes_of(batch) is batch.changes
    assert not NOTHING.records and not Changes(users=True, backups=True).records
    assert in_file(4, referrals=True, students=True).records


def _answers(path: Path, students) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "提交答卷时间", "学籍号", "姓名", "班级",
                  *[f"{i}、题目{i}" for i in range(1, 10)]])
    for n, s in enumerate(students, start=1):
        sheet.append([n, "2026/10/12 9:30:00", s.student_no, s.name, s.class_name, *[0] * 9])
    book.save(path)
    return path
