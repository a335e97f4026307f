"""Withdrawing a referral step recorded by mistake, by name, from the command line
(`referral withdraw`): only the last step recorded, with a reason, by staff; the step is
pending again, a status it changed is given back, and the history keeps the original."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.cli import main
from app.errors import BadInputError
from app.models import Student
from app.services.accounts.auth import unlock
from app.services.accounts.users import create_user
from app.services.casefile.entries import entry_history
from app.services.casefile.snapshot import open_file
from app.services.referral.steps import STEPS, StepDetails, step_code
from app.services.referral.workflow import complete_step, open_referral, withdraw_step
from tests.casefile.conftest import CT_PASSWORD
from tests.conftest import TEST_PASSWORD

OPENED = date(2026, 3, 2)
DETAILS = {"parents_informed": StepDetails(receipt="signed"),
           "hospital_contacted": StepDetails(hospital="市第六医院"),
           "visit_feedback": StepDetails(outcome="inpatient")}


def _through(store, sid: int, last: str) -> int:
    rid = open_referral(store, sid, {"self_harm"}, OPENED)
    for step in STEPS[:STEPS.index(last) + 1]:
        complete_step(store, rid, step, OPENED, note="已办", hospitals=("市第六医院",),
                      details=DETAILS.get(step, StepDetails()))
    return rid


def _status(store, sid: int) -> str:
    with store.read() as session:
        return session.scalars(select(Student.status).where(Student.id == sid)).one()


def test_steps_are_named_by_code_label_or_short_label():
    assert step_code("visit_feedback") == step_code("就诊反馈") == "visit_feedback"
    assert step_code(" 告知家长 ") == step_code("告知家长（告知书回执）") == "parents_informed"
    with pytest.raises(BadInputError, match="未知的转介步骤：复诊。可选：危机评估"):
        step_code("复诊")


def test_withdraw_step_resolves_the_newest_referral_and_refuses_what_it_cannot(store,
                                                                                school):
    sid = school.students[0]
    rid = _through(store, sid, "visit_feedback")
    assert _status(store, sid) == "suspended"
    with pytest.raises(BadInputError, match="只能撤回最后登记的一步"):
        withdraw_step(store, sid, "联系医院", "点错了")
    with pytest.raises(BadInputError, match="“复学评估”还没有登记"):
        withdraw_step(store, sid, "复学评估", "点错了")
    with pytest.raises(BadInputError, match="撤回记录时请说明原因"):
        withdraw_step(store, sid, "就诊反馈", "  ")
    with pytest.raises(BadInputError, match="不是该学生的转介"):
        withdraw_step(store, school.students[1], "就诊反馈", "点错了", referral_id=rid)
    with pytest.raises(BadInputError, match="还没有转介记录"):
        withdraw_step(store, school.students[1], "就诊反馈", "点错了")
    result = withdraw_step(store, sid, "就诊反馈", "选错了结果")
    assert result == rid and result.changes.file(sid) and result.changes.students
    feedback = open_file(store, sid).referrals[0].steps[STEPS.index("visit_feedback")]
    assert feedback.pending and _status(store, sid) == "enrolled"


def test_cli_withdraw(store, school, db_path, monkeypatch, capsys):
    sid = school.students[0]
    rid = _through(store, sid, "visit_feedback")
    step_id = open_file(store, sid).referrals[0].steps[STEPS.index("visit_feedback")].id
    create_user(store, "ct", "班主任", "class_teacher", CT_PASSWORD,
                class_id=school.class_ids[0])
    store.close()
    db = ["--db", str(db_path), "--student", "S20260000"]
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)
    assert main(["referral", "withdraw", *db, "--step", "联系医院", "--reason", "x"]) == 2
    assert "只能撤回最后登记的一步" in capsys.readouterr().err
    assert main(["referral", "withdraw", *db, "--step", "复诊", "--reason", "x"]) == 2
    assert "未知的转介步骤" in capsys.readouterr().err
    assert main(["referral", "withdraw", *db, "--step", "就诊反馈", "--reason", " "]) == 2
    assert "撤回记录时请说明原因" in capsys.readouterr().err
    with pytest.raises(SystemExit) as missing:
        main(["referral", "withdraw", *db, "--step", "就诊反馈"])
    assert missing.value.code == 2 and "--reason" in capsys.readouterr().err
    monkeypatch.setenv("QINGXIN_PASSWORD", CT_PASSWORD)
    assert main(["referral", "withdraw", *db, "--user", "ct", "--step", "就诊反馈",
                 "--reason", "x"]) == 5
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)
    assert main(["referral", "withdraw", *db, "--referral", str(rid), "--step",
                 "visit_feedback", "--reason", "选错了结果"]) == 0
    assert f"已撤回转介 编号 {rid} 的“就诊反馈”" in capsys.readouterr().out
    with unlock(db_path, "admin", TEST_PASSWORD) as admin:
        assert _status(admin, sid) == "enrolled"
        versions = entry_history(admin, "referral_step", step_id)
    assert [(v.withdrawn, v.change_reason) for v in versions] == [(False, ""),
                                                                  (True, "选错了结果")]
