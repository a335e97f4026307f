"""A light look on every PC, whatever Windows' colour mode.

The windows draw their secondary texts, hints and table stripes in fixed greys chosen
against a light background. Under Windows 10/11 dark mode, Qt 6 follows the system and
paints the windows dark: about thirty of those greys then stand on near-black and cannot
be read. So the application asks for the light colour scheme, uses Qt's Fusion style
(which draws entirely from the palette, unlike the native style) and sets Fusion's own
light palette explicitly — the same look on Windows, Linux CI and in screenshots.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyleFactory

from app.paths import resources_dir

STYLE = "Fusion"


def use_light_palette(app: QApplication) -> None:
    hints = app.styleHints()
    if hasattr(hints, "setColorScheme"):  # Qt 6.8+
        hints.setColorScheme(Qt.ColorScheme.Light)
    style = QStyleFactory.create(STYLE)
    app.setStyle(style)
    app.setPalette(style.standardPalette())


def use_window_icon(app: QApplication) -> None:
    """The program's icon on every window and on the taskbar (Qt's own is generic)."""
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "qingxin.png")))
