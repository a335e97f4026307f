"""Windows fit the screen they open on: a school PC's 1366×768 (taskbar 40 px), or
1920×1080 at 150 % (1280×720 logical). The screen's available area is patched in; the
filter installed by prepare_application does the rest."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMargins, QRect
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from app.ui import screen_fit, workers
from app.ui.main_window import MainWindow
from app.ui.screen_fit import DEFAULT_FRAME, fit_rect
from app.ui.store_context import StoreContext

LAPTOP = QRect(0, 0, 1366, 768 - 40)
HIGH_DPI = QRect(0, 0, 1280, 720 - 40)


@pytest.fixture
def screen(monkeypatch):  # type: ignore[no-untyped-def]
    """The available area, and a Windows title bar and borders (offscreen windows have
    a 2-pixel frame)."""
    def use(area: QRect) -> None:
        monkeypatch.setattr(screen_fit, "available_geometry", lambda _window: area)
        monkeypatch.setattr(screen_fit, "frame_of", lambda _window: DEFAULT_FRAME)
    return use


def _outer(window: QWidget) -> QRect:
    return window.geometry().marginsAdded(screen_fit.frame_of(window))


def test_fit_rect_shrinks_then_moves_inside():
    frame = QMargins(8, 31, 8, 8)
    fitted = fit_rect(QRect(133, 24, 1100, 720), frame, LAPTOP)
    assert fitted.size().toTuple() == (1100, 728 - 39)
    assert LAPTOP.contains(fitted.marginsAdded(frame))
    fitted = fit_rect(QRect(-300, 500, 1200, 720), frame, HIGH_DPI)
    assert fitted == QRect(8, 31, 1200, 680 - 39)
    small = QRect(200, 100, 400, 300)
    assert fit_rect(small, frame, LAPTOP) == small  # a window that fits is left alone


@pytest.mark.parametrize("area", [LAPTOP, HIGH_DPI], ids=["1366x768", "1920x1080@150%"])
def test_the_main_window_fits(store, qtbot, screen, area):
    screen(area)
    window = MainWindow(StoreContext(store))
    qtbot.addWidget(window)
    window.show()
    assert area.contains(_outer(window)), (_outer(window), area)
    assert window.width() <= 1100 and window.height() < 720


def test_the_main_window_opens_maximised_and_an_unlock_keeps_its_size(
        store, qtbot, screen):
    screen(LAPTOP)
    window = MainWindow(StoreContext(store))
    qtbot.addWidget(window)
    window.attach(store)
    assert window.isMaximized()
    window.showNormal()
    window.hide()  # as the lock does
    window.attach(store)
    assert not window.isMaximized()  # as the teacher left it
    qtbot.waitUntil(lambda: not workers.busy(), timeout=20_000)  # what attach asked for


def test_a_dialog_larger_than_the_screen_keeps_its_buttons_on_it(qtbot, screen):
    screen(HIGH_DPI)
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    big = QWidget()
    big.setMinimumSize(1250, 760)  # a table and a chart side by side
    layout.addWidget(big)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    layout.addWidget(buttons)
    dialog.resize(1200, 720)
    dialog.show()
    outer = _outer(dialog)
    assert HIGH_DPI.contains(outer), outer
    assert dialog.height() <= HIGH_DPI.height() - DEFAULT_FRAME.top() - DEFAULT_FRAME.bottom()
    bottom_right = buttons.mapTo(dialog, buttons.rect().bottomRight())
    assert dialog.rect().contains(bottom_right)
