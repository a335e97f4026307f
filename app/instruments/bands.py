"""Bands of a scale: checking a definition's ranges, and placing scores in them.

A band covers [min, below). Published cut-offs are written as closed integer ranges
("5-9", "10-14") or as decimals ("2-2.99"); half-open ranges say both without gaps
for prorated or averaged scores (9.5, 2.995), which closed ranges would leave unbanded.
The definition writes `min` and `below` explicitly so a typo shows as a gap or overlap
instead of silently moving a boundary.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from app.instruments.model import Band
from app.instruments.problems import DefinitionProblems
from app.instruments.warning import WarningLevel

EPS = 1e-9
"""Tolerance for float noise (2.9999999999 from 0.1-steps must still reach a 3 band)."""

_BAND_KEYS = {"code", "label", "min", "below", "warning", "wording", "suggestion", "to_confirm",
              "elevated"}


def build_bands(value: Any, where: str, score_range: tuple[float, float] | None,
                p: DefinitionProblems,
                read_warning: Callable[[dict, str, str], WarningLevel]) -> tuple[Band, ...]:
    """Check and convert a unit's band list; `score_range` None skips the coverage check
    (standard-score bands, whose range only the norm tables know)."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        p.add(where, "应为表数组（[[…bands]]）或区间组名称")
        return ()
    bands: list[Band] = []
    for i, entry in enumerate(value):
        key = f"{where}[{i + 1}]"
        for unknown in sorted(set(entry) - _BAND_KEYS):
            p.add(f"{key}.{unknown}", "未知的键")
        low, high = entry.get("min", -math.inf), entry.get("below", math.inf)
        if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in (low, high)):
            p.add(key, "min / below 应为数字")
            continue
        code, label = entry.get("code"), entry.get("label")
        if not (isinstance(code, str) and code and isinstance(label, str) and label):
            p.add(key, "需要 code 和 label")
            continue
        if any(b.code == code for b in bands):
            p.add(f"{key}.code", f"区间代码「{code}」重复")
        if not low < high:
            p.add(key, f"区间「{label}」为空：min {low:g} 不小于 below {high:g}")
        warning = read_warning(entry, "warning", f"{key}.warning")
        elevated = entry.get("elevated", warning is not WarningLevel.NONE)
        if not isinstance(elevated, bool):
            p.add(f"{key}.elevated", "应为 true 或 false")
            elevated = False
        bands.append(Band(
            code=code, label=label, min=float(low), below=float(high), warning=warning,
            wording=str(entry.get("wording", "")), suggestion=str(entry.get("suggestion", "")),
            to_confirm=bool(entry.get("to_confirm", False)), elevated=elevated,
        ))
    bands.sort(key=lambda b: b.min)
    for a, b in itertools.pairwise(bands):
        if a.below < b.min:
            p.add(where, f"区间「{a.label}」与「{b.label}」之间有空缺：{a.below:g} 到 {b.min:g} "
                         "的分数没有对应的区间")
        elif a.below > b.min:
            p.add(where, f"区间「{a.label}」与「{b.label}」重叠：{b.min:g} 到 {a.below:g} "
                         "的分数同时属于两个区间")
    if bands and score_range is not None:
        low, high = score_range
        if bands[0].min > low + EPS:
            p.add(where, f"分数可低至 {low:g}，但最低的区间从 {bands[0].min:g} 开始")
        if bands[-1].below <= high:
            p.add(where, f"分数可高至 {high:g}，但最高的区间止于 {bands[-1].below:g}（不含）")
    return tuple(bands)


def band_index(scores: np.ndarray, bands: tuple[Band, ...]) -> np.ndarray:
    """The band each score falls in (int8), -1 for no score or outside every band."""
    if not bands:
        return np.full(scores.shape, -1, dtype=np.int8)
    mins = np.array([b.min for b in bands])
    belows = np.array([b.below for b in bands])
    nudged = scores + EPS
    idx = np.searchsorted(mins, nudged, side="right") - 1
    safe = np.clip(idx, 0, len(bands) - 1)
    inside = (idx >= 0) & (nudged < belows[safe]) & ~np.isnan(scores)
    return np.where(inside, idx, -1).astype(np.int8)
