"""Garbage collection runs on the GUI thread only (issue 12.1): a reference cycle that
holds a Qt object, dropped while workers allocate heavily, is finalised on the GUI
thread, and closing a dialog collects soon after."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QDialog

from app.ui import workers
from app.ui.collector import GuiCollector, collect_on_gui_thread, due_generation

CYCLES = 40


class Cycle:
    """Refers to itself and owns a QObject; records the thread that finalises it."""

    def __init__(self, seen: list[tuple[str, threading.Thread]]) -> None:
        self.me = self
        self.seen = seen
        self.qobject = QObject()
        self.qobject.destroyed.connect(
            lambda *_: seen.append(("destroyed", threading.current_thread())))

    def __del__(self) -> None:
        self.seen.append(("finalised", threading.current_thread()))


@pytest.fixture
def collector() -> Iterator[GuiCollector]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    yield collect_on_gui_thread(app)


def churn(stop: threading.Event) -> int:
    """Allocate containers as fast as possible: the automatic collector, were it on,
    would run here thousands of times."""
    made = 0
    while not stop.is_set():
        junk = [[i] for i in range(2_000)]
        made += len(junk)
    return made


def test_automatic_collection_is_off_and_one_collector_per_application(collector):
    assert not gc.isenabled()
    app = QApplication.instance()
    assert collect_on_gui_thread(app) is collector


def test_cycles_dropped_while_workers_allocate_die_on_the_gui_thread(qtbot, collector):
    gui = threading.current_thread()
    stop = threading.Event()
    made: list[int] = []
    ops = [workers.run_op(None, lambda _p: churn(stop), made.append, label=None)
           for _ in range(2)]
    seen: list[tuple[str, threading.Thread]] = []
    try:
        for _ in range(CYCLES):
            Cycle(seen)  # dropped at once: only the cyclic collector can free it
            qtbot.wait(5)
        qtbot.waitUntil(lambda: len(seen) == 2 * CYCLES, timeout=10_000)
    finally:
        stop.set()
        qtbot.waitUntil(lambda: not any(op.running for op in ops), timeout=10_000)
    assert sum(made) > 100_000  # the workers did allocate meanwhile
    assert {thread for _kind, thread in seen} == {gui}
    assert sorted({kind for kind, _thread in seen}) == ["destroyed", "finalised"]


def test_closing_a_dialog_collects_soon_after(qtbot, collector):
    collector.timer.stop()  # only the dialog's closing may collect here
    try:
        gc.collect()
        seen: list[tuple[str, threading.Thread]] = []
        Cycle(seen)
        dialog = QDialog()
        dialog.show()
        qtbot.wait(50)
        assert seen == []
        dialog.reject()
        qtbot.waitUntil(lambda: len(seen) == 2, timeout=5_000)
    finally:
        collector.timer.start()


def test_due_generation_follows_the_collectors_own_thresholds(collector):
    gc.collect()
    assert due_generation() is None
    threshold = gc.get_threshold()[0]
    keep = [[] for _ in range(threshold + 10)]
    assert due_generation() == 0
    del keep
