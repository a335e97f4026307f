"""Building answer sheets for tests: "these items answered this way, the rest that way"."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np


def sheet(n_items: int, base: float, answers: Mapping[int, float] | None = None,
          yes: Iterable[int] = (), missing: Iterable[int] = ()) -> np.ndarray:
    """One sheet: every item `base`, then `answers` by item number, `yes` items = 1,
    `missing` items NaN."""
    row = np.full(n_items, float(base))
    for number, value in (answers or {}).items():
        row[number - 1] = value
    for number in yes:
        row[number - 1] = 1.0
    for number in missing:
        row[number - 1] = np.nan
    return row


def batch(*rows: np.ndarray) -> np.ndarray:
    return np.vstack(rows)


def spread_total(total: int, items: Iterable[int], n_items: int, per_item_max: int = 3
                 ) -> np.ndarray:
    """A 0-based sheet whose answers on `items` (in order, each up to `per_item_max`)
    add up to `total`; the other items are 0."""
    row = np.zeros(n_items)
    left = total
    for number in items:
        take = min(per_item_max, left)
        row[number - 1] = take
        left -= take
    assert left == 0, "total too large for these items"
    return row
