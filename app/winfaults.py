"""Windows file faults: retrying a rename or a delete that another program blocks for a
moment, and saying in Chinese what a Windows error code means.

On the schools' PCs a file we have just written is often held open for a moment by
someone else: 360 or 火绒 scanning it, the Windows search indexer, Explorer's preview,
or for good by Excel, WPS or a PDF reader that has the previous export open. Windows
then refuses to rename over it or delete it with a sharing violation (winerror 32), a
lock violation (33) or "access denied" (5, also what a file being deleted by an
antivirus gives). The first kind passes within a second, so `replace_retrying` and
`remove_retrying` try again ~10 times over about a second (50–200 ms apart) and only
then give up with a message that names the likely culprits.

Windows also reports USB faults by `winerror`, which POSIX `errno` flattens: a
write-protected stick (19) and a file in use (32) both arrive as EACCES, a stick not
ready (21) as EINVAL or ENOENT, a path too long (206) as ENOENT. `classify_os_error`
reads `winerror` first, so a file in use is not called write-protected and a long path
is not called a pulled-out stick. It returns None when the error carries no Windows
code it knows (on Linux, always): the caller then classifies by errno as before.

Tests fake Windows by setting `winerror` on an OSError; nothing here needs Windows.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from app.errors import StoreError

T = TypeVar("T")

ERROR_ACCESS_DENIED = 5
ERROR_SHARING_VIOLATION = 32
ERROR_LOCK_VIOLATION = 33
RETRIED = frozenset({ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION})

RETRY_DELAYS_S = (0.05, 0.05, 0.075, 0.1, 0.1, 0.15, 0.15, 0.2, 0.2)
"""Waits between the 10 attempts: ≈ 1.1 s in all, long enough for an antivirus scan of
a fresh file, short enough that a teacher does not wonder whether the program hangs."""

MAX_PATH = 260

IN_USE = "in_use"
READ_ONLY = "read_only"
TARGET_GONE = "target_gone"
NO_SPACE = "no_space"
PATH_TOO_LONG = "path_too_long"
IO_ERROR = "io_error"
"""Reason codes, the same words as app.services.maintenance.backup_faults uses for its own."""

IN_USE_TEXT = "文件正被其他程序打开（如 Excel、WPS、PDF 阅读器或杀毒软件）"

_WRITE_PROTECTED = 19
_NOT_READY = 21
_DISK_FULL = (39, 112)
_PATH_NOT_FOUND = 3
_FILENAME_TOO_LONG = 206
_DEVICE_FAULTS = (23, 1117, 1392)  # CRC error, I/O device error, file or directory corrupt


class FileFault(StoreError):
    """A file operation Windows refused, said in Chinese; `reason` is one of the codes
    above (the GUI and the tests tell the cases apart by it)."""

    def __init__(self, reason: str, message: str, detail: str = "") -> None:
        super().__init__(message, detail)
        self.reason = reason


def winerror_of(err: BaseException) -> int | None:
    return getattr(err, "winerror", None)


def is_sharing_violation(err: BaseException) -> bool:
    return isinstance(err, OSError) and winerror_of(err) in RETRIED


def classify_os_error(err: BaseException, path: Path | None = None,
                      folder: Path | None = None) -> FileFault | None:
    """The user's view of an OSError met while writing, replacing or deleting `path`
    (default: the file the error names) in `folder` (default: the path's), by its
    Windows error code; None when it has none we know."""
    code = winerror_of(err)
    if code is None:
        return None
    named = getattr(err, "filename", None)
    if path is None and named:
        path = Path(os.fsdecode(named))
    if folder is None:
        folder = path.parent if path is not None else Path(".")
    if path is None:
        path = folder
    detail = f"{type(err).__name__} winerror={code} errno={getattr(err, 'errno', None)}"
    if code in (ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION):
        return FileFault(IN_USE, f"无法写入或替换 {path}：{IN_USE_TEXT}。请关闭打开它的程序后"
                                 "再试。操作没有完成，原有数据未受影响。", detail)
    if code == ERROR_ACCESS_DENIED:
        return FileFault(IN_USE, f"无法写入或替换 {path}：{IN_USE_TEXT}，或当前用户没有这个"
                                 "位置的写入权限。请关闭打开它的程序后再试，或换一个文件夹。"
                                 "操作没有完成，原有数据未受影响。", detail)
    if code == _WRITE_PROTECTED:
        return FileFault(READ_ONLY, f"无法写入 {folder}：磁盘是写保护的（U 盘的写保护开关是否"
                                    "打开？）。操作没有完成，原有数据未受影响。", detail)
    if code == _NOT_READY:
        return FileFault(TARGET_GONE, f"{folder} 所在的设备未就绪（U 盘被拔出或没有插好？）。"
                                      "操作没有完成，原有数据未受影响。请重新插好后再做一次。",
                         detail)
    if code in _DISK_FULL:
        return FileFault(NO_SPACE, f"{folder} 所在的磁盘空间不足。没有完成的文件已删除，原有"
                                   "数据未受影响。请换一个空间更大的 U 盘或清理后再试。", detail)
    if code == _FILENAME_TOO_LONG or (code == _PATH_NOT_FOUND
                                      and len(str(path.absolute())) >= MAX_PATH):
        return FileFault(PATH_TOO_LONG, f"路径太长（{len(str(path.absolute()))} 个字符），"
                                        "Windows 无法在这里写入。请选择层级较浅、名称较短的文件夹"
                                        "（如 E:\\青心备份）。原有数据未受影响。", detail)
    if code == _PATH_NOT_FOUND:
        return FileFault(TARGET_GONE, f"找不到文件夹 {folder}（U 盘被拔出，或文件夹已被移动、"
                                      "删除？）。操作没有完成，原有数据未受影响。", detail)
    if code in _DEVICE_FAULTS:
        return FileFault(IO_ERROR, f"读写 {folder} 时出错：磁盘或 U 盘有坏块或硬件故障。操作"
                                   "没有完成，原有数据未受影响。请换一个 U 盘再试。", detail)
    return None


def retrying(action: Callable[[], T], path: Path,
             sleep: Callable[[float], None] = time.sleep) -> T:
    """Run `action` (a rename or delete of `path`), again after each sharing violation
    until the attempts run out; then raise the `FileFault` that says the file is in use.
    Any other OSError is the caller's to classify and is raised as it came."""
    for delay in (*RETRY_DELAYS_S, None):
        try:
            return action()
        except OSError as err:
            if not is_sharing_violation(err):
                raise
            if delay is None:
                fault = classify_os_error(err, path)
                assert fault is not None
                raise fault from None
            sleep(delay)
    raise AssertionError("unreachable")


def replace_retrying(src: Path, dst: Path,
                     sleep: Callable[[float], None] = time.sleep) -> None:
    """`os.replace`, patient with a `dst` that another program holds for a moment."""
    retrying(lambda: os.replace(src, dst), Path(dst), sleep)


def remove_retrying(path: Path, sleep: Callable[[float], None] = time.sleep) -> None:
    """Delete `path` if it exists, patient as `replace_retrying`."""
    retrying(lambda: Path(path).unlink(missing_ok=True), Path(path), sleep)
