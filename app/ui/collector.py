"""Python's cyclic garbage collector runs on the GUI thread only, as in Anki
(qt/aqt/main.py, "GC").

Left alone, the collector runs in whichever thread happens to allocate when a
generation's threshold is crossed, and in a busy session that is mostly a worker. A
collection frees every unreachable cycle, including one that holds a Qt object, and Qt
objects must be deleted on the thread they live on: the test suite once died with
"Fatal Python error: Segmentation fault … Garbage-collecting" inside a worker. So the
automatic collector is switched off when the GUI starts, and `GuiCollector` collects on
the GUI thread instead, between events:
- every COLLECT_EVERY_MS, the generations the collector itself would have collected by
  now (its own thresholds and counts decide, so memory behaves as before), and
- a full collection a moment after any dialog closes, since dialogs are what the GUI
  makes and drops in bulk (Anki: `garbage_collect_on_dialog_finish`).
`app.gc_pause` still works under it: a pause finds the collector off and leaves it off.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog

COLLECT_EVERY_MS = 1_000
AFTER_DIALOG_MS = 1_000


def due_generation() -> int | None:
    """The oldest generation the automatic collector would collect now, or None.

    Generation 0 is due when its count reaches its threshold; an older one when, in
    addition, the count of collections of the generation below reached its own."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    if counts[0] < thresholds[0]:
        return None
    generation = 0
    while generation < 2 and counts[generation + 1] >= thresholds[generation + 1]:
        generation += 1
    return generation


class GuiCollector(QObject):
    """Owns garbage collection for the application it is installed on."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        gc.collect()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(COLLECT_EVERY_MS)
        self.timer.timeout.connect(self.collect_due)
        self.timer.start()
        self.after_dialog = QTimer(self)
        self.after_dialog.setSingleShot(True)
        self.after_dialog.setInterval(AFTER_DIALOG_MS)
        self.after_dialog.timeout.connect(self.collect_all)
        app.installEventFilter(self)

    @staticmethod
    def collect_due() -> None:
        generation = due_generation()
        if generation is not None:
            gc.collect(generation)

    @staticmethod
    def collect_all() -> None:
        gc.collect()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Hide and isinstance(watched, QDialog):
            self.after_dialog.start()  # one collection for a burst of closing dialogs
        return False


def collect_on_gui_thread(app: QApplication) -> GuiCollector:
    """Switch the automatic collector off and collect on `app`'s thread from now on
    (once per application: a second call returns the first collector)."""
    existing = app.findChild(GuiCollector)
    return existing if existing is not None else GuiCollector(app)
