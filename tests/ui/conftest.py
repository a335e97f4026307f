"""GUI tests run offscreen with the shipped font, like the product.

QT_QPA_PLATFORM must be set before the first Qt import, so it is set here at import
time. After each test every window and box still open is closed and running workers
are awaited, so no dialog or thread leaks into the next test.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from app.ui import workers
from app.ui.app import prepare_application


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/ui/" in item.nodeid:
            item.add_marker(pytest.mark.gui)


@pytest.fixture(scope="session", autouse=True)
def _qt_app(qapp: QApplication) -> QApplication:
    prepare_application(qapp)
    return qapp


@pytest.fixture(autouse=True)
def _close_windows(qtbot) -> Iterator[None]:
    yield
    qtbot.waitUntil(lambda: not workers.busy(), timeout=20_000)
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():
            widget.close()
    QApplication.processEvents()

