"""Every file the program writes goes through `write_atomic`: all of it, or nothing.

A report, export, sealed file or key file is first written to a temporary file in the
same folder (`.<name>.<random>.partial`), flushed to the disk (fsync) and only then
renamed over the target, a step the file system does whole. A full disk, a pulled USB
stick or a crash halfway leaves the previous file (or no file) and at most a stale
`.partial`, which the next backup into that folder removes; never a 0-byte or
truncated PDF, CSV or seal that looks like a real one.

Files that hold school data or keys are created readable by their owner only (mode
0600 on POSIX). On Windows the mode bits are ignored: a file inherits the ACL of its
folder, and the data folder under the user profile (%LOCALAPPDATA%) is readable by that
user, SYSTEM and administrators only; see docs/DEPLOYMENT.md.

Failures become a Chinese message naming the path and what to do: by the Windows error
code where there is one (app/winfaults.py: a file open in Excel, a write-protected
stick; the rename is retried while another program holds the file), else `describe`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from app.errors import BadInputError, QingxinError
from app.winfaults import FileFault, classify_os_error, remove_retrying, replace_retrying

PARTIAL_SUFFIX = ".partial"
PRIVATE_MODE = 0o600
_CHUNK = 1 << 20

_NO_SPACE = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
_READ_ONLY = {errno.EROFS}
_DENIED = {errno.EACCES, errno.EPERM}


def describe(err: OSError, path: Path) -> str:
    """What went wrong writing `path`, and what the user can do about it."""
    folder = path.parent
    if isinstance(err, IsADirectoryError) or (path.is_dir() and err.errno != errno.ENOSPC):
        return f"{path} 是一个文件夹，不是文件：请在后面加上文件名，或换一个名字。"
    if err.errno in _NO_SPACE:
        return (f"{folder} 所在的磁盘已满，{path.name} 没有写成（未留下不完整的文件）。"
                "请清理磁盘空间，或换一个磁盘或 U 盘后再试。")
    if err.errno in _READ_ONLY:
        return (f"{folder} 是只读的（写保护的 U 盘或光盘？），{path.name} 没有写成。"
                "请打开 U 盘的写保护开关，或换一个位置。")
    if err.errno in _DENIED:
        return (f"没有权限写入 {path}。请换一个自己有写入权限的文件夹（如“文档”或桌面），"
                "或请管理员开放该文件夹的写入权限。")
    if isinstance(err, FileNotFoundError | NotADirectoryError) or not folder.is_dir():
        return f"文件夹 {folder} 不存在（U 盘没有插好，或名字有误？）：请先建立它，或换一个位置。"
    return (f"无法写入 {path}（{err.strerror or type(err).__name__}）。"
            "磁盘或 U 盘可能有故障：请换一个位置再试。")


def write_atomic(path: Path, data: bytes | Callable[[Callable[[bytes], None]], None], *,
                 private: bool = False, durable: bool = True,
                 error: Callable[..., QingxinError] = BadInputError) -> None:
    """Write `data` (bytes, or a function that calls `write(chunk)` for each part) to
    `path` atomically; see the module doc. `private` creates the file owner-only.
    `error(message, detail)` builds the exception raised on failure: `BadInputError`
    (exit 2) for a file the user asked for, `StoreError` (4) for the store's own files.
    `durable=False` skips the fsyncs (still whole or nothing, but a power cut may bring
    back the previous version): for a file rewritten at every audit event."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}{PARTIAL_SUFFIX}")
    fd = -1
    try:
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        fd = os.open(temporary, flags, PRIVATE_MODE if private else 0o644)

        def write(chunk: bytes) -> None:
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view[:_CHUNK]):]

        if callable(data):
            data(write)
        else:
            write(data)
        if durable:
            os.fsync(fd)
        os.close(fd)
        fd = -1
        replace_retrying(temporary, path)  # patient with a reader holding `path` (Windows)
        if durable:
            fsync_dir(path.parent)
    except OSError as err:
        fault = classify_os_error(err, path)  # a Windows error code says more than errno
        if fault is not None:
            raise fault from None
        raise error(describe(err, path), detail=f"{type(err).__name__} errno={err.errno}") from None
    finally:
        if fd != -1:
            os.close(fd)
        with contextlib.suppress(OSError, FileFault):  # the stick may be gone: the error
            remove_retrying(temporary)  # above counts; an antivirus scan is waited out


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows cannot open a directory and needs none."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def create_private(path: Path) -> None:
    """Make `path` an owner-only file (created empty if missing) where SQLite is about to
    make a database: SQLite gives its -wal, -shm and journal files the database file's
    mode, and keeps the mode of a file that exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), PRIVATE_MODE)
    os.close(fd)
    if os.name != "nt":
        os.chmod(path, PRIVATE_MODE)


def remove_stale_partials(folder: Path) -> int:
    """Remove what an interrupted write left in `folder` (`*.partial`); returns how many."""
    removed = 0
    try:
        stale = [p for p in Path(folder).iterdir()
                 if p.name.endswith((PARTIAL_SUFFIX, PARTIAL_SUFFIX + "-journal"))
                 and p.is_file()]
    except OSError:
        return 0
    for p in stale:
        try:
            p.unlink()
            removed += 1
        except OSError:
            continue
    return removed
