"""One program per database: a second window or command on the same file is told it
is open elsewhere instead of racing the first one's writes.

An OS file lock on `<db>.lock` is released by the OS if the process dies, so a crash
never leaves the database locked for good.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from app.errors import StoreError
from app.paths import lock_path


class InstanceLock:
    def __init__(self, db_path: Path) -> None:
        self._path = lock_path(db_path)
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
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


if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
