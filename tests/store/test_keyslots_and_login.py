"""Key slots, passwords, the recovery code and the failed-login delay."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.errors import StoreError, WrongPasswordError
from app.paths import keyslot_path
from app.services import audit
from app.services.accounts import users as accounts
from app.services.accounts.auth import change_password, unlock, unlock_with_recovery
from app.store import keyslots, throttle
from tests.conftest import TEST_PASSWORD


def test_wrong_password_is_refused_in_chinese(db_path, new_school):
    with pytest.raises(WrongPasswordError) as info:
        unlock(db_path, "admin", "not-the-password")
    assert info.value.message == "用户名或密码不正确。"
    assert info.value.exit_code == 3


def test_unknown_user_gets_the_same_message(db_path, new_school):
    with pytest.raises(WrongPasswordError) as info:
        unlock(db_path, "nobody", TEST_PASSWORD)
    assert info.value.message == "用户名或密码不正确。"


def test_repeated_failures_impose_a_growing_delay(db_path, new_school):
    for _ in range(throttle.FREE_ATTEMPTS):
        with pytest.raises(WrongPasswordError):
            unlock(db_path, "admin", "wrong-password")
    # Even the right password must now wait.
    with pytest.raises(WrongPasswordError) as info:
        unlock(db_path, "admin", TEST_PASSWORD)
    assert "秒后再试" in info.value.message
    first = throttle.required_wait(db_path, "admin")
    with pytest.raises(WrongPasswordError):
        throttle.begin_attempt(db_path, "admin")  # still waiting: refused, not counted
    assert throttle.failures(db_path, "admin") == throttle.FREE_ATTEMPTS
    assert first > 0


def test_delay_expires_and_success_resets_the_count(db_path, new_school, monkeypatch):
    for _ in range(throttle.FREE_ATTEMPTS):
        with pytest.raises(WrongPasswordError):
            unlock(db_path, "admin", "wrong-password")
    monkeypatch.setattr(throttle, "required_wait", lambda *a, **k: 0)
    unlock(db_path, "admin", TEST_PASSWORD).close()
    assert throttle.failures(db_path, "admin") == 0


def test_recovery_code_resets_the_password_and_is_replaced(db_path, new_school):
    typed = new_school.recovery_code.lower().replace("-", " ")
    login = unlock_with_recovery(db_path, typed, "admin", "brand-new-pass")
    new_code = login.new_recovery_code
    login.close()
    with pytest.raises(WrongPasswordError):
        unlock(db_path, "admin", TEST_PASSWORD)
    unlock(db_path, "admin", "brand-new-pass").close()
    # The used code is spent; the new one (shown once) works, once.
    assert new_code and new_code != new_school.recovery_code
    with pytest.raises(WrongPasswordError):
        unlock_with_recovery(db_path, new_school.recovery_code, "admin", "another-pass-1")
    unlock_with_recovery(db_path, new_code, "admin", "another-pass-1").close()
    with unlock(db_path, "admin", "another-pass-1") as store:
        events = [e.detail for e in audit.list_events(store) if e.action == "recovery_used"]
    assert len(events) == 2 and "已换发新恢复码" in events[0]


def test_wrong_recovery_code(db_path, new_school):
    with pytest.raises(WrongPasswordError) as info:
        unlock_with_recovery(db_path, "AAAAA-AAAAA", "admin", "brand-new-pass")
    assert info.value.message == "恢复码不正确。"


def test_change_password_rewrites_only_that_slot(db_path, new_school):
    before = json.loads(keyslot_path(db_path).read_text())
    with unlock(db_path, "admin", TEST_PASSWORD) as store:
        with pytest.raises(WrongPasswordError):
            change_password(store, "wrong-old-pass", "another-pass-1")
        change_password(store, TEST_PASSWORD, "another-pass-1")
    after = json.loads(keyslot_path(db_path).read_text())
    recovery_before = [s for s in before["slots"] if s["kind"] == "recovery"]
    recovery_after = [s for s in after["slots"] if s["kind"] == "recovery"]
    assert recovery_before == recovery_after
    assert not keyslot_path(db_path).with_name(keyslot_path(db_path).name + ".tmp").exists()
    unlock(db_path, "admin", "another-pass-1").close()


def test_a_slot_copied_from_another_database_does_not_open(db_path, new_school, tmp_path):
    from app.services.setup import create_school

    other = tmp_path / "other" / "qingxin.db"
    create_school(other, "另一所学校", "admin", TEST_PASSWORD)
    mine = keyslots.read_slot_file(keyslot_path(db_path))
    theirs = keyslots.read_slot_file(keyslot_path(other))
    foreign = theirs.find("password", "admin")
    with pytest.raises(WrongPasswordError):
        keyslots.open_slot(mine, foreign, TEST_PASSWORD)


def test_new_user_logs_in_with_own_password(db_path, store):
    accounts.create_user(store, "liu", "刘老师", "counselor", "counselor-pass")
    store.close()
    with unlock(db_path, "liu", "counselor-pass") as s2:
        assert s2.user.role == "counselor"


def test_deactivated_user_cannot_log_in(db_path, store):
    accounts.create_user(store, "liu", "刘老师", "counselor", "counselor-pass")
    accounts.set_user_active(store, "liu", False)
    store.close()
    with pytest.raises(WrongPasswordError):
        unlock(db_path, "liu", "counselor-pass")


def test_second_open_is_told_the_database_is_in_use(db_path, store):
    with pytest.raises(StoreError) as info:
        unlock(db_path, "admin", TEST_PASSWORD)
    assert "另一个" in info.value.message


def test_missing_or_corrupt_slot_file(db_path, new_school):
    path = keyslot_path(db_path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreError) as info:
        unlock(db_path, "admin", TEST_PASSWORD)
    assert "密钥文件" in info.value.message
    path.unlink()
    with pytest.raises(StoreError) as info:
        unlock(db_path, "admin", TEST_PASSWORD)
    assert "找不到密钥文件" in info.value.message


def test_short_password_is_refused(tmp_path):
    from app.errors import BadInputError
    from app.services.setup import create_school

    with pytest.raises(BadInputError):
        create_school(tmp_path / "q.db", "学校", "admin", "short")


def test_admin_resets_a_password_and_reenables_an_account(db_path, store):
    from app.errors import BadInputError

    accounts.create_user(store, "liu", "刘老师", "counselor", "counselor-pass")
    accounts.set_user_active(store, "liu", False)
    with pytest.raises(BadInputError):
        accounts.set_user_active(store, "liu", True)  # no key slot left: needs a password
    accounts.reset_user_password(store, "liu", "fresh-pass-9")
    store.close()
    with unlock(db_path, "liu", "fresh-pass-9") as s2:
        assert s2.user.username == "liu"


def test_list_classes_includes_empty_classes(store):
    from app.models import SchoolClass
    from app.services.classes import list_classes

    with store.write() as session:
        session.add(SchoolClass(grade=7, number=9))
    assert [(c.name, c.students) for c in list_classes(store)] == [("初一(9)班", 0)]


def test_parallel_wrong_passwords_get_no_more_free_tries(db_path, new_school, tmp_path):
    """Eight processes guessing at once: only the free tries reach the key derivation,
    the rest are told to wait (the counter is read and raised under one file lock)."""
    go = tmp_path / "go"
    code = ("import sys, time\n"
            "from pathlib import Path\n"
            "from app.errors import WrongPasswordError\n"
            "from app.services.accounts.auth import unlock\n"
            "from app.store import throttle\n"
            # A slow machine may take the first 2-second wait between two processes;
            # a longer wait keeps the test about the counting, not the schedule.
            "throttle.FIRST_DELAY_S = throttle.MAX_DELAY_S = 600\n"
            f"while not Path({str(go)!r}).exists():\n"
            "    time.sleep(0.01)\n"
            "try:\n"
            f"    unlock(Path({str(db_path)!r}), 'admin', 'wrong-password')\n"
            "except WrongPasswordError as err:\n"
            "    print(err.message)\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for _ in range(8)]
    time.sleep(1.0)
    go.touch()
    answers = [p.communicate(timeout=120)[0].strip() for p in procs]
    assert answers.count("用户名或密码不正确。") == throttle.FREE_ATTEMPTS, answers
    assert sum("秒后再试" in a for a in answers) == 8 - throttle.FREE_ATTEMPTS
