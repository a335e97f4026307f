"""Python-side signal emits must not eat references to True (PySide6 6.12.0 on 3.11)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from app.ui import pyside_fixes


class Emitter(QObject):
    bare = Signal()
    value = Signal(object)


def test_many_emits_leave_the_refcount_of_true_alone():
    emitter = Emitter()
    emitter.value.connect(lambda _v: None)
    before = sys.getrefcount(True)
    for _ in range(5000):
        emitter.bare.emit()
        emitter.value.emit(1)
    assert sys.getrefcount(True) - before >= 0
    assert not pyside_fixes.emit_loses_a_reference()
