"""The idle watcher: fires once after the timeout, and any input starts the count again."""

from __future__ import annotations

import time

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit

from app.ui.idle import IdleWatcher


def test_fires_after_the_timeout_without_input(qtbot):
    watcher = IdleWatcher(300)
    fired: list[float] = []
    started = time.monotonic()
    watcher.idle.connect(lambda: fired.append(time.monotonic() - started))
    watcher.start()
    qtbot.waitUntil(lambda: bool(fired), timeout=3000)
    qtbot.wait(400)
    assert len(fired) == 1 and fired[0] >= 0.3


def test_typing_postpones_the_lock(qtbot):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    qtbot.waitExposed(edit)
    watcher = IdleWatcher(400)
    fired: list[bool] = []
    watcher.idle.connect(lambda: fired.append(True))
    watcher.start()
    for _ in range(6):
        qtbot.wait(150)
        QTest.keyClick(edit, Qt.Key.Key_A)
    assert fired == []
    QTest.mouseMove(edit, QPoint(5, 5))
    qtbot.waitUntil(lambda: bool(fired), timeout=3000)
