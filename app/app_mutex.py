"""A named mutex that says "Qingxin is running on this PC", for the installer.

setup.exe must not replace the program's files while any copy of it runs: a teacher's
window in another Windows session, a scheduled `Qingxin.com backup`, a busy window the
Restart Manager cannot close. Windows keeps a named mutex alive while any process holds
a handle to it, so each `Qingxin.exe` and `Qingxin.com` opens both names below at start
(packaging/launch.py) and keeps them until it ends; installer/qingxin.iss names the same
two in `AppMutex`, and setup (and the uninstaller) waits or stops while either exists.

`Local\\…` is this session's; `Global\\…` is seen from every session (a second teacher
signed in with fast user switching, a service account). The global one gets a security
descriptor that lets every account open it: with the default one, the second teacher's
program could not open the first one's mutex, and the mutex would vanish with the first
program while the second still ran.
"""

from __future__ import annotations

import sys
from typing import Any

APP_MUTEX = "Qingxin.AppMutex"
MUTEX_NAMES = (APP_MUTEX, f"Global\\{APP_MUTEX}")
"""The `AppMutex=` value of installer/qingxin.iss, comma-separated, must be exactly these."""

EVERYONE_MAY_OPEN = "D:(A;;GA;;;WD)"

_held: list[Any] = []


def hold_app_mutex(platform: str = sys.platform) -> int:
    """Open (or create) both mutexes and keep their handles for the life of the process.
    Returns how many are held; off Windows there is no installer to tell, so none."""
    if platform != "win32" or _held:
        return len(_held)
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)

    class SecurityAttributes(ctypes.Structure):
        _fields_ = [("nLength", wintypes.DWORD), ("lpSecurityDescriptor", ctypes.c_void_p),
                    ("bInheritHandle", wintypes.BOOL)]

    kernel32.CreateMutexW.argtypes = [ctypes.c_void_p, wintypes.BOOL, wintypes.LPCWSTR]
    kernel32.CreateMutexW.restype = wintypes.HANDLE
    convert = advapi32.ConvertStringSecurityDescriptorToSecurityDescriptorW
    convert.argtypes = [wintypes.LPCWSTR, wintypes.DWORD, ctypes.POINTER(ctypes.c_void_p),
                        ctypes.c_void_p]
    convert.restype = wintypes.BOOL
    descriptor = ctypes.c_void_p()
    attributes = None
    if convert(EVERYONE_MAY_OPEN, 1, ctypes.byref(descriptor), None):
        attributes = SecurityAttributes(ctypes.sizeof(SecurityAttributes), descriptor, False)
    for name in MUTEX_NAMES:
        handle = kernel32.CreateMutexW(ctypes.byref(attributes) if attributes else None,
                                       False, name)
        if handle:  # else: not allowed in this session; the other name still says it
            _held.append(handle)
    return len(_held)
