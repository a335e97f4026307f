"""The in-memory form of an instrument definition: frozen dataclasses, nothing else.

They are built only by `parsing.build_instrument`, which has already checked every
cross-reference, so code that scores or displays an instrument can trust them (an item
number is in range, a band list has no gap, a scale named by a rule exists).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from app.instruments.warning import WarningLevel

TOTAL = "total"
"""The code of the total score wherever scales and the total are listed together."""


@dataclass(frozen=True)
class Option:
    """One answer choice; `letter` is its position as the answer sheet prints it (A, B …)."""

    value: float
    label: str
    letter: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Item:
    number: int
    text: str = ""


@dataclass(frozen=True)
class Band:
    """A score range [min, below) with what it means; open ends are ±inf."""

    code: str
    label: str
    min: float
    below: float
    warning: WarningLevel
    wording: str = ""
    suggestion: str = ""
    to_confirm: bool = False

    def range_text(self, integer_scores: bool) -> str:
        """How a report prints the range: "5–9" for whole-number scores, "≥2 且 <3" else."""
        low, high = math.isinf(self.min), math.isinf(self.below)
        if low and high:
            return "全部"
        if high:
            return f"≥{_num(self.min)}"
        if integer_scores:
            top = _num(self.below - 1)
            return f"≤{top}" if low else f"{_num(self.min)}–{top}"
        return f"<{_num(self.below)}" if low else f"≥{_num(self.min)} 且 <{_num(self.below)}"


@dataclass(frozen=True)
class Scale:
    """A scored unit: a content scale, a validity scale (MHT's lie scale) or the total.

    Either `items` (answers) or, for the total only, `scales` (scale scores) feed it.
    Up to `max_missing` unanswered items are prorated from the answered items' mean;
    more leave the score unset (NaN), never zero.
    """

    code: str
    name: str
    method: str
    items: tuple[int, ...] = ()
    scales: tuple[str, ...] = ()
    kind: str = "content"
    multiplier: float = 1.0
    rounding: str = "none"
    max_missing: int = 0
    band_basis: str = "raw"
    bands: tuple[Band, ...] = ()
    note: str = ""

    @property
    def integer_scores(self) -> bool:
        """Whether every score is a whole number (sums, or any rounding), for range texts."""
        return self.rounding != "none" or (self.method == "sum" and self.multiplier == 1.0)


@dataclass(frozen=True)
class ValidityRule:
    """A sheet is invalid when `scale`'s score compares to `threshold` by `comparison`."""

    code: str
    name: str
    scale: str
    comparison: str
    threshold: float
    message: str
    to_confirm: bool = False


@dataclass(frozen=True)
class CriticalItem:
    """An item whose answer above `above` is a signal by itself, whatever the total."""

    item: int
    above: float
    warning: WarningLevel
    message: str
    if_missing: WarningLevel = WarningLevel.NONE
    missing_message: str = ""


@dataclass(frozen=True)
class NormTable:
    """Raw score → standard score for one scale, gender ("M", "F" or "*") and grades.

    Step lookup: a raw score takes the standard score of the largest `raw` not above it.
    An empty `grades` means every grade.
    """

    scale: str
    gender: str
    grades: tuple[int, ...]
    raw: tuple[float, ...]
    standard: tuple[float, ...]


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    short_name: str
    version: str
    source: str
    licence: str
    grade_min: int
    grade_max: int
    options: tuple[Option, ...]
    items: tuple[Item, ...]
    scales: tuple[Scale, ...]
    total: Scale | None
    wording_source: str = ""
    prompt: str = ""
    reverse: tuple[int, ...] = ()
    disjoint_scales: bool = True
    validity: tuple[ValidityRule, ...] = ()
    critical: tuple[CriticalItem, ...] = ()
    norms: tuple[NormTable, ...] = ()
    notes: tuple[str, ...] = ()
    path: Path | None = None
    overrides: tuple[str, ...] = field(default=())
    """Human-readable list of the settings applied on top of the file (empty: none)."""

    @property
    def item_count(self) -> int:
        return len(self.items)

    @property
    def units(self) -> tuple[Scale, ...]:
        """Scales, then the total: the order result arrays and reports use."""
        return (*self.scales, self.total) if self.total is not None else self.scales

    def unit(self, code: str) -> Scale:
        for unit in self.units:
            if unit.code == code:
                return unit
        raise KeyError(code)

    @property
    def has_item_texts(self) -> bool:
        return any(item.text for item in self.items)

    @property
    def value_range(self) -> tuple[float, float]:
        values = [option.value for option in self.options]
        return min(values), max(values)

    @property
    def label(self) -> str:
        return f"{self.name}（{self.short_name}）" if self.short_name else self.name


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
