"""How an action opens a dialog, the same for every page, tab and window.

The dialog opens non-modally (`open()`: window-modal to its parent, so the rest of the
program keeps painting) and the action hands it back, so a test drives the same path a
click does. With nothing to act on (no file shown, no row selected) nothing opens and
the action returns None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QDialog

D = TypeVar("D", bound=QDialog)
T = TypeVar("T")


def opened(dialog: D) -> D:
    """Open `dialog` (non-modal, window-modal to its parent) and hand it back."""
    dialog.open()
    return dialog


def open_for(item: T | None, make: Callable[[T], D]) -> D | None:
    """The dialog `make` builds for `item`, opened; None when there is no item."""
    if item is None:
        return None
    return opened(make(item))
