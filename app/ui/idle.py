"""Idle auto-lock: notice when nobody has touched the keyboard or mouse for a while.

An event filter on the whole application restarts a clock on any input, in any window
or dialog. Restarting a QElapsedTimer is cheap enough for every mouse move; a coarse
QTimer then checks the clock, so no timer is re-armed thousands of times a minute.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

DEFAULT_IDLE_MINUTES = 10

INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TabletPress,
})


class IdleWatcher(QObject):
    """Emits `idle` once after `timeout_ms` without input, while started."""

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = QElapsedTimer()
        self._check = QTimer(self)
        self._check.timeout.connect(self._tick)
        self.set_timeout(timeout_ms)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_timeout(self, timeout_ms: int) -> None:
        """A new timeout, counted from now if the watcher is running (checked four times
        per timeout, at most every 15 s, so a lock is never much later than promised)."""
        self.timeout_ms = timeout_ms
        self._check.setInterval(max(50, min(15_000, timeout_ms // 4)))
        self._clock.restart()

    def start(self) -> None:
        self._clock.start()
        self._check.start()

    def stop(self) -> None:
        self._check.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS and self._check.isActive():
            self._clock.restart()
        return False

    def _tick(self) -> None:
        if self._clock.elapsed() >= self.timeout_ms:
            self.stop()
            self.idle.emit()
