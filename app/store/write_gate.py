"""Writes and the re-key that replaces the database file under them.

A re-key copies the database into a new file and swaps it in (app/services/accounts/rekey.py). A
unit of work committed to the old file after the copy would vanish with the swap, so
the re-key holds the gate: new writes from other threads wait for it and then land in
the re-keyed file, and the re-key starts copying only once the writes already under way
have committed. Writes do not wait for each other here (SQLite's BEGIN IMMEDIATE and
busy timeout order them, as before), so a long import never blocks the GUI thread's
short writes for its whole length.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class WriteGate:
    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._active = 0
        self._mine = threading.local()
        self._holder: int | None = None

    @contextmanager
    def write(self) -> Iterator[None]:
        """Around one unit of work; waits while another thread holds the gate."""
        me = threading.get_ident()
        with self._changed:
            self._changed.wait_for(lambda: self._holder in (None, me))
            self._active += 1
        self._mine.count = getattr(self._mine, "count", 0) + 1
        try:
            yield
        finally:
            self._mine.count -= 1
            with self._changed:
                self._active -= 1
                self._changed.notify_all()

    @contextmanager
    def held(self) -> Iterator[None]:
        """No other thread's write runs inside the block; it begins once theirs ended."""
        me = threading.get_ident()
        with self._changed:
            self._changed.wait_for(lambda: self._holder is None)
            self._holder = me
            self._changed.wait_for(
                lambda: self._active == getattr(self._mine, "count", 0))
        try:
            yield
        finally:
            with self._changed:
                self._holder = None
                self._changed.notify_all()
