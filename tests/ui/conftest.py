"""GUI tests run offscreen with the shipped font, like the product.

QT_QPA_PLATFORM must be set before the first Qt import, so it is set here at import
time. Per-user settings go to a temporary folder. After each test running workers are
awaited and every window is closed, deleted and garbage-collected, so no dialog, thread
or stray event filter leaks into the next test.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from app.changes import Changes
from app.ui import store_context, workers
from app.ui.app import prepare_application
from app.ui.collector import collect_on_gui_thread


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/ui/" in item.nodeid:
            item.add_marker(pytest.mark.gui)


@pytest.fixture(scope="session", autouse=True)
def _qt_app(qapp: QApplication) -> Iterator[QApplication]:
    """The application as the product prepares it, with garbage collection on the GUI
    thread only (a collection on a worker once crashed this suite)."""
    prepare_application(qapp)
    collector = collect_on_gui_thread(qapp)
    yield qapp
    collector.deleteLater()
    gc.enable()


@pytest.fixture
def screens_dir(tmp_path: Path) -> Path:
    """Where screenshots go: QINGXIN_SCREENS_DIR to keep them and look, else the test's
    temporary folder."""
    folder = Path(os.environ.get("QINGXIN_SCREENS_DIR") or tmp_path / "screens")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(autouse=True)
def _own_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Per-user settings (the file dialogs' last folders) go to a folder of the test's
    own, never into the home folder of whoever runs the tests."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path_factory.mktemp("settings")))


@pytest.fixture(autouse=True)
def _close_windows(qtbot) -> Iterator[None]:
    yield
    qtbot.waitUntil(lambda: not workers.busy(), timeout=20_000)
    _release_modifiers()
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    # Collect the test's windows now, between events: if the garbage collector ran
    # later, inside some event's delivery, it could delete a widget Qt is still using.
    gc.collect()


def _release_modifiers() -> None:
    """QTest's Ctrl+L leaves Qt believing Ctrl is still held (only a key press updates
    the modifier state, not the release), and the next test's selectRow then added to
    the selection as a Ctrl-click does. One plain key press sets it back."""
    if QGuiApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier:
        return
    widget = QWidget()
    widget.show()
    QTest.keyClick(widget, Qt.Key.Key_Shift)
    widget.close()
    widget.deleteLater()


@pytest.fixture(autouse=True)
def unsaid_writes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The product reloads every list after a write whose service said nothing of what
    it changed (`store_context.unsaid`); a test fails on it, so a new service cannot
    quietly leave a view stale. A test that makes such a write on purpose empties the
    list this yields."""
    seen: list[str] = []

    def record(result: object) -> Changes:
        seen.append(type(result).__name__)
        return store_context.EVERY_LIST

    monkeypatch.setattr(store_context, "unsaid", record)
    yield seen
    assert not seen, f"writing services returned no Changes: {seen}"
