"""Logging in: a password (or the recovery code) opens a key slot and its keys.

Wrong secrets are counted per user in a file beside the database (app/store/throttle)
and answered in Chinese; the audit log records each login and how many failed attempts
came before it, since a failed attempt cannot write to a database it could not open.

Sign-in is also the one moment a password is known, so a version-1 slot is upgraded
then (keyslots.upgrade_slot), and the moment the database can be read, so the key file
is given the school's name for the next login window if it lacks it. A staff sign-in
also opens the 反映 the warning network filed since the last one (signals/inbox.py).
A recovery code is spent when used: the recovery slot is replaced by one for a new
code, which the caller shows once, as setup did.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from app.changes import NOTHING, Changes
from app.errors import WrongPasswordError
from app.instruments.school import use_school_folder
from app.models import School
from app.paths import keyslot_path, school_instruments_dir
from app.services import audit
from app.services.accounts import rekey, staff_key
from app.services.accounts.keyring import slot_keys
from app.services.accounts.passwords import check_new_password
from app.services.signals import inbox
from app.store import keyslots, throttle
from app.store.faults import check_database_path
from app.store.handle import Store
from app.store.opening import open_store

RECOVERY_WHO = "#recovery"


def unlock(db_path: Path, username: str, password: str) -> Store:
    username = username.strip()
    check_database_path(db_path)
    rekey.finish_interrupted(db_path)
    slot_path = keyslot_path(db_path)
    slot_file = keyslots.read_slot_file(slot_path)
    failures = throttle.begin_attempt(db_path, username)
    slot = slot_file.find("password", username)
    if slot is None:
        raise WrongPasswordError("用户名或密码不正确。")
    keys = keyslots.unlock_slot(slot_file, slot, password)
    throttle.record_success(db_path, username)  # the password is right, whatever follows
    store = open_store(db_path, keys, username)
    if keyslots.upgrade_slot(slot_file, slot, password, keys):
        keyslots.write_slot_file(slot_path, slot_file)
    store.new_recovery_code = staff_key.settle(store)
    inbox.settle(store)
    use_school_folder(school_instruments_dir(db_path))
    remember_school_name(store, db_path)
    audit.record_for(store, "login", "user", username,
                     f"此前连续失败 {failures} 次" if failures else "")
    return store


def unlock_with_recovery(db_path: Path, recovery_code: str, username: str,
                         new_password: str) -> Store:
    """The principal's printed code resets one user's password and logs them in; the
    code is then replaced by a new one (`store.new_recovery_code`, to show once)."""
    check_new_password(new_password)
    rekey.finish_interrupted(db_path)
    slot_path = keyslot_path(db_path)
    slot_file = keyslots.read_slot_file(slot_path)
    slot = slot_file.find("recovery")
    if slot is None:
        raise WrongPasswordError("此数据库没有恢复码。")
    throttle.begin_attempt(db_path, RECOVERY_WHO)
    try:
        keys = keyslots.unlock_slot(slot_file, slot,
                                    keyslots.normalize_recovery_code(recovery_code))
    except WrongPasswordError:
        raise WrongPasswordError("恢复码不正确。") from None
    throttle.record_success(db_path, RECOVERY_WHO)
    store = open_store(db_path, keys, username.strip())
    use_school_folder(school_instruments_dir(db_path))
    new_code = replace_recovery_slot(slot_file, keys)
    keyslots.replace_slot(slot_file, keyslots.make_slot(
        slot_file.db_id, slot_keys(store.user.role, keys), new_password, "password",
        store.user.username))
    keyslots.write_slot_file(slot_path, slot_file)
    staff_key.settle(store)
    inbox.settle(store)
    remember_school_name(store, db_path)
    store.new_recovery_code = new_code
    throttle.record_success(db_path, store.user.username)
    audit.record_for(store, "recovery_used", "user", store.user.username,
                     "用恢复码重设密码；旧恢复码已作废，已换发新恢复码")
    return store


def school_name(store: Store) -> str:
    """For the printed recovery-code sheet and the main window's title."""
    with store.read() as session:
        return session.scalar(select(School.name).order_by(School.id)) or ""


def remember_school_name(store: Store, db_path: Path) -> None:
    """Keep the school's name in the key file for the next login window (before any
    unlock it cannot read the database; app/store/header.py): written when it differs —
    a database set up before the key file carried it, or a name changed since. Read
    afresh here, since the sign-in's own writes (upgrade, staff key) came before."""
    name = school_name(store).strip()
    slot_path = keyslot_path(db_path)
    slot_file = keyslots.read_slot_file(slot_path)
    if name and slot_file.school != name:
        slot_file.school = name
        keyslots.write_slot_file(slot_path, slot_file)


def replace_recovery_slot(slot_file: keyslots.SlotFile, keys: dict[str, bytes]) -> str:
    """A new recovery code holding `keys`, in place of the old recovery slot (in memory;
    the caller writes the file). Returns the code, to be shown once."""
    code = keyslots.new_recovery_code()
    keyslots.replace_slot(slot_file, keyslots.make_slot(slot_file.db_id, keys, code,
                                                        "recovery"))
    return code


def change_password(store: Store, old_password: str, new_password: str) -> Changes:
    check_new_password(new_password)
    slot_path = keyslot_path(store.path)
    slot_file = keyslots.read_slot_file(slot_path)
    slot = slot_file.find("password", store.user.username)
    if slot is None:
        raise WrongPasswordError("找不到您的密钥槽，请用恢复码重设密码。")
    try:
        keyslots.open_slot(slot_file, slot, old_password)
    except WrongPasswordError:
        raise WrongPasswordError("原密码不正确。") from None
    keyslots.replace_slot(slot_file, keyslots.make_slot(
        slot_file.db_id, slot_keys(store.user.role, store.keys), new_password, "password",
        store.user.username))
    keyslots.write_slot_file(slot_path, slot_file)
    audit.record_for(store, "password_changed", "user", store.user.username)
    return NOTHING


def lock(store: Store) -> None:
    """Logout or idle auto-lock: record it, then forget the key."""
    if store.is_open:
        audit.record_for(store, "logout", "user", store.user.username)
        store.close()
