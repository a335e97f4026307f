"""Pausing Python's cyclic garbage collector while a file is read or written in bulk, and
keeping it off what a process hands to the workers it forks.

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


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Around starting (forking) worker processes: this process's objects are moved out
    of the collector's reach (gc.freeze) meanwhile, so a forked worker's collections
    never walk — and copy, page by page — what it inherited (≈ 0.7 s of system time in
    two workers forked beside 400 schools' submissions). A process that froze its
    objects already (the GUI freezes what start-up made) stays frozen: gc.unfreeze would
    undo that too."""
    already = gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if not already:
            gc.unfreeze()
