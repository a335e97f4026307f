"""ReloadsWhenShown: a write reloads a page on screen at once, a hidden one when shown."""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtWidgets import QWidget

from app.ui.stale_reload import ReloadsWhenShown


class _Page(ReloadsWhenShown, QWidget):
    def __init__(self, store: object | None) -> None:
        super().__init__()
        self.ctx = SimpleNamespace(store=store)
        self.stale = False
        self.reloads = 0

    def reload(self) -> None:
        self.stale = False
        self.reloads += 1


class _NeverLoaded(_Page):
    def __init__(self) -> None:
        super().__init__(object())
        self.data: list[int] | None = None

    def needs_reload(self) -> bool:
        return self.stale or self.data is None


def test_hidden_page_waits_until_shown_then_reloads_once(qtbot) -> None:
    page = _Page(object())
    qtbot.addWidget(page)
    page.reload_or_mark()
    assert (page.reloads, page.stale) == (0, True)
    page.show()
    assert (page.reloads, page.stale) == (1, False)
    page.hide()
    page.show()  # nothing changed meanwhile: no second query
    assert page.reloads == 1


def test_page_on_screen_reloads_at_once(qtbot) -> None:
    page = _Page(object())
    qtbot.addWidget(page)
    page.show()
    page.reload_or_mark()
    assert (page.reloads, page.stale) == (1, False)


def test_no_store_open_no_reload(qtbot) -> None:
    page = _Page(None)
    qtbot.addWidget(page)
    page.reload_or_mark()
    page.show()
    assert (page.reloads, page.stale) == (0, True)


def test_a_page_may_add_its_own_reason(qtbot) -> None:
    page = _NeverLoaded()
    qtbot.addWidget(page)
    page.show()
    assert page.reloads == 1
