"""Re-keying: a removed user's copy of the key file stops opening the live database,
everyone else keeps access without re-entering a password, nothing is lost, and a crash
in the middle of the swap is finished (or undone) by the next unlock."""

from __future__ import annotations

import base64
import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
import sqlcipher3
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.errors import StoreError, WrongPasswordError
from app.paths import keyslot_path
from app.services import audit
from app.services.accounts import rekey
from app.services.accounts import users as accounts
from app.services.accounts.auth import unlock, unlock_with_recovery
from app.services.district import school_keys
from app.services.maintenance.backup_faults import BackupError
from app.services.progress import Progress
from app.store import keyslots
from app.store.copies import check_copy
from tests.conftest import TEST_PASSWORD

COUNSELLOR_PW = "counselor-pass-1"


def opens(db_path: Path, key: bytes) -> bool:
    """Whether raw SQLCipher with `key` reads the file (what anyone with SQL tools does)."""
    conn = sqlcipher3.connect(str(db_path))
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher3.DatabaseError:
        return False
    finally:
        conn.close()


def key_from(keys_file: Path, username: str, password: str) -> bytes:
    slot_file = keyslots.read_slot_file(keys_file)
    return keyslots.open_slot(slot_file, slot_file.find("password", username), password)


def test_removed_users_old_key_file_no_longer_opens_the_live_database(
        db_path, store, tmp_path):
    accounts.create_user(store, "liu", "刘老师", "counselor", COUNSELLOR_PW)
    accounts.create_user(store, "wang", "王老师", "counselor", "other-pass-12")
    fingerprint = school_keys.export_school_key(store, tmp_path / "school.pub",
                                                "4131011234").value
    with store.write() as session:
        pseudonym_key = school_keys.pseudonym_key_in(session, store)
    events_before = audit.count_events(store)
    stolen = tmp_path / "stolen.keys"
    shutil.copyfile(keyslot_path(db_path), stolen)
    old_key = key_from(stolen, "liu", COUNSELLOR_PW)
    old_staff = store.keys[keyslots.STAFF_KEY]
    assert opens(db_path, old_key)

    steps: list[tuple[int, int]] = []
    result = accounts.set_user_active(store, "liu", False,
                                      Progress(report=lambda d, t: steps.append((d, t)))).value

    assert result is not None and result.recovery_code is None and not result.lost_access
    assert steps and steps[-1][0] == steps[-1][1]  # the copy reported its pages
    assert not opens(db_path, old_key)
    assert opens(db_path, store.db_key) and store.db_key != old_key
    new_staff = store.keys[keyslots.STAFF_KEY]
    assert new_staff != old_staff  # a counsellor left: the staff key is replaced too
    # The admin's session carries on under the new key, with nothing lost.
    assert audit.count_events(store) == events_before + 2  # 停用 + rekey
    assert audit.verify_chain(store).ok
    assert school_keys.school_key_fingerprint(store) == fingerprint
    with store.write() as session:
        assert school_keys.pseudonym_key_in(session, store) == pseudonym_key
    store.close()
    # The stolen key file, put back beside the live database, opens nothing.
    live_keys = keyslot_path(db_path).read_bytes()
    shutil.copyfile(stolen, keyslot_path(db_path))
    with pytest.raises(StoreError) as info:
        unlock(db_path, "liu", COUNSELLOR_PW)
    assert "无法解密" in info.value.message
    keyslot_path(db_path).write_bytes(live_keys)
    with pytest.raises(WrongPasswordError):
        unlock(db_path, "liu", COUNSELLOR_PW)
    # Everyone else signs in as before: their slots received the new key.
    with unlock(db_path, "wang", "other-pass-12") as wang:
        assert wang.keys[keyslots.STAFF_KEY] == new_staff
    unlock(db_path, "admin", TEST_PASSWORD).close()
    assert not list(db_path.parent.glob("*.rekey-partial*"))


def test_recovery_code_opens_the_rekeyed_database(db_path, new_school, store):
    accounts.create_user(store, "liu", "刘老师", "counselor", COUNSELLOR_PW)
    accounts.set_user_active(store, "liu", False)
    store.close()
    login = unlock_with_recovery(db_path, new_school.recovery_code, "admin", "reset-pass-1")
    with login as s:
        assert s.user.username == "admin"


def write_version_1(db_path: Path, secrets: dict[tuple[str, str], str]) -> None:
    """Rewrite the key file in the format of the previous release (version 1): each slot
    wraps the database key itself under Argon2id(secret); no public key. `secrets` maps
    (kind, user) to the secret that opens the slot."""
    current = keyslots.read_slot_file(keyslot_path(db_path))
    admin = current.find("password", "admin")
    write_version_1_slots(db_path, current, keyslots.open_slot(current, admin, TEST_PASSWORD),
                          secrets)


def write_version_1_slots(db_path: Path, current: keyslots.SlotFile, db_key: bytes,
                          secrets: dict[tuple[str, str], str]) -> None:
    """The version 1 key file itself: a slot per (kind, user) wrapping `db_key` under
    Argon2id(secret), with the admin slot's KDF cost and the current file's db_id."""
    admin = current.find("password", "admin")
    slots = []
    for (kind, user), secret in secrets.items():
        salt, nonce = os.urandom(16), os.urandom(12)
        slot = keyslots.Slot(id=os.urandom(16).hex(), kind=kind, user=user,
                             salt=base64.b64encode(salt).decode(),
                             nonce=base64.b64encode(nonce).decode(), wrapped="",
                             kdf=admin.kdf)
        wrapping = keyslots._derive(secret, salt, keyslots.KdfParams(**admin.kdf))
        slot.wrapped = base64.b64encode(AESGCM(wrapping).encrypt(
            nonce, db_key, keyslots._aad(current.db_id, slot))).decode()
        slots.append({"id": slot.id, "kind": kind, "user": user, "salt": slot.salt,
                      "nonce": slot.nonce, "wrapped": slot.wrapped, "kdf": slot.kdf})
    keyslot_path(db_path).write_text(json.dumps({"format": keyslots.FORMAT, "version": 1,
                                                 "db_id": current.db_id, "slots": slots}),
                                     encoding="utf-8")


def test_version_1_key_file_upgrades_at_sign_in_and_rekey_names_who_must_reset(
        db_path, new_school, store):
    accounts.create_user(store, "liu", "刘老师", "counselor", COUNSELLOR_PW)
    accounts.create_user(store, "wang", "王老师", "counselor", "other-pass-12")
    store.close()
    write_version_1(db_path, {("password", "admin"): TEST_PASSWORD,
                              ("password", "liu"): COUNSELLOR_PW,
                              ("password", "wang"): "other-pass-12",
                              ("recovery", ""): new_school.recovery_code})
    with unlock(db_path, "admin", TEST_PASSWORD) as admin:
        upgraded = keyslots.read_slot_file(keyslot_path(db_path))
        assert not upgraded.find("password", "admin").legacy
        assert upgraded.find("password", "wang").legacy
        result = accounts.set_user_active(admin, "liu", False).value
    assert result is not None
    assert result.lost_access == ["wang"]  # never signed in since: an admin resets it
    assert result.recovery_code and result.recovery_code != new_school.recovery_code
    with pytest.raises(WrongPasswordError):
        unlock_with_recovery(db_path, new_school.recovery_code, "admin", "reset-pass-1")
    unlock_with_recovery(db_path, result.recovery_code, "admin", "reset-pass-1").close()
    with pytest.raises(WrongPasswordError):
        unlock(db_path, "wang", "other-pass-12")


def test_a_swap_cut_in_two_is_finished_by_the_next_unlock(db_path, store, monkeypatch):
    accounts.create_user(store, "liu", "刘老师", "counselor", COUNSELLOR_PW)
    real_replace = os.replace

    def crash_on_the_key_file(src, dst):
        if Path(dst) == keyslot_path(db_path):
            raise OSError(5, "power cut")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_on_the_key_file)
    with pytest.raises(StoreError) as info:
        accounts.set_user_active(store, "liu", False)
    monkeypatch.undo()
    assert "重新登录" in info.value.message
    store.close()
    db_partial, keys_partial = rekey.partials(db_path)
    assert keys_partial.exists() and not db_partial.exists()
    with unlock(db_path, "admin", TEST_PASSWORD) as s:
        assert not keys_partial.exists()
        assert [u.active for u in accounts.list_users(s) if u.username == "liu"] == [False]
        assert check_copy(db_path, s.db_key).ok


def test_a_rekey_that_never_reached_the_swap_changes_nothing(db_path, store):
    accounts.create_user(store, "liu", "刘老师", "counselor", COUNSELLOR_PW)
    key = store.db_key

    def fail(_session):
        raise OSError(28, "disk full")

    with pytest.raises(BackupError):
        rekey.rekey(store, keep=lambda slot: {keyslots.DATABASE}, change=fail)
    assert not any(p.exists() for p in rekey.partials(db_path))
    assert store.db_key == key and opens(db_path, key)
    # Partials a power cut left behind are removed at the next unlock.
    store.close()
    for leftover in rekey.partials(db_path):
        leftover.write_bytes(b"half")
    unlock(db_path, "liu", COUNSELLOR_PW).close()
    assert not any(p.exists() for p in rekey.partials(db_path))


def test_a_backup_made_before_a_rekey_restores_with_its_own_key_file(db_path, store, tmp_path):
    from app.services.maintenance.backup import make_backup
    from app.services.maintenance.restore import Secret, restore_backup

    accounts.create_user(store, "liu", "刘老师", "counselor", COUNSELLOR_PW)
    (tmp_path / "usb").mkdir()
    backup = make_backup(store, tmp_path / "usb")
    accounts.set_user_active(store, "liu", False)
    store.close()
    restore_backup(db_path, backup.path, Secret("admin", TEST_PASSWORD))
    # The backup's pair is back, as it was: liu's slot with it (deactivate again).
    with unlock(db_path, "liu", COUNSELLOR_PW) as liu:
        assert liu.keys[keyslots.STAFF_KEY]
    with unlock(db_path, "admin", TEST_PASSWORD) as admin:
        assert [u.active for u in accounts.list_users(admin) if u.username == "liu"] == [True]


def test_a_write_from_another_thread_during_a_rekey_lands_in_the_rekeyed_database(
        store, monkeypatch):
    """A GUI worker writing while an admin removes a user: its unit of work waits for the
    swap instead of committing to the old file after the copy (and vanishing with it)."""
    accounts.create_user(store, "liu", "刘老师", "counselor", COUNSELLOR_PW)
    copied = threading.Event()
    real_check = rekey.check_copy

    def check_then_linger(*args, **kwargs):
        copied.set()  # the copy is made; the swap is still to come
        time.sleep(0.5)
        return real_check(*args, **kwargs)

    monkeypatch.setattr(rekey, "check_copy", check_then_linger)

    def worker() -> None:
        copied.wait(10)
        audit.record_for(store, "login", "user", "admin", "worker")

    other = threading.Thread(target=worker)
    other.start()
    before = audit.count_events(store)
    accounts.set_user_active(store, "liu", False)
    other.join(10)
    assert not other.is_alive()
    assert audit.count_events(store) == before + 3  # 停用, rekey and the worker's event
    assert audit.verify_chain(store).ok
