"""One program per database: a second window or command on the same file is told it
is open elsewhere instead of racing the first one's writes.

An OS file lock on `<db>.lock` is released by the OS if the process dies, so a crash
never leaves the database locked for good.

On Windows a byte-range lock is mandatory: nobody, not even the process holding it, may
read a locked byte. Locking the file's first byte made the file itself unreadable while
the program ran (the self-test's plaintext scan ST08, Explorer and robocopy copies of a
live data folder all failed on it). So, as SQLite does with its PENDING_BYTE, the lock
is taken on one byte far past the file's end (`LOCK_OFFSET`), which no reader ever
reaches: the file stays empty and readable, and the lock still excludes a second
program.

The file is opened for reading and writing when this Windows user may, else for reading
alone: a lock needs only a handle, so a lock file made by another teacher on a shared
data folder (read-only to this user unless the folder grants Users "modify") still
serves; whether the database itself is writable is `folder_access`'s question.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from app.errors import StoreError
from app.paths import lock_path
from app.store.faults import os_fault

LOCK_OFFSET = 0x4000_0000
"""1 GiB, SQLite's PENDING_BYTE: a byte of the lock file that no reader ever reaches."""


class InstanceLock:
    def __init__(self, db_path: Path) -> None:
        self._db_path = Path(db_path)
        self._path = lock_path(db_path)
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            fd = _open(self._path)
        except OSError as err:  # a read-only medium, a folder gone (not_writable: ACLs)
            raise os_fault(err, self._db_path) from None
        try:
            _lock(fd)
        except OSError:
            os.close(fd)
            raise StoreError("该数据库已在另一个青心窗口或命令中打开，请先关闭它。") from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            _unlock(self._fd)
            os.close(self._fd)
            self._fd = None


def _open(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except PermissionError:
        pass
    try:
        return os.open(path, os.O_RDONLY)
    except OSError:
        from app.store.folder_access import not_writable

        raise not_writable(path) from None


def _lock_windows(fd: int) -> None:
    import msvcrt

    os.lseek(fd, LOCK_OFFSET, os.SEEK_SET)
    msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)


def _unlock_windows(fd: int) -> None:
    import msvcrt

    os.lseek(fd, LOCK_OFFSET, os.SEEK_SET)
    msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def _wait_windows(fd: int) -> None:
    import msvcrt

    os.lseek(fd, LOCK_OFFSET, os.SEEK_SET)
    while True:  # LK_LOCK itself retries for 10 s before it gives up
        try:
            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
            return
        except OSError:
            continue


def _wait_posix(fd: int) -> None:
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_EX)


def _lock_posix(fd: int) -> None:
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock_posix(fd: int) -> None:
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


_lock, _unlock = ((_lock_windows, _unlock_windows) if sys.platform == "win32"
                  else (_lock_posix, _unlock_posix))

wait_for_lock = _wait_windows if sys.platform == "win32" else _wait_posix
"""Block until this process holds the lock on `fd` (the failed-login counters)."""
release_lock = _unlock
