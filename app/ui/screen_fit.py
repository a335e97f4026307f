"""Every window and dialog fits the screen it opens on, title bar and buttons included.

The schools' PCs have 1366×768 screens, or 1920×1080 at 150 % (1280×720 usable pixels),
and a taskbar: a 1100×720 main window or a 1200×720 results dialog then has its OK and
Cancel row under the taskbar, out of reach. Rather than each window guessing, one event
filter on the application (`install`, from prepare_application) looks at every window as
it is shown and shrinks and moves it into the screen's available area (the screen less
the taskbar); a window that fits is left alone. Sizes written in the windows stay what
they are on a large screen.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMargins, QObject, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

DEFAULT_FRAME = QMargins(8, 31, 8, 8)
"""A Windows 10/11 title bar and borders at 100 %, assumed until the window has a frame
of its own to measure."""

_FITTED_TYPES = (Qt.WindowType.Window, Qt.WindowType.Dialog, Qt.WindowType.Sheet)


def fit_rect(geometry: QRect, frame: QMargins, available: QRect) -> QRect:
    """The client geometry of a window at `geometry` with `frame` around it, made to fit
    `available`: no larger than it, then moved (no further than needed) inside it."""
    width = min(geometry.width(), available.width() - frame.left() - frame.right())
    height = min(geometry.height(), available.height() - frame.top() - frame.bottom())
    left = min(max(geometry.x(), available.left() + frame.left()),
               available.right() + 1 - frame.right() - width)
    top = min(max(geometry.y(), available.top() + frame.top()),
              available.bottom() + 1 - frame.bottom() - height)
    return QRect(left, top, max(width, 1), max(height, 1))


def available_geometry(window: QWidget) -> QRect | None:
    """The screen less the taskbar; None on the offscreen platform, whose 800×600
    "screen" is a placeholder (tests and the docs' screenshots draw windows at their own
    size there; the fitting tests give an area explicitly)."""
    if QGuiApplication.platformName() == "offscreen":
        return None
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def frame_of(window: QWidget) -> QMargins:
    outer, inner = window.frameGeometry(), window.geometry()
    if outer == inner:
        return DEFAULT_FRAME
    return QMargins(inner.left() - outer.left(), inner.top() - outer.top(),
                    outer.right() - inner.right(), outer.bottom() - inner.bottom())


def fit_to_screen(window: QWidget) -> None:
    """Shrink and move `window` into its screen's available area; a minimum size that
    does not fit is lowered to what does (the layout then gives way, the buttons stay
    on the screen)."""
    available = available_geometry(window)
    if available is None:
        return
    frame = frame_of(window)
    room = QSize(available.width() - frame.left() - frame.right(),
                 available.height() - frame.top() - frame.bottom())
    least = window.minimumSize().expandedTo(window.minimumSizeHint())
    if least.width() > room.width() or least.height() > room.height():
        window.setMinimumSize(least.boundedTo(room))
    target = fit_rect(window.geometry(), frame, available)
    if target != window.geometry():
        window.setGeometry(target)


class _ScreenFit(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.Show and isinstance(watched, QWidget)
                and watched.isWindow() and watched.windowType() in _FITTED_TYPES
                and not watched.isMaximized() and not watched.isFullScreen()):
            fit_to_screen(watched)
        return False


def show_maximised(window: QWidget) -> None:
    """Open the main window maximised: on a 1366×768 laptop every pixel is needed, and a
    fixed size left it in a corner with the screen's rest wasted. The offscreen
    platform's "screen" is a placeholder, so there the window keeps its own size."""
    if available_geometry(window) is None:
        window.show()
    else:
        window.showMaximized()


def install(app: QApplication) -> None:
    """Fit every window the application shows from now on (once per application)."""
    if app.property("qingxin_screen_fit"):
        return
    fitter = _ScreenFit(app)
    app.installEventFilter(fitter)
    app.setProperty("qingxin_screen_fit", True)
