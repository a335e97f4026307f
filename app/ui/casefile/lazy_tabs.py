"""The file window's tabs, each made when it is first shown or asked for.

Opening a ten-year file made and filled all nine tabs before the first was painted: about
130 ms of the 200 ms a teacher should wait after the double-click (docs/PERFORMANCE.md,
"Student file"). Now each tab holds an empty placeholder until it is shown; then its page
is made, given the file as last loaded, and put in the placeholder's place, so
`tabs.currentWidget()` is the page itself, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QTabWidget, QWidget


class LazyTabs(Mapping[str, QWidget]):
    """key → page for the tabs added; reading a key makes its page if it is not made."""

    def __init__(self, tabs: QTabWidget) -> None:
        self._tabs = tabs
        self._keys: list[str] = []
        self._makers: dict[str, Callable[[], QWidget]] = {}
        self._made: dict[str, QWidget] = {}
        self._view: Any = None
        tabs.currentChanged.connect(self._shown)

    def add(self, key: str, title: str, make: Callable[[], QWidget]) -> None:
        self._keys.append(key)
        self._makers[key] = make
        self._tabs.addTab(QWidget(), title)

    def show_view(self, view: Any) -> None:
        """Give the file to every page made; the others get it when they are made."""
        self._view = view
        for page in self._made.values():
            page.show_view(view)  # type: ignore[attr-defined]

    def __getitem__(self, key: str) -> QWidget:
        page = self._made.get(key)
        if page is not None:
            return page
        if key not in self._makers:
            raise KeyError(key)
        page = self._made[key] = self._makers[key]()
        if self._view is not None:
            page.show_view(self._view)  # type: ignore[attr-defined]
        index = self._keys.index(key)
        placeholder, title = self._tabs.widget(index), self._tabs.tabText(index)
        current = self._tabs.currentIndex()
        with QSignalBlocker(self._tabs):
            self._tabs.removeTab(index)
            self._tabs.insertTab(index, page, title)
            self._tabs.setCurrentIndex(current)
        placeholder.deleteLater()
        return page

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def _shown(self, index: int) -> None:
        if 0 <= index < len(self._keys):
            self[self._keys[index]]
