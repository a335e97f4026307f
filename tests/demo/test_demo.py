"""The demo school a newcomer opens: every area has something in it, made through the
real services, and the audit chain is intact."""

from __future__ import annotations

from app.services import audit
from app.services.accounts.auth import unlock
from app.services.casefile.snapshot import open_file
from app.services.demo.records import WAITING_TODAY
from app.services.demo.school import DEMO_PASSWORD, create_demo
from app.services.referral.workflow import list_referrals
from app.services.screening.campaigns import list_campaigns
from app.services.students import list_students
from app.services.today import today_work
from app.services.warning.crisis import checklist
from app.services.warning.decisions import key_list


def test_demo_school_has_a_term_of_work(tmp_path):
    db = tmp_path / "demo.db"
    result = create_demo(db, students=240, seed=3)
    assert result.recovery_code
    with unlock(db, "admin", DEMO_PASSWORD) as store:
        assert len(list_students(store)) == 240
        campaigns = {c.instrument_code: c for c in list_campaigns(store)}
        assert set(campaigns) == {"phq9", "mht"}
        assert 0 < campaigns["phq9"].done < campaigns["phq9"].due
        rows = key_list(store)
        assert {"crisis", "key"} <= {row.level for row in rows}
        assert len(list_referrals(store)) >= 2
        assert audit.verify_chain(store).ok


def test_demo_shows_same_day_tasks_and_every_crisis_student_has_a_referral_decision(tmp_path):
    """Issue 11: critical answers wait on 今日工作 as 当天面谈评估; each crisis student's
    checklist is there, and none is left without a referral or a written reason."""
    db = tmp_path / "demo.db"
    create_demo(db, students=600, seed=7)
    with unlock(db, "admin", DEMO_PASSWORD) as store:
        urgent = today_work(store).urgent
        assessments = [i for i in urgent if i.kind == "assessment"]
        assert len({i.student_id for i in assessments}) == WAITING_TODAY
        assert all(i.what.startswith("当天面谈评估：") and i.overdue_days == 0
                   for i in assessments)
        assert {i.what for i in urgent if i.kind == "crisis_item"} == {
            "危机：通知监护人", "危机：安全计划"}  # the newest crisis, decided today
        crisis = [r.student_id for r in key_list(store) if r.level == "crisis"]
        assert len(crisis) >= 3
        referred = {r.student_id for r in list_referrals(store)}
        for sid in crisis:
            items = {i.kind: i for i in checklist(open_file(store, sid).followups)}
            assert set(items) == {"crisis_assess", "crisis_guardian", "crisis_safety",
                                  "crisis_referral"}
            decision = items["crisis_referral"]
            assert decision.done
            assert (decision.row.referral_id is not None) == (sid in referred)
            assert decision.row.referral_id is not None or decision.row.note
