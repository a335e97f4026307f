"""A workaround for a reference-count bug in PySide6 6.12.0's `SignalInstance.emit`.

That release returns `True` from every Python-side `signal.emit(...)` without taking a
new reference. On CPython 3.11 (where `True` is an ordinary object; 3.12 made it
immortal) each emit drops its count by one, and after a few thousand emits the
interpreter aborts with "Fatal Python error: bool_dealloc" — a crash in the middle of a
teacher's session. Signals emitted by Qt itself (clicked, timeout …) are not affected.

`install()` measures whether emit loses a reference and, only then, wraps it so each
emit gives the reference back. On a fixed PySide6 or on CPython 3.12+ it does nothing.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

PROBE_EMITS = 64


class _Probe(QObject):
    ping = Signal()


_py_incref = ctypes.pythonapi.Py_IncRef
_py_incref.argtypes = [ctypes.py_object]
_py_incref.restype = None


def _incref_true() -> None:
    _py_incref(True)


def emit_loses_a_reference() -> bool:
    """Emit a few times and give back whatever the emits took, so probing is harmless."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(PROBE_EMITS):
        probe.ping.emit()
    lost = before - sys.getrefcount(True)
    for _ in range(max(0, lost)):
        _incref_true()
    return lost >= PROBE_EMITS // 2


def install() -> bool:
    """Patch SignalInstance.emit if this PySide6 needs it; True if it did."""
    if getattr(SignalInstance.emit, "_qingxin_fixed", False):
        return True
    if not emit_loses_a_reference():
        return False
    original = SignalInstance.emit

    def emit(self: SignalInstance, *args: Any) -> Any:
        result = original(self, *args)
        _incref_true()
        return result

    emit._qingxin_fixed = True  # type: ignore[attr-defined]
    SignalInstance.emit = emit  # type: ignore[method-assign]
    return True
