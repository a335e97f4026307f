"""A score result as one plain dict per sheet, with the Chinese notes a teacher reads.

The arrays are what the app computes with; these dicts are what it stores and shows.
The notes say in words everything the numbers leave implicit (a prorated scale, a scale
left unscored, a lie-scale verdict, a critical answer), so none of it can be missed.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from app.instruments.model import TOTAL
from app.instruments.warning import CODES_BY_SEVERITY

if TYPE_CHECKING:
    from app.instruments.scoring import ScoreResult

MISSING_NOTE = "未作答的题目过多，无法计算总分或判断效度，本份答卷无效"


def build_records(result: ScoreResult) -> list[dict[str, Any]]:
    instrument = result.definition
    units = instrument.units
    scores, standard = result.scores.tolist(), result.standard.tolist()
    bands, missing = result.bands.tolist(), result.missing.tolist()
    failed, valid = result.failed.tolist(), result.valid.tolist()
    critical, critical_missing = result.critical.tolist(), result.critical_missing.tolist()
    warnings, unanswered = result.warning.tolist(), result.unanswered.tolist()
    band_codes = [[b.code for b in u.bands] for u in units]
    rules = {r.code: r for r in instrument.validity}
    records = []
    for i in range(len(result)):
        row_scores, row_bands, row_missing = scores[i], bands[i], missing[i]
        notes: list[str] = []
        for code, hit in zip(result.reasons, failed[i], strict=True):
            if hit:
                notes.append(rules[code].message if code in rules else MISSING_NOTE)
        for j, unit in enumerate(units):
            m = row_missing[j]
            if m and unit.items and math.isnan(row_scores[j]):
                notes.append(f"「{unit.name}」有 {m} 题未答（最多可缺 {unit.max_missing} 题），"
                             "不计分")
            elif m and unit.items:
                notes.append(f"「{unit.name}」有 {m} 题未答，按已答题目的平均分折算")
        for k, rule in enumerate(instrument.critical):
            if critical[i][k]:
                notes.append(rule.message)
            elif critical_missing[i][k]:
                notes.append(rule.missing_message or f"关键题第 {rule.item} 题未作答，请当面确认")
        records.append({
            "instrument": result.instrument,
            "version": result.version,
            "valid": valid[i],
            "reasons": [c for c, hit in zip(result.reasons, failed[i], strict=True) if hit],
            "scales": {u.code: _number(row_scores[j]) for j, u in enumerate(units)
                       if u.code != TOTAL},
            "total": _number(row_scores[-1]) if instrument.total is not None else None,
            "standard": {u.code: standard[i][j] for j, u in enumerate(units)
                         if not math.isnan(standard[i][j])},
            "bands": {u.code: (band_codes[j][row_bands[j]] if row_bands[j] >= 0 else None)
                      for j, u in enumerate(units) if u.bands},
            "missing": {u.code: row_missing[j] for j, u in enumerate(units)},
            "unanswered": unanswered[i],
            "critical": [c.item for k, c in enumerate(instrument.critical) if critical[i][k]],
            "critical_missing": [c.item for k, c in enumerate(instrument.critical)
                                 if critical_missing[i][k]],
            "warning": CODES_BY_SEVERITY[warnings[i]],
            "notes": notes,
        })
    return records


def _number(x: float) -> float | None:
    return None if math.isnan(x) else x
