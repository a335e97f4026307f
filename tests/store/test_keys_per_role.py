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
from pathlib import Path

import pytest
import sqlcipher3
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select

from app.errors import PermissionDeniedError, StoreError
from app.models import Base, CounsellingRecord, ScreeningResult, Student
from app.models.sealed import is_sealed, sealed_columns, unseal
from app.paths import keyslot_path
from app.services.accounts import users as accounts
from app.services.accounts.auth import unlock
from app.services.accounts.staff_key import CHECK
from app.services.casefile.snapshot import WITHHELD, open_file
from app.services.demo.school import DEMO_PASSWORD, create_demo
from app.store import keyslots
from app.store.keyslots import DATABASE, STAFF_KEY

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
                   "referral.indications", "level_decision.reason"):
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
        result = accounts.set_user_role(admin, "liu", "class_teacher", class_id)
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
        assert accounts.set_user_role(admin, "chen", "counselor") is None
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
    conn.commit()
    conn.close()
    admin = slot_file.find("password", "admin")
    slots = []
    for (kind, user), secret in secrets.items():
        salt, nonce = os.urandom(16), os.urandom(12)
        slot = keyslots.Slot(id=os.urandom(16).hex(), kind=kind, user=user,
                             salt=base64.b64encode(salt).decode(),
                             nonce=base64.b64encode(nonce).decode(), wrapped="",
                             kdf=admin.kdf)
        wrapping = keyslots._derive(secret, salt, keyslots.KdfParams(**admin.kdf))
        slot.wrapped = base64.b64encode(AESGCM(wrapping).encrypt(
            nonce, keys[DATABASE], keyslots._aad(slot_file.db_id, slot))).decode()
        slots.append({k: getattr(slot, k) for k in
                      ("id", "kind", "user", "salt", "nonce", "wrapped", "kdf")})
    keyslot_path(db).write_text(json.dumps({"format": keyslots.FORMAT, "version": 1,
                                            "db_id": slot_file.db_id, "slots": slots}))


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
    conn.close()
    assert clear and not any(is_sealed(v) for v in clear)

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
    conn.close()
    assert all(is_sealed(v) for column in values.values() for v in column)
    assert set(slot_keys(db, "chen", TEACHER_PW)) == {DATABASE}
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
