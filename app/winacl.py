"""Windows file permissions: who owns a file, and a file only its owner may open.

- A deployment file decides the district's policy for every teacher on the PC, so the
  program takes one from the places it looks by itself (beside the program, ProgramData)
  only if an administrator put it there: the file's owner must be the Administrators
  group, SYSTEM or TrustedInstaller — what setup.exe (elevated) or a software-distribution
  service leaves, and what an ordinary user who drops a file into a writable folder
  cannot fake. (`QINGXIN_DEPLOY` names a file explicitly for one account or one
  command, for IT; it is shown in 设置 → 部署与密钥 and the self-test like any other.)
- Private key files: POSIX mode 0o600 means nothing on Windows, where a new file inherits
  its folder's ACL (often Users: read). `restrict_to_owner` removes the inherited entries
  and grants the current user alone, as `icacls` does — with icacls itself, which every
  Windows has.

Off Windows both are no-ops (POSIX modes already do the job); tests fake the platform.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

ADMIN_SIDS = frozenset({
    "S-1-5-32-544",  # BUILTIN\Administrators
    "S-1-5-18",  # NT AUTHORITY\SYSTEM
    "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464",  # TrustedInstaller
})


def owner_sid(path: Path) -> str | None:
    """The file's owner as a SID string (Windows), or None if it cannot be read."""
    import ctypes
    from ctypes import wintypes

    advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    se_file_object, owner_security_information = 1, 1
    advapi32.GetNamedSecurityInfoW.argtypes = [
        wintypes.LPCWSTR, ctypes.c_int, wintypes.DWORD, ctypes.POINTER(ctypes.c_void_p),
        ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
    advapi32.GetNamedSecurityInfoW.restype = wintypes.DWORD
    advapi32.ConvertSidToStringSidW.argtypes = [ctypes.c_void_p,
                                                ctypes.POINTER(wintypes.LPWSTR)]
    advapi32.ConvertSidToStringSidW.restype = wintypes.BOOL
    kernel32.LocalFree.argtypes = [ctypes.c_void_p]
    owner, descriptor = ctypes.c_void_p(), ctypes.c_void_p()
    if advapi32.GetNamedSecurityInfoW(str(path), se_file_object, owner_security_information,
                                      ctypes.byref(owner), None, None, None,
                                      ctypes.byref(descriptor)) != 0:
        return None
    try:
        text = wintypes.LPWSTR()
        if not advapi32.ConvertSidToStringSidW(owner, ctypes.byref(text)):
            return None
        try:
            return text.value
        finally:
            kernel32.LocalFree(text)
    finally:
        kernel32.LocalFree(descriptor)


def admin_owned(path: Path, platform: str = sys.platform,
                owner: Callable[[Path], str | None] = owner_sid) -> bool:
    """Whether an administrator (or the system) owns `path`; always True off Windows."""
    if platform != "win32":
        return True
    return owner(path) in ADMIN_SIDS


def restrict_to_owner(path: Path, platform: str = sys.platform,
                      environ: Mapping[str, str] | None = None,
                      run: Callable[..., subprocess.CompletedProcess] = subprocess.run
                      ) -> bool:
    """Make `path` readable and writable by the current Windows user only (no inherited
    entries). Returns whether that was done; off Windows there is nothing to do."""
    if platform != "win32":
        return True
    environ = os.environ if environ is None else environ
    user = environ.get("USERNAME", "")
    if not user:
        return False
    domain = environ.get("USERDOMAIN", "")
    account = f"{domain}\\{user}" if domain else user
    try:
        done = run(["icacls", str(path), "/inheritance:r", "/grant:r", f"{account}:(F)"],
                   capture_output=True, check=False)
    except OSError:
        return False
    return done.returncode == 0
