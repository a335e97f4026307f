"""The single-instance lock leaves its file readable (Windows locks are mandatory: the
lock sits on a byte far past the end, as SQLite's), and a data folder this user cannot
write is said so in Chinese before anything is opened."""

from __future__ import annotations

import os
import sys
import types

import pytest

from app.errors import StoreError
from app.paths import keyslot_path, lock_path
from app.services.accounts.auth import unlock
from app.store import instance_lock
from app.store.instance_lock import LOCK_OFFSET, InstanceLock
from tests.conftest import TEST_PASSWORD


class FakeMsvcrt(types.ModuleType):
    """msvcrt.locking as Windows does it: from the file's current position."""

    LK_NBLCK, LK_UNLCK = 2, 0

    def __init__(self) -> None:
        super().__init__("msvcrt")
        self.calls: list[tuple[int, int, int]] = []

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        self.calls.append((os.lseek(fd, 0, os.SEEK_CUR), mode, nbytes))


def test_windows_lock_is_one_byte_far_past_the_end_of_an_empty_file(tmp_path, monkeypatch):
    fake = FakeMsvcrt()
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    monkeypatch.setattr(instance_lock, "_lock", instance_lock._lock_windows)
    monkeypatch.setattr(instance_lock, "_unlock", instance_lock._unlock_windows)
    db = tmp_path / "qingxin.db"
    lock = InstanceLock(db)
    lock.acquire()
    lock.release()
    assert fake.calls == [(LOCK_OFFSET, fake.LK_NBLCK, 1), (LOCK_OFFSET, fake.LK_UNLCK, 1)]
    assert LOCK_OFFSET >= 1 << 30
    assert lock_path(db).stat().st_size == 0  # nothing a reader could run into


def test_the_lock_file_reads_while_the_database_is_open(store, db_path):
    assert lock_path(db_path).read_bytes() == b""
    with pytest.raises(StoreError, match="已在另一个青心窗口"):
        InstanceLock(db_path).acquire()


def test_a_lock_file_another_teacher_made_read_only_still_locks(db_path, new_school,
                                                                monkeypatch):
    real_open = os.open

    def read_only_lock(path, flags, *args):  # type: ignore[no-untyped-def]
        if str(path).endswith(".lock") and flags & os.O_RDWR:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    lock_path(db_path).touch()
    monkeypatch.setattr(os, "open", read_only_lock)
    first = InstanceLock(db_path)
    first.acquire()
    with pytest.raises(StoreError, match="已在另一个青心窗口"):
        InstanceLock(db_path).acquire()
    first.release()


@pytest.mark.parametrize("which", ["qingxin.db", "qingxin.db.keys", "folder"])
def test_a_data_folder_file_this_user_cannot_write_is_named(db_path, new_school, monkeypatch,
                                                            which):
    """Teacher B on a folder whose files teacher A's account made: a message naming the
    file and what IT must do, not 「意外错误」 at the first write."""
    real_open = os.open
    blocked = {"qingxin.db": db_path, "qingxin.db.keys": keyslot_path(db_path)}.get(which)

    def acl(path, flags, *args):  # type: ignore[no-untyped-def]
        name = os.path.basename(str(path))
        denied = (str(path) == str(blocked) if blocked else name.startswith(".qingxin-probe"))
        if denied and flags & (os.O_RDWR | os.O_WRONLY):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", acl)
    with pytest.raises(StoreError) as caught:
        unlock(db_path, "admin", TEST_PASSWORD)
    message = caught.value.message
    assert "Users 组" in message and "修改" in message and "/DATADIR" in message
    assert (which if blocked else db_path.parent.name) in message
    monkeypatch.undo()
    unlock(db_path, "admin", TEST_PASSWORD).close()  # nothing was left locked or changed
