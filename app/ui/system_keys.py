"""While a student answers at the kiosk, Windows' own keys do nothing.

A full-screen, application-modal window keeps the student inside the program, but not
inside Windows: the Win key opens the Start menu, Alt+Tab and Win+Tab switch to Explorer,
Win+E opens the Documents folder where reports are saved, Win+D shows the desktop.
Windows hands those keys to the shell before any window sees them, so only a low-level
keyboard hook (WH_KEYBOARD_LL) can hold them back: `SystemKeyBlock` installs one on the
GUI thread (whose Qt event loop pumps the messages the hook needs) while the kiosk is on
screen, and removes it when the kiosk closes. A crash removes it too (Windows drops the
hooks of a process that ends).

What no program can block: Ctrl+Alt+Del (the secure attention sequence) and Win+L (lock,
which is safe: it asks for the Windows password). docs/DEPLOYMENT.md "Kiosk" says so and
describes the stronger alternative, a separate Windows account for the kiosk.

`blocked` is the decision, tested on any system; the hook itself exists only on Windows
(ctypes' windll is imported there alone).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

log = logging.getLogger("qingxin.ui")

VK_TAB, VK_ESCAPE = 0x09, 0x1B
VK_LWIN, VK_RWIN, VK_APPS = 0x5B, 0x5C, 0x5D
VK_CONTROL = 0x11
WIN_KEYS = frozenset({VK_LWIN, VK_RWIN})


def blocked(vk: int, alt: bool, ctrl: bool, win: bool) -> bool:
    """Whether a key press is held back from Windows: the Win keys themselves and
    anything pressed with one held (Win+E, Win+D, Win+Tab, Win+R …), Alt+Tab and Alt+Esc
    (switch windows), Ctrl+Esc (Start menu) and the menu key. Alt+F4 is left to the
    kiosk, which answers it with the teacher's password prompt."""
    if vk in WIN_KEYS or win:
        return True
    if alt and vk in (VK_TAB, VK_ESCAPE):
        return True
    if ctrl and vk == VK_ESCAPE:
        return True
    return vk == VK_APPS


class SystemKeyBlock:
    """The hook, on while `active`. On other systems `start` does nothing."""

    def __init__(self) -> None:
        self._unhook: Callable[[], None] | None = None

    @property
    def active(self) -> bool:
        return self._unhook is not None

    def start(self) -> None:
        if self._unhook is not None or sys.platform != "win32":
            return
        try:
            self._unhook = _install_hook()
        except OSError as err:  # the kiosk still runs, as full-screen and modal as ever
            log.warning("keyboard hook not installed: winerror %s",
                        getattr(err, "winerror", None))

    def stop(self) -> None:
        if self._unhook is not None:
            self._unhook()
            self._unhook = None


def _install_hook() -> Callable[[], None]:
    """SetWindowsHookExW(WH_KEYBOARD_LL) with a callback that swallows `blocked` keys;
    returns what removes it (and keeps the ctypes callback alive until then)."""
    import ctypes
    from ctypes import wintypes

    wh_keyboard_ll, hc_action, llkhf_altdown = 13, 0, 0x20

    class KbdLlHookStruct(ctypes.Structure):
        _fields_ = [("vkCode", wintypes.DWORD), ("scanCode", wintypes.DWORD),
                    ("flags", wintypes.DWORD), ("time", wintypes.DWORD),
                    ("dwExtraInfo", ctypes.c_size_t)]

    lresult = ctypes.c_ssize_t
    hookproc = ctypes.WINFUNCTYPE(lresult, ctypes.c_int, wintypes.WPARAM, wintypes.LPARAM)
    user32 = ctypes.WinDLL("user32", use_last_error=True)
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    user32.SetWindowsHookExW.argtypes = [ctypes.c_int, hookproc, wintypes.HINSTANCE,
                                         wintypes.DWORD]
    user32.SetWindowsHookExW.restype = wintypes.HHOOK
    user32.CallNextHookEx.argtypes = [wintypes.HHOOK, ctypes.c_int, wintypes.WPARAM,
                                      wintypes.LPARAM]
    user32.CallNextHookEx.restype = lresult
    user32.UnhookWindowsHookEx.argtypes = [wintypes.HHOOK]
    user32.UnhookWindowsHookEx.restype = wintypes.BOOL
    user32.GetAsyncKeyState.argtypes = [ctypes.c_int]
    user32.GetAsyncKeyState.restype = ctypes.c_short
    kernel32.GetModuleHandleW.argtypes = [wintypes.LPCWSTR]
    kernel32.GetModuleHandleW.restype = wintypes.HMODULE

    def down(vk: int) -> bool:
        return bool(user32.GetAsyncKeyState(vk) & 0x8000)

    hook_handle: list[Any] = [None]

    def callback(code: int, wparam: int, lparam: int) -> int:
        if code == hc_action:
            key = ctypes.cast(lparam, ctypes.POINTER(KbdLlHookStruct)).contents
            if blocked(int(key.vkCode), bool(key.flags & llkhf_altdown), down(VK_CONTROL),
                       down(VK_LWIN) or down(VK_RWIN)):
                return 1
        return user32.CallNextHookEx(hook_handle[0], code, wparam, lparam)

    proc = hookproc(callback)
    handle = user32.SetWindowsHookExW(wh_keyboard_ll, proc,
                                      kernel32.GetModuleHandleW(None), 0)
    if not handle:
        raise ctypes.WinError(ctypes.get_last_error())
    hook_handle[0] = handle

    def unhook() -> None:
        user32.UnhookWindowsHookEx(handle)
        hook_handle.append(proc)  # referenced here, so never collected while hooked

    return unhook
