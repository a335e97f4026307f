"""Score a whole campaign at once: an (students × items) array in, arrays of scores out.

Loops run over scales, bands and rules, never over students, so a school's 6,000 sheets
score in milliseconds. What the arrays mean:

* Unanswered items are NaN. A unit with at most `max_missing` unanswered items is
  prorated from the answered items' mean (sum × k / answered); with more it has no score
  (NaN) and no band. The counts are kept so reports can say so; nothing becomes zero.
  A validity scale is never prorated: it counts what was answered.
* Missing answers never cross a cut-off by themselves: every unit is also scored with
  its unanswered items at the lowest option (what was actually answered). Where the
  prorated score lands in a higher band than that, the unit is marked `prorated_cut`,
  it keeps its prorated band for display, and its suggestion is that of the lower band
  (always below the prorated band's).
* Reverse-keyed items are flipped (min + max − value) before scales are formed;
  critical items are judged on the answer as given.
* `valid` is False when a validity rule fires (MHT's lie scale), when the sheet was
  answered too fast or with one option throughout (instrument.checks), or when too many
  answers are missing to score the total. An invalid sheet suggests nothing from its
  scores — it belongs on the re-test list — but its critical answers still count.
* The suggested warning is the most severe of the bands' and critical items' warnings,
  as a severity (see warning.py). A critical answer suggests 重点关注; 危机 only where
  its rule allows it (most severe option, valid sheet, totals in `crisis_bands`).
  A teacher always decides.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from app.errors import BadInputError
from app.instruments.bands import EPS, band_index
from app.instruments.model import TOTAL, Instrument, Scale
from app.instruments.records import joined_notes, record_texts, validity_texts
from app.instruments.warning import CODES_BY_SEVERITY, WarningLevel

MISSING = "missing"
"""Reason code for a sheet whose total cannot be scored for unanswered items."""
TOO_FAST = "too_fast"
"""Reason code for a sheet answered in less than the instrument's seconds per item."""
UNIFORM = "uniform"
"""Reason code for a sheet whose answers are all the same option."""


@dataclass(frozen=True, eq=False)
class ScoreResult:
    """Scores of n sheets for one instrument; row i of every array is sheet i.

    Columns of `scores`, `standard`, `bands`, `missing` and `prorated_cut` follow `units`
    (the scales, then "total" when the instrument has one).
    """

    instrument: str
    version: str
    units: tuple[str, ...]
    scores: np.ndarray
    """(n, units) float; NaN where too many answers are missing."""
    standard: np.ndarray
    """(n, units) float from the norm tables; NaN where no table applies."""
    bands: np.ndarray
    """(n, units) int8 index into the unit's bands; -1 for none."""
    missing: np.ndarray
    """(n, units) int16 unanswered items in each unit."""
    answered_bands: np.ndarray
    """(n, units) int8: the band of the score with unanswered items at the lowest option."""
    prorated_cut: np.ndarray
    """(n, units) bool: the band was reached only by proration (see module docstring)."""
    unanswered: np.ndarray
    """(n,) int16 unanswered items on the whole sheet."""
    valid: np.ndarray
    reasons: tuple[str, ...]
    """Codes of the columns of `failed`: each validity rule's code, then "too_fast",
    "uniform" and "missing"."""
    failed: np.ndarray
    """(n, reasons) bool."""
    critical_items: tuple[int, ...]
    critical: np.ndarray
    """(n, critical items) bool: the answer is above the item's threshold."""
    critical_missing: np.ndarray
    """(n, critical items) bool: the critical item was not answered."""
    critical_values: np.ndarray
    """(n, critical items) float: the answers to the critical items as given."""
    warning: np.ndarray
    """(n,) int8 severity of the suggested warning (0 none … 3 crisis)."""
    definition: Instrument = field(repr=False)

    def __len__(self) -> int:
        return len(self.valid)

    def column(self, code: str) -> int:
        return self.units.index(code)

    def band_codes(self, code: str) -> np.ndarray:
        """Band codes of one unit for every sheet (object array, None for no band)."""
        bands = self.definition.unit(code).bands
        table = np.array([b.code for b in bands] + [None], dtype=object)
        return table[self.bands[:, self.column(code)]]

    def warning_codes(self) -> np.ndarray:
        return np.array(CODES_BY_SEVERITY, dtype=object)[self.warning]

    def records(self) -> list[dict]:
        """One plain dict per sheet, in the order the sheets came in: the stored documents
        read back, so what is shown and what is stored cannot differ."""
        return [json.loads(text) for text in record_texts(self)]

    def record_texts(self) -> list[str]:
        """One JSON document per sheet, as results are stored (see records.py)."""
        return record_texts(self)

    def joined_notes(self, separator: str) -> list[str]:
        """Each sheet's notes in Chinese (also listed in its document) as one text."""
        return joined_notes(self, separator)

    def validity_texts(self, separator: str) -> list[str]:
        """Each sheet's validity reasons in Chinese ("" for a valid sheet)."""
        return validity_texts(self, separator)


def score(instrument: Instrument, values: np.ndarray, gender: np.ndarray | None = None,
          grade: np.ndarray | None = None, seconds: np.ndarray | None = None) -> ScoreResult:
    """Score every sheet; `gender` ("M"/"F") and `grade` (1–12) only matter for norms,
    `seconds` (time taken per sheet, NaN if unknown) for the too-fast check.

    Raises BadInputError if a value is not one of the instrument's option values: by
    this point answers have been mapped (answer_cells, answer_strings), so that is a
    caller's mistake worth stopping on.
    """
    x = np.asarray(values, dtype=float)
    if x.ndim != 2 or x.shape[1] != instrument.item_count:
        raise BadInputError(f"答案矩阵应为 {instrument.item_count} 列（{instrument.label}），"
                            f"实为 {x.shape}")
    _check_values(x, instrument)
    keyed = _reverse(x, instrument)
    answered = ~np.isnan(keyed)
    units = instrument.units
    scores, missing = _unit_scores(instrument, keyed, answered)
    standard = _standard(instrument, scores, gender, grade)
    bands = _bands(instrument, scores, standard)
    answered_bands = bands.copy()
    blanks = np.flatnonzero(~answered.all(axis=1))
    if len(blanks):  # what was answered: the blanks at the lowest option, nothing prorated
        lowest = np.where(answered[blanks], keyed[blanks], instrument.value_range[0])
        floor = _unit_scores(instrument, lowest, np.ones_like(lowest, dtype=bool))[0]
        answered_bands[blanks] = _bands(instrument, floor, _standard(
            instrument, floor, None if gender is None else np.asarray(gender)[blanks],
            None if grade is None else np.asarray(grade)[blanks]))
    prorated_cut = (bands >= 0) & (missing > 0) & (answered_bands != bands)
    suggesting = np.where(prorated_cut, answered_bands, bands)
    failed = _failed(instrument, x, scores, seconds)
    valid = ~failed.any(axis=1)
    critical, critical_missing = _critical(instrument, x)
    severity = np.maximum(np.where(valid, _band_severity(instrument, suggesting), 0),
                          _critical_severity(instrument, x, critical, critical_missing,
                                             valid, suggesting))
    cols = np.array([c.item for c in instrument.critical], dtype=int) - 1
    return ScoreResult(
        instrument=instrument.code, version=instrument.version,
        units=tuple(u.code for u in units), scores=scores, standard=standard, bands=bands,
        missing=missing, answered_bands=answered_bands, prorated_cut=prorated_cut,
        unanswered=(~answered).sum(axis=1).astype(np.int16), valid=valid,
        reasons=(*(r.code for r in instrument.validity), TOO_FAST, UNIFORM, MISSING),
        failed=failed, critical_items=tuple(c.item for c in instrument.critical),
        critical=critical, critical_missing=critical_missing, critical_values=x[:, cols],
        warning=severity.astype(np.int8), definition=instrument,
    )


def _bands(instrument: Instrument, scores: np.ndarray, standard: np.ndarray) -> np.ndarray:
    """(n, units) band index of each unit's score (or standard score), -1 for none."""
    bands = np.full(scores.shape, -1, dtype=np.int8)
    for j, unit in enumerate(instrument.units):
        basis = standard[:, j] if unit.band_basis == "standard" else scores[:, j]
        bands[:, j] = band_index(basis, unit.bands)
    return bands


def _band_severity(instrument: Instrument, bands: np.ndarray) -> np.ndarray:
    """(n,) the most severe warning any unit's band suggests."""
    severity = np.zeros(bands.shape[0], dtype=np.int8)
    for j, unit in enumerate(instrument.units):
        by_band = np.array([b.warning.severity for b in unit.bands] + [0], dtype=np.int8)
        severity = np.maximum(severity, by_band[bands[:, j]])
    return severity


def _critical_severity(instrument: Instrument, x: np.ndarray, critical: np.ndarray,
                       critical_missing: np.ndarray, valid: np.ndarray, bands: np.ndarray
                       ) -> np.ndarray:
    """(n,) what the critical items suggest: their warning (重点关注) whatever the sheet,
    `if_missing` for a blank one, 危机 only where the rule's `crisis_bands` hold — the
    answer is the most severe option, the sheet valid and the unit's band one of them."""
    severity = np.zeros(x.shape[0], dtype=np.int8)
    top = instrument.value_range[1]
    codes = [u.code for u in instrument.units]
    for k, rule in enumerate(instrument.critical):
        severity = np.maximum(severity, np.where(critical[:, k], rule.warning.severity, 0))
        severity = np.maximum(severity,
                              np.where(critical_missing[:, k], rule.if_missing.severity, 0))
        if rule.crisis_bands:
            j = codes.index(rule.crisis_scale)
            unit_bands = [b.code for b in instrument.units[j].bands]
            agree = np.isin(bands[:, j], [unit_bands.index(c) for c in rule.crisis_bands])
            crisis = critical[:, k] & valid & (x[:, rule.item - 1] >= top) & agree
            severity = np.maximum(severity, np.where(crisis, WarningLevel.CRISIS.severity, 0))
    return severity


def _unit_scores(instrument: Instrument, keyed: np.ndarray, answered: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Every unit's score and unanswered count, scales first (a total may combine them)."""
    units = instrument.units
    codes = [u.code for u in units]
    n = keyed.shape[0]
    scores = np.full((n, len(units)), np.nan)
    missing = np.zeros((n, len(units)), dtype=np.int16)
    low = instrument.value_range[0]
    for j, unit in enumerate(units):
        if unit.scales:
            cols = [codes.index(c) for c in unit.scales]
            scores[:, j], missing[:, j] = _from_scales(unit, scores[:, cols], missing[:, cols])
        else:
            scores[:, j], missing[:, j] = _from_items(unit, keyed, answered, low)
    return scores, missing


def _check_values(x: np.ndarray, instrument: Instrument) -> None:
    allowed = np.array([o.value for o in instrument.options])
    bad = ~np.isnan(x) & ~np.isin(x, allowed)
    if bad.any():
        rows, cols = np.nonzero(bad)
        listed = [f"第 {r + 1} 份答卷第 {c + 1} 题：{x[r, c]:g}"
                  for r, c in zip(rows[:20].tolist(), cols[:20].tolist(), strict=True)]
        raise BadInputError(f"有 {len(rows)} 个答案不是{instrument.label}的选项分值",
                            problems=listed)


def _reverse(x: np.ndarray, instrument: Instrument) -> np.ndarray:
    if not instrument.reverse:
        return x
    low, high = instrument.value_range
    keyed = x.copy()
    cols = np.array(instrument.reverse) - 1
    keyed[:, cols] = (low + high) - x[:, cols]
    return keyed


def _from_items(unit: Scale, keyed: np.ndarray, answered: np.ndarray, low: float
                ) -> tuple[np.ndarray, np.ndarray]:
    cols = np.array(unit.items) - 1
    k = len(cols)
    count = answered[:, cols].sum(axis=1)
    if unit.method == "count":
        with np.errstate(invalid="ignore"):
            total = (keyed[:, cols] >= unit.at_least - EPS).sum(axis=1).astype(float)
    else:
        total = np.nansum(keyed[:, cols], axis=1)
    missing = k - count
    ok = (missing <= unit.max_missing) & (count > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        if unit.kind == "validity":  # never prorated: what was answered, the rest lowest
            raw = total + missing * low if unit.method == "sum" else (total + missing * low) / k
        elif unit.method == "mean":
            raw = total / count
        else:
            # Multiply before dividing: a prorated score that is a whole number comes out exact.
            raw = total * k / count
    return _finish(unit, np.where(ok, raw, np.nan)), missing.astype(np.int16)


def _from_scales(unit: Scale, parts: np.ndarray, parts_missing: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    raw = parts.sum(axis=1) if unit.method == "sum" else parts.mean(axis=1)
    return _finish(unit, raw), parts_missing.sum(axis=1).astype(np.int16)


def _finish(unit: Scale, raw: np.ndarray) -> np.ndarray:
    scaled = raw * unit.multiplier
    if unit.rounding == "floor":
        return np.floor(scaled + EPS)
    if unit.rounding == "round":
        return np.floor(scaled + 0.5 + EPS)
    return scaled


def _standard(instrument: Instrument, scores: np.ndarray, gender: np.ndarray | None,
              grade: np.ndarray | None) -> np.ndarray:
    """Standard scores by step lookup; the first table matching a sheet wins."""
    n = scores.shape[0]
    standard = np.full(scores.shape, np.nan)
    if not instrument.norms:
        return standard
    genders = np.asarray(gender if gender is not None else [""] * n, dtype=object)
    grades = np.asarray(grade if grade is not None else [0] * n, dtype=float)
    codes = [u.code for u in instrument.units]
    for table in instrument.norms:
        j = codes.index(table.scale)
        raw = scores[:, j]
        match = np.isnan(standard[:, j]) & ~np.isnan(raw)
        if table.gender != "*":
            match &= genders == table.gender
        if table.grades:
            match &= np.isin(grades, table.grades)
        pos = np.searchsorted(np.array(table.raw), raw + EPS, side="right") - 1
        match &= pos >= 0
        looked_up = np.array(table.standard)[np.clip(pos, 0, len(table.raw) - 1)]
        standard[:, j] = np.where(match, looked_up, standard[:, j])
    return standard


def _failed(instrument: Instrument, x: np.ndarray, scores: np.ndarray,
            seconds: np.ndarray | None) -> np.ndarray:
    """(n, reasons) bool in the order of `ScoreResult.reasons`."""
    codes = [u.code for u in instrument.units]
    n = scores.shape[0]
    failed = np.zeros((n, len(instrument.validity) + 3), dtype=bool)
    incomplete = np.zeros(n, dtype=bool)
    for k, rule in enumerate(instrument.validity):
        s = scores[:, codes.index(rule.scale)]
        hit = s >= rule.threshold - EPS if rule.comparison == ">=" else s > rule.threshold + EPS
        failed[:, k] = hit & ~np.isnan(s)
        incomplete |= np.isnan(s)
    checks = instrument.checks
    if seconds is not None and checks.seconds_per_item > 0:
        taken = np.asarray(seconds, dtype=float)
        with np.errstate(invalid="ignore"):
            failed[:, -3] = taken < checks.seconds_per_item * instrument.item_count - EPS
    failed[:, -2] = _uniform(x, checks.uniform, *instrument.value_range)
    if TOTAL in codes:
        incomplete |= np.isnan(scores[:, codes.index(TOTAL)])
    else:
        incomplete |= np.isnan(scores).any(axis=1)
    failed[:, -1] = incomplete
    return failed


def _uniform(x: np.ndarray, mode: str, low: float, high: float) -> np.ndarray:
    """Sheets whose answered items (at least two) all carry the same option."""
    if mode == "off" or x.shape[1] < 2:
        return np.zeros(x.shape[0], dtype=bool)
    blank = np.isnan(x)
    largest = np.where(blank, -np.inf, x).max(axis=1)
    smallest = np.where(blank, np.inf, x).min(axis=1)
    same = ((~blank).sum(axis=1) >= 2) & (largest == smallest)
    if mode == "except_ends":
        return same & (smallest != low) & (smallest != high)
    return same


def _critical(instrument: Instrument, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    cols = np.array([c.item for c in instrument.critical], dtype=int) - 1
    above = np.array([c.above for c in instrument.critical])
    answers = x[:, cols]
    with np.errstate(invalid="ignore"):
        return answers > above + EPS, np.isnan(answers)
