"""Keys per role: a class teacher's password, with the database and key file copied,
opens the roster and the summary but not the sealed columns — neither through the
services nor with SQL tools and the database key that slot yields. Lowering a role
re-keys and replaces the staff key; a school from the previous release is migrated at
the first staff sign-in, not at a class teacher's."""

from __future__ import annotations

import base64
import json
import os
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import sqlcipher3
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select

from app.errors import PermissionDeniedError, StoreError
from app.models import (
    AuditEvent,
    Base,
    CarePlan,
    CounsellingRecord,
    SchoolSecret,
    ScreeningResult,
    Student,
    User,
)
from app.models.sealed import is_sealed, sealed_columns, unseal
from app.paths import keyslot_path
from app.seal.suites import KEMS, hpke_suite
from app.services.accounts import users as accounts
from app.services.accounts.auth import unlock
from app.services.accounts.staff_key import CHECK
from app.services.audit import _digest, verify_chain
from app.services.audit_anchor import Anchor, write_anchor
from app.services.audit_seal import (
    KIND,
    NO_KEY_TEXT,
    PREFIX,
    _unwrap,
    is_sealed_detail,
    key_id,
    open_detail,
)
from app.services.audit_view import list_lines
from app.services.casefile.plans import save_plan
from app.services.casefile.snapshot import WITHHELD, open_file
from app.services.demo.school import DEMO_PASSWORD, create_demo
from app.store import keyslots
from app.store.keyslots import DATABASE, STAFF_KEY
from tests.store.test_rekey import write_version_1_slots

TEACHER_PW = "teacher-pass-1"
COUNSELLOR_PW = "counselor-pass-1"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo school (screening, counselling, plans, a referral) with a class
    teacher and a counsellor; built once and copied for each test."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(keyslots, "DEFAULT_KDF", keyslots.KdfParams(8 * 1024, 1, 1))
        db = tmp_path_factory.mktemp("demo") / "qingxin.db"
        create_demo(db, students=60, seed=3)
        with unlock(db, "admin", DEMO_PASSWORD) as store:
            with store.read() as session:
                counselled = session.scalar(select(CounsellingRecord.student_id))
                class_id = session.scalar(select(Student.class_id)
                                          .where(Student.id == counselled))
            accounts.create_user(store, "chen", "陈老师", "class_teacher", TEACHER_PW,
                                 class_id)
            accounts.create_user(store, "liu", "刘老师", "counselor", COUNSELLOR_PW)
    return db


def copy_school(source: Path, folder: Path) -> Path:
    """What someone walking off with the files has: the database and its key file."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, folder / source.name)
    shutil.copyfile(keyslot_path(source), keyslot_path(folder / source.name))
    return folder / source.name


def slot_keys(db: Path, username: str, password: str) -> dict[str, bytes]:
    slot_file = keyslots.read_slot_file(keyslot_path(db))
    return keyslots.unlock_slot(slot_file, slot_file.find("password", username), password)


def raw(db: Path, key: bytes) -> sqlcipher3.Connection:
    conn = sqlcipher3.connect(str(db))
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    return conn


def sealed_values(conn: sqlcipher3.Connection) -> dict[str, list]:
    return {f"{table}.{column}": [v for (v,) in conn.execute(
                f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")]
            for table, columns in sealed_columns(Base.metadata).items() for column in columns}


def everything(conn: sqlcipher3.Connection) -> str:
    """Every cell of every table as text: what a dump with SQL tools shows."""
    tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return "\n".join(repr(row) for table in tables
                     for row in conn.execute(f'SELECT * FROM "{table}"'))


def test_class_teacher_copy_opens_the_summary_but_no_sealed_column(demo, tmp_path):
    db = copy_school(demo, tmp_path / "stolen")
    with unlock(db, "admin", DEMO_PASSWORD) as admin:
        with admin.read() as session:
            record = session.scalars(select(CounsellingRecord)).first()
            content, student = record.content, record.student_id
            scores = session.scalars(select(ScreeningResult.scores)).first()
        assert content and scores
    keys = slot_keys(db, "chen", TEACHER_PW)
    assert set(keys) == {DATABASE}  # the class teacher's slot holds no staff key

    # SQL tools with the database key from the teacher's slot: ciphertext only.
    conn = raw(db, keys[DATABASE])
    values = sealed_values(conn)
    for column in ("counselling_record.content", "screening_result.answers",
                   "screening_result.scores", "screening_result.total",
                   "referral.indications", "level_decision.reason", "care_plan.goals",
                   "care_plan.measures", "follow_up.change_reason"):
        assert values[column], f"the demo school has no {column} to test"
    assert all(is_sealed(v) for column in values.values() for v in column)
    dump = everything(conn)
    conn.close()
    assert content not in dump and scores not in dump
    assert json.loads(scores)["bands"]  # (it is the real document that is hidden)
    # … and the teacher's keys cannot open any of it.
    with pytest.raises(StoreError):
        unseal(AESGCM(os.urandom(32)), "counselling_record.content",
               values["counselling_record.content"][0])

    # Through the services: the summary of their own student, nothing sealed.
    with unlock(db, "chen", TEACHER_PW) as teacher:
        summary = open_file(teacher, student)
        assert not summary.full and summary.counselling
        assert all(c.content == WITHHELD for c in summary.counselling)
        with teacher.read() as session, pytest.raises(PermissionDeniedError):
            session.scalars(select(CounsellingRecord.content)).first()
        with teacher.read() as session, pytest.raises(PermissionDeniedError):
            session.scalars(select(ScreeningResult.total)).first()


def test_lowering_a_role_rekeys_and_replaces_the_staff_key(demo, tmp_path):
    db = copy_school(demo, tmp_path / "school")
    stolen = tmp_path / "liu.keys"
    shutil.copyfile(keyslot_path(db), stolen)
    old = keyslots.unlock_slot(keyslots.read_slot_file(stolen),
                               keyslots.read_slot_file(stolen).find("password", "liu"),
                               COUNSELLOR_PW)
    assert set(old) == {DATABASE, STAFF_KEY}
    with unlock(db, "admin", DEMO_PASSWORD) as admin:
        with admin.read() as session:
            class_id = session.scalar(select(Student.class_id))
            before = [r.content for r in session.scalars(select(CounsellingRecord))]
        result = accounts.set_user_role(admin, "liu", "class_teacher", class_id).value
        assert result is not None
        new = admin.keys
        with admin.read() as session:  # the admin reads on, under the new keys
            assert [r.content for r in session.scalars(select(CounsellingRecord))] == before
    assert new[DATABASE] != old[DATABASE] and new[STAFF_KEY] != old[STAFF_KEY]
    conn = raw(db, old[DATABASE])
    with pytest.raises(sqlcipher3.DatabaseError):
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.close()
    conn = raw(db, new[DATABASE])
    sealed = sealed_values(conn)["counselling_record.content"][0]
    conn.close()
    with pytest.raises(StoreError):  # the old staff key opens no live value
        unseal(AESGCM(old[STAFF_KEY]), "counselling_record.content", sealed)
    assert unseal(AESGCM(new[STAFF_KEY]), "counselling_record.content", sealed) in before
    assert set(slot_keys(db, "liu", COUNSELLOR_PW)) == {DATABASE}
    with unlock(db, "liu", COUNSELLOR_PW) as liu:
        assert liu.user.role == "class_teacher" and STAFF_KEY not in liu.keys


def test_raising_a_role_grants_the_staff_key_without_a_rekey(demo, tmp_path):
    db = copy_school(demo, tmp_path / "school")
    with unlock(db, "admin", DEMO_PASSWORD) as admin:
        key = admin.db_key
        assert accounts.set_user_role(admin, "chen", "counselor").value is None
        assert admin.db_key == key
    with unlock(db, "chen", TEACHER_PW) as chen, chen.read() as session:
        assert session.scalars(select(CounsellingRecord.content)).first()


def previous_release(db: Path, secrets: dict[tuple[str, str], str]) -> None:
    """Turn a school into what the previous release left on disk: the same schema, the
    confidential columns in clear, no staff-key check value, and a version 1 key file
    (each slot wraps the database key itself)."""
    slot_file = keyslots.read_slot_file(keyslot_path(db))
    keys = keyslots.unlock_slot(slot_file, slot_file.find("password", "admin"),
                                DEMO_PASSWORD)
    conn = raw(db, keys[DATABASE])
    staff = AESGCM(keys[STAFF_KEY])
    for table, columns in sealed_columns(Base.metadata).items():
        for column in columns:
            label = f"{table}.{column}"
            rows = conn.execute(f"SELECT id, {column} FROM {table} "
                                f"WHERE {column} IS NOT NULL").fetchall()
            for row_id, value in rows:
                plain = unseal(staff, label, value)
                stored = float(plain) if column == "total" else plain
                conn.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?",
                             (stored, row_id))
    conn.execute("DELETE FROM school_secret WHERE kind = ?", (CHECK,))
    clear_audit_details(db, conn, keys[STAFF_KEY])
    conn.commit()
    conn.close()
    write_version_1_slots(db, slot_file, keys[DATABASE], secrets)


def audit_private_keys(conn: sqlcipher3.Connection, staff: bytes) -> dict[bytes, object]:
    """Every audit private key in the database, by key id, opened with `staff`."""
    found = {}
    for row_id, public, nonce, wrapped in conn.execute(
            "SELECT id, public, nonce, wrapped FROM school_secret WHERE kind LIKE 'audit%'"):
        row = SchoolSecret(id=row_id, public=public, nonce=nonce, wrapped=wrapped)
        found[key_id(base64.b64decode(public))] = X25519PrivateKey.from_private_bytes(
            _unwrap(row, staff))
    return found


def open_raw(keys: dict[bytes, object], stored: bytes) -> str:
    """A sealed detail opened by hand, as someone holding an audit private key could."""
    kid = stored[len(PREFIX):len(PREFIX) + 8]
    return hpke_suite(KEMS["x25519"]).decrypt(
        stored[len(PREFIX) + 8:], keys[kid], b"qingxin audit detail v1\x00" + kid
    ).decode("utf-8")


def clear_audit_details(db: Path, conn: sqlcipher3.Connection, staff: bytes) -> None:
    """The audit log as the previous release wrote it: details in clear, hashed as
    such, no audit key; the anchor beside the database follows."""
    keys = audit_private_keys(conn, staff)
    prev = "0" * 64
    rows = conn.execute("SELECT id, at, username, action, target_kind, target_id, detail "
                        "FROM audit_event ORDER BY id").fetchall()
    for row_id, at, username, action, kind, target, detail in rows:
        text = open_raw(keys, detail) if is_sealed_detail(detail) else detail
        prev_hash, prev = prev, _digest(prev, datetime.fromisoformat(at), username, action,
                                        kind, target, text)
        conn.execute("UPDATE audit_event SET detail = ?, prev_hash = ?, hash = ? "
                     "WHERE id = ?", (text, prev_hash, prev, row_id))
    conn.execute("DELETE FROM school_secret WHERE kind LIKE 'audit%'")
    write_anchor(db, Anchor(rows[-1][0], prev))


def test_a_school_from_the_previous_release_is_sealed_at_the_first_staff_sign_in(
        demo, tmp_path, monkeypatch):
    monkeypatch.setattr(keyslots, "DEFAULT_KDF", keyslots.KdfParams(8 * 1024, 1, 1))
    db = copy_school(demo, tmp_path / "old")
    old_code = "OLDCO-DEOLD-CODEO-LDCOD-EOLDC-ODE23"
    previous_release(db, {("password", "admin"): DEMO_PASSWORD,
                          ("password", "chen"): TEACHER_PW,
                          ("password", "liu"): COUNSELLOR_PW,
                          ("recovery", ""): old_code})
    conn = raw(db, slot_keys(db, "chen", TEACHER_PW)[DATABASE])
    clear = sealed_values(conn)["counselling_record.content"]
    details = [d for (d,) in conn.execute("SELECT detail FROM audit_event WHERE detail != ''")]
    conn.close()
    assert clear and not any(is_sealed(v) for v in clear)
    assert details and not any(is_sealed_detail(d) for d in details)

    # The class teacher signs in first: their slot is upgraded, nothing is sealed.
    with unlock(db, "chen", TEACHER_PW) as chen:
        assert chen.new_recovery_code is None and STAFF_KEY not in chen.keys
    assert not any(s.sealed.get(STAFF_KEY)
                   for s in keyslots.read_slot_file(keyslot_path(db)).slots)

    # The admin's first sign-in makes the staff key, seals everything, replaces the
    # version-1 recovery code (shown once) and keeps every value.
    with unlock(db, "admin", DEMO_PASSWORD) as admin:
        code = admin.new_recovery_code
        assert code and STAFF_KEY in admin.keys
        with admin.read() as session:
            assert sorted(r.content for r in session.scalars(select(CounsellingRecord))
                          ) == sorted(clear)
    conn = raw(db, slot_keys(db, "chen", TEACHER_PW)[DATABASE])
    values = sealed_values(conn)
    now = [d for (d,) in conn.execute("SELECT detail FROM audit_event WHERE detail != ''")]
    conn.close()
    assert all(is_sealed(v) for column in values.values() for v in column)
    assert set(slot_keys(db, "chen", TEACHER_PW)) == {DATABASE}
    # The audit details too (the class teacher's clear login event among them), and the
    # chain, hashed again over the sealed bytes, verifies with its anchor.
    assert len(now) > len(details) and all(is_sealed_detail(d) for d in now)
    with unlock(db, "admin", DEMO_PASSWORD) as admin:
        assert verify_chain(admin).ok
        lines = list_lines(admin, limit=100_000)
        assert [line.action for line in lines].count("audit_sealed") == 1
        assert sorted(d for line in lines if (d := line.detail) in details) == sorted(details)
    slot_file = keyslots.read_slot_file(keyslot_path(db))
    assert STAFF_KEY in slot_file.find("recovery").sealed

    # The counsellor (still a version-1 slot) signs in: upgraded, but the key must be
    # granted by someone holding it — the admin's next sign-in does.
    with unlock(db, "liu", COUNSELLOR_PW) as liu:
        assert STAFF_KEY not in liu.keys
        with liu.read() as session, pytest.raises(PermissionDeniedError):
            session.scalars(select(CounsellingRecord.content)).first()
    unlock(db, "admin", DEMO_PASSWORD).close()
    with unlock(db, "liu", COUNSELLOR_PW) as liu, liu.read() as session:
        assert session.scalars(select(CounsellingRecord.content)).first() in clear


def test_a_class_teachers_audit_event_is_sealed_to_the_staff(demo, tmp_path):
    """A class teacher's session writes audit events it cannot read back, nor can SQL
    tools with the database key their slot yields; the admin reads them; the chain
    verifies over the sealed bytes and a changed byte is still found."""
    db = copy_school(demo, tmp_path / "school")
    with unlock(db, "chen", TEACHER_PW) as chen:
        with chen.read() as session:
            own = session.scalar(select(Student.id)
                                 .where(Student.class_id == chen.user.class_id))
        open_file(chen, own)
        with chen.read() as session:
            event_id, stored = session.execute(
                select(AuditEvent.id, AuditEvent.detail)
                .where(AuditEvent.username == "chen", AuditEvent.action == "student_open")
            ).one()
            assert is_sealed_detail(stored) and open_detail(session, stored) == NO_KEY_TEXT
    conn = raw(db, slot_keys(db, "chen", TEACHER_PW)[DATABASE])
    details = [d for (d,) in conn.execute("SELECT detail FROM audit_event")]
    dump = everything(conn)
    conn.close()
    assert details and all(d == "" or is_sealed_detail(d) for d in details)
    assert "摘要（班主任可见部分）" not in dump and "完整档案" not in dump

    with unlock(db, "admin", DEMO_PASSWORD) as admin:
        opened = [line for line in list_lines(admin) if line.id == event_id]
        assert [line.detail for line in opened] == ["摘要（班主任可见部分）"]
        assert verify_chain(admin).ok
        key = admin.db_key
    conn = raw(db, key)
    changed = bytearray(stored)
    changed[-1] ^= 1
    conn.execute("UPDATE audit_event SET detail = ? WHERE id = ?", (bytes(changed), event_id))
    conn.commit()
    conn.close()
    with unlock(db, "admin", DEMO_PASSWORD) as admin:
        report = verify_chain(admin)
        assert not report.ok and report.first_break == event_id


def test_lowering_a_role_replaces_the_audit_key(demo, tmp_path):
    """A counsellor lowered to class teacher keeps a password that opens the live
    database; an old copy of the staff key (and the audit private key it opened) must
    not open what is written after."""
    db = copy_school(demo, tmp_path / "school")
    old = slot_keys(db, "liu", COUNSELLOR_PW)
    conn = raw(db, old[DATABASE])
    kept = audit_private_keys(conn, old[STAFF_KEY])  # what liu could have saved
    conn.close()
    with unlock(db, "admin", DEMO_PASSWORD) as admin:
        with admin.read() as session:
            class_id = session.scalar(select(Student.class_id))
        accounts.set_user_role(admin, "liu", "class_teacher", class_id)
    with unlock(db, "liu", COUNSELLOR_PW) as liu, liu.read() as session:
        own = session.scalar(select(Student.id).where(Student.class_id == class_id))
    with unlock(db, "liu", COUNSELLOR_PW) as liu:
        open_file(liu, own)  # an event with a detail, written under the new key
    conn = raw(db, slot_keys(db, "liu", COUNSELLOR_PW)[DATABASE])
    kinds = [k for (k,) in conn.execute(
        "SELECT kind FROM school_secret WHERE kind LIKE 'audit%'")]
    newest = conn.execute("SELECT detail FROM audit_event WHERE username = 'liu' "
                          "ORDER BY id DESC LIMIT 1").fetchone()[0]
    before = conn.execute("SELECT detail FROM audit_event WHERE detail != '' "
                          "ORDER BY id LIMIT 1").fetchone()[0]
    conn.close()
    assert kinds.count(KIND) == 1 and len(kinds) == 2  # the old pair is kept, retired
    assert is_sealed_detail(newest) and newest[3:11] not in kept
    assert open_raw(kept, before)  # what liu could read then stays readable to that copy
    with unlock(db, "admin", DEMO_PASSWORD) as admin:
        assert verify_chain(admin).ok
        assert all(line.detail != NO_KEY_TEXT for line in list_lines(admin, limit=100_000))


def test_a_broken_audit_chain_is_not_rehashed(demo, tmp_path, monkeypatch):
    """Sealing the old details rewrites the chain; over a chain that does not verify that
    would hide the break, so the old details stay in clear and the break stays found.
    Events written from then on are sealed."""
    monkeypatch.setattr(keyslots, "DEFAULT_KDF", keyslots.KdfParams(8 * 1024, 1, 1))
    db = copy_school(demo, tmp_path / "old")
    previous_release(db, {("password", "admin"): DEMO_PASSWORD})
    key = slot_keys(db, "admin", DEMO_PASSWORD)[DATABASE]
    conn = raw(db, key)
    edited = conn.execute("SELECT id FROM audit_event WHERE detail != '' "
                          "ORDER BY id LIMIT 1").fetchone()[0]
    conn.execute("UPDATE audit_event SET detail = detail || '改' WHERE id = ?", (edited,))
    conn.commit()
    conn.close()
    with unlock(db, "admin", DEMO_PASSWORD) as admin:
        report = verify_chain(admin)
        assert not report.ok and report.first_break == edited
        lines = list_lines(admin, limit=100_000)
        assert "audit_sealed" not in [line.action for line in lines]
        with admin.read() as session:
            student = session.scalar(select(Student.id))
        open_file(admin, student)
        with admin.read() as session:
            stored = session.scalar(select(AuditEvent.detail).where(AuditEvent.id == edited))
            newest = session.scalar(select(AuditEvent.detail).where(AuditEvent.detail != "")
                                    .order_by(AuditEvent.id.desc()).limit(1))
        assert isinstance(stored, str) and stored.endswith("改")
        assert is_sealed_detail(newest)


def test_the_summary_shows_the_plan_without_its_goals_and_measures(demo, tmp_path):
    """The class teacher sees that a plan exists, its kind, who carries it and when it
    is reviewed; its goals and measures are sealed and shown as （保密）."""
    db = copy_school(demo, tmp_path / "school")
    with unlock(db, "admin", DEMO_PASSWORD) as admin:
        with admin.read() as session:
            chen_class = session.scalar(select(User.class_id).where(User.username == "chen"))
            student = session.scalar(select(Student.id).where(Student.class_id == chen_class))
        save_plan(admin, student, "key", "缓解考试焦虑，恢复睡眠", "每周一次个别辅导",
                  "班主任 陈老师；心理教师 刘老师", date.today() + timedelta(days=30))
        full = open_file(admin, student).plan
    assert full.goals == "缓解考试焦虑，恢复睡眠" and full.measures == "每周一次个别辅导"
    with unlock(db, "chen", TEACHER_PW) as chen:
        plan = open_file(chen, student).plan
    assert (plan.category, plan.responsible, plan.next_review_on) == \
        (full.category, full.responsible, full.next_review_on)
    assert plan.goals == plan.measures == WITHHELD
    conn = raw(db, slot_keys(db, "chen", TEACHER_PW)[DATABASE])
    dump = everything(conn)
    conn.close()
    assert "恢复睡眠" not in dump and "个别辅导" not in dump and "陈老师；心理教师" in dump


def test_migration_0009_seals_existing_plans_at_the_next_staff_sign_in(demo, tmp_path):
    """A school from before 0009 has clear plan text; the migration removes the check
    value, a class teacher's sign-in seals nothing, an admin's seals it."""
    db = copy_school(demo, tmp_path / "school")
    keys = slot_keys(db, "admin", DEMO_PASSWORD)
    conn = raw(db, keys[DATABASE])
    staff = AESGCM(keys[STAFF_KEY])
    plans = {row_id: unseal(staff, "care_plan.goals", goals)
             for row_id, goals in conn.execute("SELECT id, goals FROM care_plan")}
    assert plans, "the demo school has no plan to test"
    for row_id, goals in plans.items():
        conn.execute("UPDATE care_plan SET goals = ? WHERE id = ?", (goals, row_id))
    # What migration 0009 does (its whole upgrade). Rewinding alembic_version instead
    # would replay the later migrations, which create tables that already exist.
    conn.execute("DELETE FROM school_secret WHERE kind = ?", (CHECK,))
    conn.commit()
    conn.close()
    unlock(db, "chen", TEACHER_PW).close()
    conn = raw(db, keys[DATABASE])
    assert not any(is_sealed(g) for (g,) in conn.execute("SELECT goals FROM care_plan"))
    assert conn.execute("SELECT count(*) FROM school_secret WHERE kind = ?",
                        (CHECK,)).fetchone() == (0,)
    conn.close()
    with unlock(db, "admin", DEMO_PASSWORD) as admin, admin.read() as session:
        assert sorted(session.scalars(select(CarePlan.goals))) == sorted(plans.values())
    conn = raw(db, keys[DATABASE])
    assert all(is_sealed(g) for (g,) in conn.execute("SELECT goals FROM care_plan"))
    conn.close()

