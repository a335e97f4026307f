"""Backups to a folder: encrypted, checked, named, recorded, made while the app runs."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlcipher3

from app.deployment import DEFAULT_BACKUP_REMINDER_DAYS
from app.paths import keyslot_path
from app.services import audit
from app.services.demo.synthetic import synthetic_roster
from app.services.maintenance.backup import (
    backup_status,
    make_backup,
)
from app.services.maintenance.backup_faults import BackupError
from app.services.progress import Progress
from app.store.copies import check_copy
from tests.maintenance.maintenance_helpers import (
    add_students,
    db_key,
    leftovers,
    student_count,
)


@pytest.fixture
def usb(tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder


def test_backup_is_an_encrypted_checked_copy_with_its_key_slots(db_path, store, usb):
    rows = synthetic_roster(300, seed=4)
    add_students(store, 300, seed=4)
    result = make_backup(store, usb)
    assert result.path.parent == usb and result.path.name.startswith("qingxin-backup-")
    assert result.keys_path == keyslot_path(result.path)
    assert leftovers(usb) == sorted([result.path.name, result.keys_path.name,
                                     result.path.name + ".audit"])  # the audit anchor
    blob = result.path.read_bytes()
    assert not blob.startswith(b"SQLite format 3")
    for row in rows[:30]:
        assert row.name.encode() not in blob and row.student_no.encode() not in blob
    check = check_copy(result.path, db_key(db_path))
    assert check.ok and check.school_name == "青心实验中学"
    assert result.keys_path.read_bytes() == keyslot_path(db_path).read_bytes()
    # One self-contained file: the copy is in rollback-journal mode, no -wal beside it.
    conn = sqlcipher3.connect(str(result.path))
    conn.execute(f"PRAGMA key = \"x'{db_key(db_path).hex()}'\"")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_backup_includes_what_is_still_in_the_wal(db_path, store, usb):
    add_students(store, 50)
    assert db_path.with_name(db_path.name + "-wal").exists()
    result = make_backup(store, usb)
    conn = sqlcipher3.connect(str(result.path))
    conn.execute(f"PRAGMA key = \"x'{db_key(db_path).hex()}'\"")
    assert conn.execute("SELECT count(*) FROM student").fetchone()[0] == 50
    conn.close()


def test_two_backups_in_the_same_second_do_not_overwrite(store, usb):
    now = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    first = make_backup(store, usb, now=now)
    second = make_backup(store, usb, now=now)
    assert first.path != second.path and second.path.name.endswith("-2.db")
    assert first.path.exists() and second.path.exists()


def test_backup_while_the_app_keeps_writing(store, usb, monkeypatch):
    """The page copy runs beside a live store: a write during the copy neither blocks
    nor breaks it, and the copy is a consistent database."""
    from app.store import copies

    add_students(store, 400)
    monkeypatch.setattr(copies, "PAGES_PER_STEP", 4)
    wrote = []

    def write_meanwhile(done: int, total: int) -> None:
        if not wrote:
            worker = threading.Thread(target=lambda: audit.record_for(store, "student_list"))
            worker.start()
            worker.join(timeout=10)
            wrote.append(done)

    result = make_backup(store, usb, progress=Progress(report=write_meanwhile))
    assert wrote and check_copy(result.path, store.db_key).ok
    assert audit.verify_chain(store).ok


def test_backup_is_recorded_and_the_reminder_follows_it(store, usb):
    add_students(store, 3)  # before the first student nothing is due (test_backup_reminder)
    status = backup_status(store)
    assert status.last is None and status.due and "还没有做过备份" in status.message
    result = make_backup(store, usb)
    status = backup_status(store)
    assert status.last is not None and status.days == 0 and not status.due
    assert status.folder == str(usb)
    assert "上次备份" in status.message
    later = datetime.now(UTC) + timedelta(days=DEFAULT_BACKUP_REMINDER_DAYS + 1)
    overdue = backup_status(store, now=later)
    assert overdue.due and overdue.days == DEFAULT_BACKUP_REMINDER_DAYS + 1
    assert f"{DEFAULT_BACKUP_REMINDER_DAYS + 1} 天前" in overdue.message
    assert "请插入 U 盘" in overdue.message
    assert not backup_status(store, every_days=30, now=later).due
    events = [e for e in audit.list_events(store, 5) if e.action == "backup"]
    assert events[0].target_kind == "database" and events[0].target_id == result.path.name


def test_a_class_teacher_cannot_take_the_school_home(store, usb):
    from app.errors import PermissionDeniedError
    from app.services.accounts.auth import unlock
    from app.services.accounts.users import create_user
    from app.services.classes import list_classes

    add_students(store, 30)
    class_id = list_classes(store)[0].id
    create_user(store, "wang", "王老师", "class_teacher", "another-pass-1", class_id)
    store.close()
    with unlock(store.path, "wang", "another-pass-1") as teacher, \
            pytest.raises(PermissionDeniedError):
        make_backup(teacher, usb)
    assert leftovers(usb) == []


def test_backup_into_a_missing_or_wrong_target(store, tmp_path):
    with pytest.raises(BackupError) as info:
        make_backup(store, tmp_path / "nowhere")
    assert info.value.reason == "target_gone" and "U 盘" in info.value.message
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    with pytest.raises(BackupError) as info:
        make_backup(store, a_file)
    assert info.value.reason == "not_a_folder"
    assert student_count(store) == 0
    assert backup_status(store).last is None
