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
    elevated: bool = False
    """Above the unit's cut-off: shown as evidence in the review queue even when the band
    suggests nothing by itself (MHT's content-scale 高分). Defaults to warning ≠ none."""

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
    `method` is "sum", "mean" or "count" (how many items are answered at `at_least` or
    more: SCL-90's 阳性项目数). Up to `max_missing` unanswered items are prorated from the
    answered items' mean; more leave the score unset (NaN), never zero. A validity scale
    is never prorated: it counts what was answered, so missing answers cannot make a
    sheet look invalid.
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
    at_least: float = 0.0

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
    """An item whose answer above `above` is a signal by itself, whatever the total, on
    valid and invalid sheets alike.

    It suggests `warning`, which is always 重点关注 (key): a critical answer calls for a
    same-day face-to-face assessment, and 危机 is the teacher's decision after it. The
    definition may let it suggest 危机 only where the answer is the most severe option
    *and* the sheet is valid *and* `crisis_scale` falls in one of `crisis_bands` (the
    totals agree); without `crisis_bands` it never does.
    """

    item: int
    above: float
    warning: WarningLevel
    message: str
    if_missing: WarningLevel = WarningLevel.NONE
    missing_message: str = ""
    crisis_scale: str = "total"
    crisis_bands: tuple[str, ...] = ()


UNIFORM_MODES = ("any", "except_ends", "off")


@dataclass(frozen=True)
class SheetChecks:
    """Validity checks on how a sheet was answered rather than on a scale score.

    `uniform`: "any" marks a sheet whose answered items all carry the same option;
    "except_ends" does so unless that option is the lowest (on a short symptom list,
    "not at all" to everything is the common honest answer); "off" never.
    `seconds_per_item`: a sheet answered in less than this × item count seconds (问卷星's
    所用时间, or submit minus start time) is marked too fast; 0 switches it off.
    """

    uniform: str = "any"
    seconds_per_item: float = 0.0


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
    checks: SheetChecks = SheetChecks()
    norms: tuple[NormTable, ...] = ()
    notes: tuple[str, ...] = ()
    path: Path | None = None
    overrides: tuple[str, ...] = field(default=())
    """Human-readable list of the settings applied on top of the file (empty: none)."""
    setting_problems: tuple[str, ...] = ()
    """School settings that were not applied, each naming the file, line and key (an
    unknown critical item number): the shipped rule stays and the teacher is told."""

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

    def option_label(self, value: float) -> str:
        """The wording of the option with this value ("" for none)."""
        return next((o.label for o in self.options if o.value == value), "")

    @property
    def label(self) -> str:
        return f"{self.name}（{self.short_name}）" if self.short_name else self.name


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
