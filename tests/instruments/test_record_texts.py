"""The stored JSON documents, written column by column from the score arrays, against a
plain per-sheet reference: the dict each sheet's fields give, through json.dumps.

The reference is how results were stored before the column-wise writer, so a result
stored by either reads the same."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.instruments import load_definition_file, load_instrument, score
from app.instruments.model import TOTAL, Instrument
from app.instruments.records import MISSING_NOTE, reason_texts
from app.instruments.scoring import ScoreResult
from app.instruments.warning import CODES_BY_SEVERITY

DATA = Path(__file__).parent / "data"
INSTRUMENTS: dict[str, Instrument] = {
    code: load_instrument(code) for code in ("mht", "mssmhs", "phq9", "gad7")
} | {name: load_definition_file(DATA / f"{name}.toml")
     for name in ("sds", "norm_demo", "scl90")}


def _reference(r: ScoreResult, i: int) -> dict:
    """Sheet i's record, field by field in the order the documents keep."""
    instrument, units = r.definition, r.definition.units
    texts = reason_texts(instrument)
    notes = [texts[code] for code, hit in zip(r.reasons, r.failed[i], strict=True) if hit]
    for j, unit in enumerate(units):
        m = int(r.missing[i, j])
        if m and unit.items and math.isnan(r.scores[i, j]):
            notes.append(f"「{unit.name}」有 {m} 题未答（最多可缺 {unit.max_missing} 题），不计分")
        elif m and unit.items:
            notes.append(f"「{unit.name}」有 {m} 题未答，按已答题目的平均分折算")
        if r.prorated_cut[i, j]:
            notes.append(f"「{unit.name}」只答了 {len(unit.items) - m} 题，按比例折算后为"
                         f"「{unit.bands[r.bands[i, j]].label}」，已答题目本身只到"
                         f"「{unit.bands[r.answered_bands[i, j]].label}」：建议预警按已答题目计")
    for k, rule in enumerate(instrument.critical):
        if r.critical[i, k]:
            notes.append(rule.message)
        elif r.critical_missing[i, k]:
            notes.append(rule.missing_message or f"关键题第 {rule.item} 题未作答，请当面确认")

    def number(x: float) -> float | None:
        return None if math.isnan(x) else float(x)

    return {
        "instrument": r.instrument, "version": r.version, "valid": bool(r.valid[i]),
        "reasons": [c for c, hit in zip(r.reasons, r.failed[i], strict=True) if hit],
        "scales": {u.code: number(r.scores[i, j]) for j, u in enumerate(units)
                   if u.code != TOTAL},
        "total": number(r.scores[i, -1]) if instrument.total is not None else None,
        "standard": {u.code: float(r.standard[i, j]) for j, u in enumerate(units)
                     if not math.isnan(r.standard[i, j])},
        "bands": {u.code: (u.bands[r.bands[i, j]].code if r.bands[i, j] >= 0 else None)
                  for j, u in enumerate(units) if u.bands},
        "missing": {u.code: int(r.missing[i, j]) for j, u in enumerate(units)},
        "unanswered": int(r.unanswered[i]),
        "prorated_cut": [u.code for j, u in enumerate(units) if r.prorated_cut[i, j]],
        "critical": [c.item for k, c in enumerate(instrument.critical) if r.critical[i, k]],
        "critical_missing": [c.item for k, c in enumerate(instrument.critical)
                             if r.critical_missing[i, k]],
        "critical_answers": {str(c.item): instrument.option_label(r.critical_values[i, k])
                             for k, c in enumerate(instrument.critical) if r.critical[i, k]},
        "warning": CODES_BY_SEVERITY[r.warning[i]],
        "notes": notes,
    }


@st.composite
def batches(draw, instrument: Instrument):
    """Sheets with blanks (none to most), genders and grades (the norm tables need them)."""
    n = draw(st.integers(0, 15))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.choice([o.value for o in instrument.options], size=(n, instrument.item_count))
    x[rng.random(x.shape) < draw(st.sampled_from([0.0, 0.03, 0.2, 0.7]))] = np.nan
    gender = rng.choice(np.array(["M", "F", ""], dtype=object), n)
    grade = rng.choice([np.nan, 7.0, 8.0, 9.0, 10.0], n)
    return x, gender, grade


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
def test_documents_are_the_reference_records_as_json_dumps_writes_them(code):
    instrument = INSTRUMENTS[code]

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(batches(instrument))
    def check(batch):
        r = score(instrument, *batch)
        expected = [_reference(r, i) for i in range(len(r))]
        assert r.record_texts() == [json.dumps(d, ensure_ascii=False) for d in expected]
        assert r.records() == expected
        assert r.joined_notes("；") == ["；".join(d["notes"]) for d in expected]

    check()


def test_the_writer_covers_every_kind_of_note(mht, phq9, norm_demo):
    """The random batches above must reach each branch: a lie-scale verdict, a prorated
    and an unscored scale, the missing-total rule, critical answers and critical blanks,
    and standard scores."""
    lie = np.zeros((1, 100))
    lie[0, [81, 83, 85, 87, 89, 91, 93, 95, 97, 99]] = 1
    prorated, unscored = np.zeros((1, 100)), np.zeros((1, 100))
    prorated[0, 0] = np.nan
    unscored[0, :40] = np.nan
    cut = np.zeros((1, 100))
    cut[0, 1:8], cut[0, 0] = 1, np.nan  # 学习焦虑 7 of 14 → 7.5 → 8 only by proration
    result = score(mht, np.vstack([lie, prorated, unscored, cut]),
                   seconds=np.array([10.0, 500, 500, 500]))
    notes = result.joined_notes(" | ")
    assert "测谎" in notes[0] or "效度" in notes[0]
    assert "作答用时过短" in notes[0]
    assert "按已答题目的平均分折算" in notes[1] and "同一个选项" in notes[1]
    assert "不计分" in notes[2] and MISSING_NOTE in notes[2]
    assert "按比例折算后为「高分」" in notes[3] and result.prorated_cut[3].any()
    critical = score(phq9, np.array([[0] * 8 + [2], [0] * 8 + [np.nan]])).records()
    assert critical[0]["critical"] == [9] and critical[1]["critical_missing"] == [9]
    standard = score(norm_demo, np.ones((1, 4)), np.array(["M"], dtype=object),
                     np.array([7.0])).records()[0]["standard"]
    assert standard
