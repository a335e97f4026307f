"""Pausing Python's cyclic garbage collector while a file is read or written in bulk.

The collector runs whenever enough container objects (lists, dicts, tuples …) have
been allocated, and every so often it walks every object the process holds. Reading a
spreadsheet of 3,000 rows allocates thousands of lists at once: a full walk in the
middle of a screening import took 70–180 ms (the import itself, without it, ~150 ms).
The bulk work makes no reference cycles (rows, dicts, strings, numpy arrays), so
nothing is lost by collecting after it instead. Mercurial does the same (`util.nogc`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Collect nothing inside the block. Nested or concurrent pauses are harmless: only
    the pause that found the collector running turns it back on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
