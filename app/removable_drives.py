"""USB sticks and memory cards that are plugged in now, for files that must not stay on
this computer: the recovery code's PDF (the setup wizard says to keep it in the
principal's safe, not on the counselling PC) is offered one of these first.

Windows: every drive letter whose GetDriveTypeW is DRIVE_REMOVABLE and that holds a
medium (an empty card-reader slot is removable too; asking it is done with critical-
error boxes switched off, or Windows would show 「驱动器中没有磁盘」). A USB hard disk
reports DRIVE_FIXED and is not listed: Windows cannot tell it from an internal one.
A: and B: are skipped: probing a floppy drive stalls for seconds.

Linux: the mount points udisks makes for the signed-in user, under /media/$USER/
(Debian, Ubuntu) and /run/media/$USER/ (Fedora, openSUSE), read from /proc/self/mounts.

Testable without Windows or a stick: the platform, the kernel32 functions, the mount
table and the user name can all be passed in.
"""

from __future__ import annotations

import getpass
import os
import string
import sys
from pathlib import Path
from typing import Any

DRIVE_REMOVABLE = 2
SEM_FAILCRITICALERRORS = 0x0001
MOUNTS_FILE = Path("/proc/self/mounts")
SKIPPED_LETTERS = "AB"


def removable_drives(platform: str = sys.platform, kernel32: Any = None,
                     mounts: str | None = None, user: str | None = None) -> list[Path]:
    """The roots of the removable drives mounted now, in drive-letter or mount order."""
    if platform == "win32":
        return windows_removable_drives(kernel32)
    if platform.startswith("linux"):
        if mounts is None:
            try:
                mounts = MOUNTS_FILE.read_text(encoding="utf-8", errors="replace")
            except OSError:
                return []
        return linux_removable_mounts(mounts, user or _user_name())
    return []


def windows_removable_drives(kernel32: Any = None) -> list[Path]:
    if kernel32 is None:
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    mask = kernel32.GetLogicalDrives()
    found = []
    for bit, letter in enumerate(string.ascii_uppercase):
        root = f"{letter}:\\"
        if not mask & (1 << bit) or letter in SKIPPED_LETTERS:
            continue
        if kernel32.GetDriveTypeW(root) == DRIVE_REMOVABLE and _has_medium(kernel32, root):
            found.append(Path(root))
    return found


def _has_medium(kernel32: Any, root: str) -> bool:
    """Whether the drive holds a card or stick, asked without Windows' error box."""
    previous = kernel32.SetErrorMode(SEM_FAILCRITICALERRORS)
    try:
        return os.path.isdir(root)
    finally:
        kernel32.SetErrorMode(previous)


def linux_removable_mounts(mounts: str, user: str) -> list[Path]:
    """Mount points under /media/<user>/ or /run/media/<user>/ in a mounts table
    (fstab format: spaces in a path are written \\040)."""
    prefixes = (f"/media/{user}/", f"/run/media/{user}/")
    found = []
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 2:
            continue
        point = _unescape(fields[1])
        if point.startswith(prefixes) and point not in found:
            found.append(point)
    return [Path(point) for point in found]


def _unescape(field: str) -> str:
    r"""/proc/mounts writes space, tab, newline and backslash as \040 \011 \012 \134."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
