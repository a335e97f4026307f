"""Lists that reload after a write without querying for nobody.

A page whose data a broadcast write changed reloads at once when it is on screen;
a hidden one only notes that it is stale and reloads the next time it is shown (the
main window keeps every page alive, and a hidden page's query would cost a worker run
for nothing). Mix `ReloadsWhenShown` in before the Qt class:
`class HomePage(ReloadsWhenShown, QWidget)`; the page has `ctx`, `stale` and `reload()`,
and its `on_changed` decides whether a change concerns it, then calls `reload_or_mark()`.
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent


class ReloadsWhenShown:
    stale = False

    def reload_or_mark(self) -> None:
        """Reload now if on screen, else when next shown."""
        if self.isVisible():
            self.reload()
        else:
            self.stale = True

    def needs_reload(self) -> bool:
        """Whether showing the page must reload it; a page may add its own reasons."""
        return self.stale

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.needs_reload() and self.ctx.store is not None:
            self.reload()
