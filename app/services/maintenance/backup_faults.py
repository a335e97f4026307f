"""What can go wrong while writing a backup or putting one back, said in Chinese.

Backups go to USB sticks: full ones, write-protected ones, ones pulled out halfway. The
user must learn which of these happened and that nothing was lost, so every OSError
and SQLite error met on the way is turned into one `BackupError` with a `reason` code
(for the GUI and the tests) and a message that names the folder and what to do. A
folder that has vanished since we started is the stick pulled out, whatever errno the
OS chose to report it with (Windows and Linux disagree). On Windows the error's own code
(`winerror`, app.winfaults) is read first: a file held by an antivirus or a stick with
bad sectors is not "write-protected", a path too long is not a stick pulled out.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
from pathlib import Path

from app.errors import StoreError
from app.store import faults as store_faults
from app.winfaults import FileFault, classify_os_error, remove_retrying

NO_SPACE = "no_space"
READ_ONLY = "read_only"
TARGET_GONE = "target_gone"
NOT_A_FOLDER = "not_a_folder"
IO_ERROR = "io_error"
DAMAGED = "damaged"

_NO_SPACE_ERRNOS = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}
_GONE_ERRNOS = {errno.ENOENT, errno.ENODEV, errno.ENXIO, getattr(errno, "ESTALE", errno.ENOENT),
                getattr(errno, "ENOMEDIUM", errno.ENODEV)}


class BackupError(StoreError):
    """A backup or restore that could not finish; the database and the previous state
    are untouched. `reason` is one of the codes above."""

    def __init__(self, reason: str, message: str, detail: str = "") -> None:
        super().__init__(message, detail)
        self.reason = reason


def megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def no_space(folder: Path, need: int | None = None, free: int | None = None,
             detail: str = "") -> BackupError:
    sizes = ""
    if need and free is not None:
        sizes = f"需要约 {megabytes(need)}，只剩 {megabytes(free)}。"
    return BackupError(NO_SPACE, f"{folder} 所在的磁盘空间不足。{sizes}没有完成的文件已删除，"
                                 "原有数据未受影响。请换一个空间更大的 U 盘或清理后再试。",
                       detail)


def read_only(folder: Path, detail: str = "") -> BackupError:
    return BackupError(READ_ONLY, f"无法写入 {folder}：该位置是只读的或没有写入权限"
                                  "（U 盘的写保护开关是否打开？）。原有数据未受影响。", detail)


def target_gone(folder: Path, detail: str = "") -> BackupError:
    return BackupError(TARGET_GONE, f"{folder} 已不可用（U 盘被拔出了吗？）。操作没有完成，"
                                    "原有数据未受影响。请重新插好 U 盘后再做一次。", detail)


def io_error(folder: Path, detail: str = "") -> BackupError:
    return BackupError(IO_ERROR, f"读写 {folder} 时出错（U 盘或磁盘可能有故障）。操作没有完成，"
                                 "原有数据未受影响。请换一个 U 盘再试。", detail)


def damaged(what: str, detail: str = "") -> BackupError:
    return BackupError(DAMAGED, what, detail)


def check_folder(folder: Path, need: int) -> None:
    """Before writing anything: the folder exists, takes a file and has room for `need`
    bytes. A probe file is the only honest test of writability (ACLs, write-protect
    switches and read-only mounts all say no only when asked to write)."""
    if not folder.exists():
        # Before anything was written, a missing folder is as likely a stick not yet
        # plugged in as a folder not yet made (a name typed on the command line).
        raise BackupError(TARGET_GONE, f"找不到文件夹 {folder}（U 盘没有插好，或文件夹还没有"
                                       "建好？）。没有写入任何文件，原有数据未受影响。",
                          "folder missing before start")
    if not folder.is_dir():
        raise BackupError(NOT_A_FOLDER, f"{folder} 不是文件夹，请选择一个文件夹。")
    probe = folder / f".qingxin-probe-{secrets.token_hex(4)}"
    try:
        with open(probe, "xb") as f:
            f.write(b"0")
    except OSError as err:
        raise classify(err, folder) from None
    finally:
        remove_quietly(probe)
    free = shutil.disk_usage(folder).free
    if free < need:
        raise no_space(folder, need, free, "free space precheck")


def classify(err: BaseException, folder: Path) -> BackupError:
    """The user's view of an error met while writing into `folder`."""
    if isinstance(err, BackupError):
        return err
    fault = err if isinstance(err, FileFault) else classify_os_error(err, folder=folder)
    if fault is not None:
        return BackupError(fault.reason, fault.message, fault.detail)
    detail = _detail(err)
    if not _still_there(folder):
        return target_gone(folder, detail)
    if isinstance(err, OSError):
        if err.errno in _NO_SPACE_ERRNOS:
            return no_space(folder, detail=detail)
        if err.errno in _READ_ONLY_ERRNOS:
            return read_only(folder, detail)
        if err.errno in _GONE_ERRNOS:
            return target_gone(folder, detail)
        return io_error(folder, detail)
    kind = store_faults.sqlite_fault(err)
    if kind == store_faults.FULL:
        return no_space(folder, detail=detail)
    if kind in (store_faults.READ_ONLY, store_faults.CANNOT_OPEN):
        return read_only(folder, detail)
    return io_error(folder, detail)


def _still_there(folder: Path) -> bool:
    try:
        return folder.is_dir()
    except OSError:
        return False


def _detail(err: BaseException) -> str:
    return (f"{type(err).__name__} errno={getattr(err, 'errno', None)} "
            f"sqlite={getattr(err, 'sqlite_errorname', None)}")


def remove_quietly(*paths: Path) -> None:
    """Clean-up after a failure must not hide the failure (the stick may be gone); a
    file an antivirus holds for a moment is still removed (app.winfaults)."""
    for path in paths:
        with contextlib.suppress(OSError, FileFault):
            remove_retrying(path)


def fsync_file(path: Path) -> None:
    """Flush a closed file to the disk. Opened for writing: Windows' FlushFileBuffers
    refuses a read-only handle."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
