"""The demo school a newcomer opens: every area has something in it, made through the
real services, and the audit chain is intact."""

from __future__ import annotations

from app.services import audit
from app.services.auth import unlock
from app.services.campaigns import list_campaigns
from app.services.demo import DEMO_PASSWORD, create_demo
from app.services.referral import list_referrals
from app.services.students import list_students
from app.services.warnings import key_list


def test_demo_school_has_a_term_of_work(tmp_path):
    db = tmp_path / "demo.db"
    result = create_demo(db, students=240, seed=3)
    assert result.recovery_code
    with unlock(db, "admin", DEMO_PASSWORD) as store:
        assert len(list_students(store)) == 240
        campaigns = {c.instrument_code: c for c in list_campaigns(store)}
        assert set(campaigns) == {"phq9", "mht"}
        assert 0 < campaigns["phq9"].done < campaigns["phq9"].due
        levels = {row.level for row in key_list(store)}
        assert {"crisis", "key"} <= levels
        assert len(list_referrals(store)) == 1
        assert audit.verify_chain(store).ok
