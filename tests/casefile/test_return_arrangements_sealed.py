"""复学安排 (a referral step's return-to-school arrangements) is sealed under the staff key
like the step's note and diagnosis: no plaintext in the raw column, none for a class
teacher's database key; staff still read it everywhere it is shown. Migration 0014 seals
the clear values a school already has at the next staff sign-in (not a class
teacher's), and its downgrade opens them again with the staff key only."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from sqlalchemy import select, text

from app.errors import PermissionDeniedError, StoreError
from app.models import ReferralStep
from app.models.sealed import attach_staff_key, is_sealed
from app.services.accounts.auth import unlock
from app.services.casefile.snapshot import WITHHELD, open_file
from app.services.referral.steps import STEPS, StepDetails
from app.services.referral.workflow import complete_step, open_referral
from app.services.reports.letters import letter_referral
from app.store.engine import create_encrypted_engine
from app.store.keyslots import DATABASE, STAFF_KEY
from app.store.migrate import _config, current_revision
from app.ui.casefile.referral_tab import step_record
from tests.casefile.conftest import CT_PASSWORD
from tests.conftest import TEST_PASSWORD
from tests.store.test_keys_per_role import everything, raw, slot_keys

OPENED = date(2026, 3, 2)
ARRANGEMENTS = "前两周只上半天课，暂停体育课，午间在校服药"
BEFORE_RETURN = {"parents_informed": StepDetails(receipt="signed"),
                 "hospital_contacted": StepDetails(hospital="市第六医院"),
                 "visit_feedback": StepDetails(outcome="inpatient")}


def _returned(store, sid: int) -> int:
    """A referral through 复学评估, its arrangements written by the counsellor."""
    rid = open_referral(store, sid, {"self_harm"}, OPENED)
    for step in STEPS[:STEPS.index("return_assessment")]:
        complete_step(store, rid, step, OPENED, note="已办", hospitals=("市第六医院",),
                      details=BEFORE_RETURN.get(step, StepDetails()))
    complete_step(store, rid, "return_assessment", OPENED,
                  details=StepDetails(certificate_seen=True, meeting_on=OPENED,
                                      arrangements=ARRANGEMENTS))
    return rid


def _stored(db_path, key: bytes) -> object:
    conn = raw(db_path, key)
    (value,) = conn.execute("SELECT arrangements FROM referral_step "
                            "WHERE step = 'return_assessment'").fetchone()
    conn.close()
    return value


def _return_step(file):
    return file.referrals[0].steps[STEPS.index("return_assessment")]


def test_arrangements_are_sealed_and_only_staff_read_them(store, school, class_teacher,
                                                          db_path):
    sid = school.students[0]
    _returned(store, sid)
    with store.read() as session:
        stored = session.execute(text("SELECT arrangements FROM referral_step "
                                      "WHERE step = 'return_assessment'")).scalar_one()
        assert session.scalar(select(ReferralStep.arrangements).where(
            ReferralStep.step == "return_assessment")) == ARRANGEMENTS
    assert is_sealed(stored) and ARRANGEMENTS.encode() not in stored
    # Staff see it in the file and in the 复学评估表 the letters print from.
    full = open_file(store, sid)
    assert _return_step(full).arrangements == ARRANGEMENTS
    ret = letter_referral(full.referrals[0]).steps[STEPS.index("return_assessment")]
    assert ret.arrangements == ARRANGEMENTS
    # The class teacher's summary shows the meeting, not what was arranged …
    ct = class_teacher()
    summary = _return_step(open_file(ct, sid))
    assert summary.meeting_on == OPENED and summary.arrangements == ""
    assert f"安排：{WITHHELD}" in step_record(summary)  # not an empty "安排："
    assert f"安排：{ARRANGEMENTS}" in step_record(_return_step(full))
    with ct.read() as session, pytest.raises(PermissionDeniedError):
        session.scalars(select(ReferralStep.arrangements)).all()
    ct.close()
    # … and their slot's database key with SQL tools finds no plaintext anywhere.
    keys = slot_keys(db_path, "ct", CT_PASSWORD)
    assert set(keys) == {DATABASE}
    conn = raw(db_path, keys[DATABASE])
    dump = everything(conn)
    conn.close()
    assert "半天课" not in dump and "暂停体育课" not in dump


def test_migration_0014_seals_clear_arrangements_at_the_next_staff_sign_in(
        store, school, class_teacher, db_path):
    """A school at 0013 holds the arrangements in clear: a class teacher's sign-in
    migrates (the check value goes) but seals nothing; the next admin sign-in seals."""
    sid = school.students[1]
    _returned(store, sid)
    admin_keys = slot_keys(db_path, "admin", TEST_PASSWORD)
    ct = class_teacher()  # made while the admin's store was open; closes it
    ct.close()
    conn = raw(db_path, admin_keys[DATABASE])
    conn.execute("UPDATE referral_step SET arrangements = ? WHERE step = 'return_assessment'",
                 (ARRANGEMENTS,))
    conn.execute("UPDATE alembic_version SET version_num = '0013'")
    conn.commit()
    conn.close()
    with unlock(db_path, "ct", CT_PASSWORD) as teacher:
        assert current_revision(teacher.engine) == "0014"
        assert _return_step(open_file(teacher, sid)).arrangements == ""
    assert _stored(db_path, admin_keys[DATABASE]) == ARRANGEMENTS
    with unlock(db_path, "admin", TEST_PASSWORD) as admin:
        assert _return_step(open_file(admin, sid)).arrangements == ARRANGEMENTS
    assert is_sealed(_stored(db_path, admin_keys[DATABASE]))


def test_downgrade_opens_the_arrangements_with_the_staff_key_only(store, school, db_path):
    sid = school.students[2]
    _returned(store, sid)
    keys = dict(store.keys)
    assert STAFF_KEY in keys
    store.close()
    cfg = _config()
    # Without the staff key (what a class teacher's sign-in holds): refused, unchanged.
    engine = create_encrypted_engine(db_path, keys[DATABASE])
    with pytest.raises(StoreError, match="复学安排已加密保存"), engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0013")
    assert current_revision(engine) == "0014"
    engine.dispose()
    assert is_sealed(_stored(db_path, keys[DATABASE]))
    # With it (a staff sign-in attaches it before migrating): clear text again.
    engine = create_encrypted_engine(db_path, keys[DATABASE])
    attach_staff_key(engine, keys[STAFF_KEY])
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0013")
    assert current_revision(engine) == "0013"
    engine.dispose()
    assert _stored(db_path, keys[DATABASE]) == ARRANGEMENTS
