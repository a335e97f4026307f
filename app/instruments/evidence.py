"""What a stored result shows a counsellor deciding on a student: the evidence, read
from the stored document with the instrument, never re-derived from rules.

The review queue, the command line's review list and reports all need the same few
facts — the total and its band, the scales above their cut-off, each critical answer
with the option given, why a sheet is 疑似无效, which bands were reached only by
proration. The document (records.py) holds codes; this module turns them into words
with the definition's labels. Documents stored before a key existed simply lack it:
a missing key reads as empty, so an old result shows what it has.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.instruments.model import TOTAL, Band, Instrument, Scale

VALIDITY_LABELS = {"too_fast": "作答过快", "uniform": "全部选同一选项", "missing": "缺答过多"}
"""Short names of the validity reasons that are not a definition's own rule."""


@dataclass(frozen=True)
class ScaleEvidence:
    """One scale (or the total) with its score and band as stored."""

    code: str
    name: str
    score: float | None
    band: str
    band_label: str
    warning: str
    prorated: bool
    """The band was reached only by proration (按比例折算): its suggestion was lowered."""
    answered: int
    items: int

    @property
    def text(self) -> str:
        """"抑郁 3.5（中度）"; a band reached only by proration says so with the count:
        "总分 10（中度，按比例折算，已答 7/9 题）"."""
        shown = "—" if self.score is None else _number(self.score)
        band = self.band_label
        if self.prorated:
            band += f"，按比例折算，已答 {self.answered}/{self.items} 题"
        return f"{self.name} {shown}（{band}）" if band else f"{self.name} {shown}"


@dataclass(frozen=True)
class CriticalEvidence:
    item: int
    answer: str
    """The option's wording as answered ("" when the document predates it and no
    answers were given)."""
    message: str

    @property
    def text(self) -> str:
        return f"第 {self.item} 题：{self.answer}" if self.answer else f"第 {self.item} 题"


@dataclass(frozen=True)
class Evidence:
    valid: bool
    total: ScaleEvidence | None
    elevated: tuple[ScaleEvidence, ...]
    """Scales and the total whose band is above the cut-off (band.elevated), in the
    instrument's order."""
    critical: tuple[CriticalEvidence, ...]
    critical_missing: tuple[int, ...]
    validity: tuple[str, ...]
    """Why the sheet is 疑似无效, short names in Chinese (empty for a valid sheet)."""
    prorated: tuple[ScaleEvidence, ...]
    """Every unit whose band was reached only by proration (elevated or not)."""

    def summary(self) -> str:
        """One line for a table cell or a CSV column, most urgent first."""
        parts = [f"关键题 {c.text}" for c in self.critical]
        parts += [f"关键题第 {n} 题未作答" for n in self.critical_missing]
        if self.validity:
            parts.append("疑似无效：" + "、".join(self.validity))
        parts += [e.text for e in self.elevated]
        parts += [e.text for e in self.prorated if e not in self.elevated]
        return "；".join(parts)


def evidence(instrument: Instrument, document: Mapping[str, Any],
             answers: Sequence[float | None] | None = None) -> Evidence:
    """The evidence of one stored result. `answers` (the stored answer list) names the
    option of a critical item for documents stored before "critical_answers" existed."""
    scores = {**(document.get("scales") or {}), TOTAL: document.get("total")}
    bands = document.get("bands") or {}
    missing = document.get("missing") or {}
    prorated_codes = set(document.get("prorated_cut") or ())
    units = {u.code: u for u in instrument.units}
    shown: list[ScaleEvidence] = []
    for unit in instrument.units:
        band = _band(unit, bands.get(unit.code))
        shown.append(ScaleEvidence(
            code=unit.code, name=unit.name, score=_score(scores.get(unit.code)),
            band=band.code if band else "", band_label=band.label if band else "",
            warning=band.warning.value if band else "none",
            prorated=unit.code in prorated_codes,
            answered=_items(instrument, unit) - int(missing.get(unit.code, 0)),
            items=_items(instrument, unit)))
    elevated = tuple(e for e in shown if (band := _band(units[e.code], e.band)) is not None
                     and band.elevated)
    total = next((e for e in shown if e.code == TOTAL), None)
    return Evidence(
        valid=bool(document.get("valid", True)), total=total, elevated=elevated,
        critical=_critical(instrument, document, answers),
        critical_missing=tuple(int(n) for n in document.get("critical_missing") or ()),
        validity=tuple(_validity_label(instrument, code)
                       for code in document.get("reasons") or ()),
        prorated=tuple(e for e in shown if e.prorated),
    )


def _critical(instrument: Instrument, document: Mapping[str, Any],
              answers: Sequence[float | None] | None) -> tuple[CriticalEvidence, ...]:
    given = document.get("critical_answers") or {}
    rules = {c.item: c for c in instrument.critical}
    found = []
    for raw in document.get("critical") or ():
        item = int(raw)
        answer = given.get(str(item), "")
        if not answer and answers is not None and item <= len(answers):
            value = answers[item - 1]
            answer = "" if value is None else instrument.option_label(float(value))
        rule = rules.get(item)
        found.append(CriticalEvidence(item, answer, rule.message if rule else ""))
    return tuple(found)


def _validity_label(instrument: Instrument, code: str) -> str:
    rule = next((r for r in instrument.validity if r.code == code), None)
    if rule is not None:
        return f"{rule.name}超过界限"
    return VALIDITY_LABELS.get(code, code)


def _items(instrument: Instrument, unit: Scale) -> int:
    """How many items feed a unit (a total built from scales: theirs together)."""
    return len(unit.items) or sum(len(instrument.unit(c).items) for c in unit.scales)


def _band(unit: Scale, code: str | None) -> Band | None:
    return next((b for b in unit.bands if b.code == code), None) if code else None


def _score(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}".rstrip("0")
