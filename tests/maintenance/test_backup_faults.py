"""What a USB stick can do to a backup, and a damaged database: each fault is told in
Chinese, nothing half-written is left, the database is untouched and still works."""

from __future__ import annotations

import errno
import os
import shutil

import pytest
from sqlalchemy import text

from app.errors import StoreError
from app.models import Base
from app.services.accounts.auth import unlock
from app.services.maintenance import backup_faults
from app.services.maintenance.backup import backup_status, check_database, make_backup
from app.services.maintenance.backup_faults import BackupError
from app.services.progress import Progress
from app.store import copies
from app.store.damage import DAMAGED_MESSAGE
from tests.conftest import TEST_PASSWORD
from tests.maintenance.maintenance_helpers import (
    add_students,
    digest,
    flip,
    leftovers,
    mounted_tmpfs,
    student_count,
)


@pytest.fixture
def school(store):
    add_students(store, 2000)  # ≈ 700 KB: many pages, bigger than the small disks below
    return store


@pytest.fixture
def many_steps(monkeypatch):
    """Copy 8 pages per step, so a fault can strike in the middle of the copy."""
    monkeypatch.setattr(copies, "PAGES_PER_STEP", 8)


def _fault_at(step: int, action):  # type: ignore[no-untyped-def]
    calls = []

    def report(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == step:
            action()

    return Progress(report=report), calls


def _raise(code: int):  # type: ignore[no-untyped-def]
    def action() -> None:
        raise OSError(code, os.strerror(code))

    return action


def _unharmed(store, students: int = 2000) -> None:  # type: ignore[no-untyped-def]
    assert student_count(store) == students
    assert check_database(store).startswith("数据库完好")
    assert backup_status(store).last is None  # a failed backup is not recorded


def test_disk_full_mid_copy(school, tmp_path, many_steps):
    usb = tmp_path / "usb"
    usb.mkdir()
    before = digest(school.path)
    progress, calls = _fault_at(5, _raise(errno.ENOSPC))
    with pytest.raises(BackupError) as info:
        make_backup(school, usb, progress=progress)
    assert len(calls) == 5
    assert info.value.reason == "no_space"
    assert "空间不足" in info.value.message and "原有数据未受影响" in info.value.message
    assert leftovers(usb) == []
    assert digest(school.path) == before
    _unharmed(school)


def test_a_full_stick_is_refused_before_writing(school, tmp_path):
    with mounted_tmpfs(tmp_path / "usb", "size=256k") as usb:
        with pytest.raises(BackupError) as info:
            make_backup(school, usb)
        assert info.value.reason == "no_space"
        assert "需要约" in info.value.message and "只剩" in info.value.message
        assert leftovers(usb) == []
    _unharmed(school)


def test_a_real_disk_full_during_the_copy(school, tmp_path, monkeypatch):
    """Past the free-space check (another program filled the stick meanwhile): SQLite's
    own "disk full" is caught and said the same way."""
    monkeypatch.setattr("app.services.maintenance.backup.check_folder", lambda folder, need: None)
    with mounted_tmpfs(tmp_path / "usb", "size=256k") as usb:
        with pytest.raises(BackupError) as info:
            make_backup(school, usb)
        assert info.value.reason == "no_space"
        assert leftovers(usb) == []
    _unharmed(school)


def test_read_only_stick(school, tmp_path):
    with mounted_tmpfs(tmp_path / "usb", "ro,size=4m") as usb:
        with pytest.raises(BackupError) as info:
            make_backup(school, usb)
        assert info.value.reason == "read_only"
        assert "只读" in info.value.message and "写保护" in info.value.message
    _unharmed(school)


def test_read_only_folder_by_permission(school, tmp_path, monkeypatch):
    """Where the OS says "permission denied" (an ACL, a locked-down PC): as read-only."""
    usb = tmp_path / "usb"
    usb.mkdir()
    real_open = open

    def denied(path, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(path).startswith(str(usb)) and ("x" in mode or "w" in mode):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", denied)
    with pytest.raises(BackupError) as info:
        make_backup(school, usb)
    monkeypatch.undo()
    assert info.value.reason == "read_only"
    assert leftovers(usb) == []
    _unharmed(school)


def test_stick_pulled_out_mid_copy(school, tmp_path, many_steps):
    usb = tmp_path / "usb"
    usb.mkdir()
    progress, calls = _fault_at(4, lambda: shutil.rmtree(usb))
    with pytest.raises(BackupError) as info:
        make_backup(school, usb, progress=progress)
    assert len(calls) >= 4
    assert info.value.reason == "target_gone"
    assert "U 盘被拔出" in info.value.message and "原有数据未受影响" in info.value.message
    assert not usb.exists()
    _unharmed(school)


def test_stick_pulled_out_with_an_io_error(school, tmp_path, many_steps):
    """Windows reports a removed drive with assorted errors; a vanished folder decides."""
    usb = tmp_path / "usb"
    usb.mkdir()

    def pull_out() -> None:
        shutil.rmtree(usb)
        raise OSError(errno.EIO, "I/O error")

    progress, _ = _fault_at(3, pull_out)
    with pytest.raises(BackupError) as info:
        make_backup(school, usb, progress=progress)
    assert info.value.reason == "target_gone"
    _unharmed(school)


def test_an_io_error_with_the_stick_still_there(school, tmp_path, many_steps):
    usb = tmp_path / "usb"
    usb.mkdir()
    progress, _ = _fault_at(3, _raise(errno.EIO))
    with pytest.raises(BackupError) as info:
        make_backup(school, usb, progress=progress)
    assert info.value.reason == "io_error" and "换一个 U 盘" in info.value.message
    assert leftovers(usb) == []
    _unharmed(school)


def test_classify_maps_errnos_and_sqlite_codes(tmp_path):
    import sqlcipher3

    for code, reason in [(errno.ENOSPC, "no_space"), (errno.EROFS, "read_only"),
                         (errno.EACCES, "read_only"), (errno.ENODEV, "target_gone"),
                         (errno.EIO, "io_error")]:
        assert backup_faults.classify(OSError(code, "x"), tmp_path).reason == reason
    full = sqlcipher3.OperationalError("database or disk is full")
    full.sqlite_errorcode = sqlcipher3.SQLITE_FULL
    assert backup_faults.classify(full, tmp_path).reason == "no_space"
    assert backup_faults.classify(OSError(errno.ENOSPC, "x"),
                                  tmp_path / "gone").reason == "target_gone"


# --- a damaged database file -----------------------------------------------------


@pytest.fixture
def damaged_copy(db_path, school, tmp_path):
    """A copy of the school's files with one byte flipped in a late page (student or
    index data: opening reads only the first pages, so only a full read finds it)."""
    school.close()
    copy = tmp_path / "copy" / "qingxin.db"
    copy.parent.mkdir()
    for suffix in ("", ".keys"):
        shutil.copyfile(str(db_path) + suffix, str(copy) + suffix)
    flip(copy, copy.stat().st_size - 2000)
    return copy


def test_damage_in_the_first_page_is_said_at_login(db_path, school, tmp_path):
    school.close()
    flip(db_path, 100)
    with pytest.raises(StoreError) as info:
        unlock(db_path, "admin", TEST_PASSWORD)
    assert "已损坏" in info.value.message and "从备份恢复" in info.value.message


def test_damage_further_in_is_said_whenever_it_is_met(damaged_copy, tmp_path):
    with unlock(damaged_copy, "admin", TEST_PASSWORD) as store:
        with pytest.raises(BackupError) as info:
            check_database(store)
        assert info.value.message == DAMAGED_MESSAGE
        with pytest.raises(BackupError) as info:
            make_backup(store, tmp_path)
        assert "无法备份" in info.value.message and "qingxin restore" in info.value.message
        met = []
        for table in Base.metadata.sorted_tables:
            try:
                with store.read() as session:
                    session.execute(text(f"SELECT * FROM {table.name}")).all()
            except StoreError as err:
                met.append(err.message)
        assert met and set(met) == {DAMAGED_MESSAGE}
        assert "恢复" in DAMAGED_MESSAGE


def test_a_stick_that_corrupts_what_is_written(school, tmp_path, monkeypatch):
    """The copy is read back before it counts: a stick with bad blocks is found now."""
    from app.services.maintenance import backup as backup_module
    from app.store.copies import CopyCheck, check_copy

    usb = tmp_path / "usb"
    usb.mkdir()

    def bad_blocks(path, key):  # type: ignore[no-untyped-def]
        if path.parent == usb:
            return CopyCheck("damaged", "HMAC verification failed for page 7")
        return check_copy(path, key)

    monkeypatch.setattr(backup_module, "check_copy", bad_blocks)
    with pytest.raises(BackupError) as info:
        make_backup(school, usb)
    assert info.value.reason == "damaged" and "坏块" in info.value.message
    assert leftovers(usb) == []
    monkeypatch.undo()
    _unharmed(school)
