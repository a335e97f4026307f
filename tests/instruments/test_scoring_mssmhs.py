"""MSSMHS golden sheets, by hand from the key (王极盛 1997, reference/instruments.md):

1 无 … 5 严重; factor = mean of its 6 items; total = mean of all 60.
Bands: <2 none, 2–2.99 mild (轻度), 3–3.99 moderate, 4–4.99 severe (偏重), 5 extreme.
"""

from __future__ import annotations

import numpy as np
import pytest

from app.instruments import score
from app.instruments.bands import band_index
from tests.instruments.instrument_sheets import batch, sheet

FACTORS = {
    "obsessive": [3, 10, 12, 22, 23, 48],
    "paranoia": [11, 20, 24, 26, 47, 49],
    "hostility": [19, 21, 25, 50, 52, 58],
    "interpersonal": [4, 17, 18, 45, 51, 59],
    "depression": [5, 13, 14, 16, 44, 57],
    "anxiety": [6, 15, 34, 43, 46, 56],
    "academic_pressure": [31, 33, 36, 38, 40, 55],
    "maladjustment": [1, 8, 9, 29, 39, 41],
    "emotional_instability": [2, 7, 27, 32, 35, 53],
    "psychological_imbalance": [28, 30, 37, 42, 54, 60],
}

# Answers per factor, in the item order above.
GOLDEN = {
    "obsessive": [2, 2, 2, 2, 2, 1],            # 11 / 6 = 1.8333 → none
    "paranoia": [2, 2, 2, 2, 2, 2],             # 12 / 6 = 2.0    → mild
    "hostility": [3, 3, 3, 3, 3, 2],            # 17 / 6 = 2.8333 → mild
    "interpersonal": [3, 3, 3, 3, 3, 3],        # 18 / 6 = 3.0    → moderate
    "depression": [4, 4, 4, 4, 4, 3],           # 23 / 6 = 3.8333 → moderate
    "anxiety": [4, 4, 4, 4, 4, 4],              # 24 / 6 = 4.0    → severe
    "academic_pressure": [5, 5, 5, 5, 5, 4],    # 29 / 6 = 4.8333 → severe
    "maladjustment": [5, 5, 5, 5, 5, 5],        # 30 / 6 = 5.0    → extreme
    "emotional_instability": [1, 1, 1, 1, 1, 1],  # 6 / 6 = 1.0  → none
    "psychological_imbalance": [1, 1, 1, 1, 1, 2],  # 7 / 6 = 1.1667 → none
}
# Total: 11+12+17+18+23+24+29+30+6+7 = 177 → 177 / 60 = 2.95 → mild.


def golden_sheet(missing=()) -> np.ndarray:
    answers = {n: v for code, values in GOLDEN.items()
               for n, v in zip(FACTORS[code], values, strict=True)}
    return sheet(60, 0, answers, missing=missing)


def test_factor_items_match_the_reference(mssmhs):
    assert {s.code: list(s.items) for s in mssmhs.scales} == FACTORS
    assert all(s.method == "mean" for s in mssmhs.units)


def test_golden_sheet(mssmhs):
    r = score(mssmhs, batch(golden_sheet()))
    rec = r.records()[0]
    expected = {"obsessive": 11 / 6, "paranoia": 2.0, "hostility": 17 / 6,
                "interpersonal": 3.0, "depression": 23 / 6, "anxiety": 4.0,
                "academic_pressure": 29 / 6, "maladjustment": 5.0,
                "emotional_instability": 1.0, "psychological_imbalance": 7 / 6}
    assert rec["scales"] == pytest.approx(expected)
    assert rec["total"] == pytest.approx(2.95)
    assert rec["bands"] == {
        "obsessive": "none", "paranoia": "mild", "hostility": "mild",
        "interpersonal": "moderate", "depression": "moderate", "anxiety": "severe",
        "academic_pressure": "severe", "maladjustment": "extreme",
        "emotional_instability": "none", "psychological_imbalance": "none", "total": "mild",
    }
    # Severe factors (anxiety, academic_pressure) and extreme (maladjustment) → 重点关注.
    assert rec["warning"] == "key"


@pytest.mark.parametrize(("score_value", "band"), [
    (1.0, "none"), (1.99, "none"), (2.0, "mild"), (2.99, "mild"), (2.995, "mild"),
    (3.0, "moderate"), (3.99, "moderate"), (4.0, "severe"), (4.99, "severe"),
    (5.0, "extreme"),
])
def test_band_boundaries_on_means(mssmhs, score_value, band):
    bands = mssmhs.total.bands
    assert bands[band_index(np.array([score_value]), bands)[0]].code == band


@pytest.mark.parametrize(("base", "raised", "expected_total", "band"), [
    (1, 59, 119 / 60, "none"),      # 60 + 59 = 119 → 1.9833
    (1, 60, 2.0, "mild"),           # all 2 → 2.0
    (2, 59, 179 / 60, "mild"),      # 120 + 59 = 179 → 2.9833
    (2, 60, 3.0, "moderate"),
    (3, 59, 239 / 60, "moderate"),  # 3.9833
    (3, 60, 4.0, "severe"),
    (4, 59, 299 / 60, "severe"),    # 4.9833
    (4, 60, 5.0, "extreme"),
])
def test_total_mean_boundaries(mssmhs, base, raised, expected_total, band):
    # All items `base`, the first `raised` items one point higher.
    row = sheet(60, base, {n: base + 1 for n in range(1, raised + 1)})
    r = score(mssmhs, batch(row))
    assert r.scores[0, r.column("total")] == pytest.approx(expected_total)
    assert r.band_codes("total").tolist() == [band]


def test_total_warning_levels(mssmhs):
    # (xml688.com: "≥2 需要引起注意" — shown as 轻度, not suggested.) One answer differs
    # on each sheet, so none is one option throughout (疑似无效).
    # All 2, item 1 = 3: total 121/60 = 2.02 and every factor 轻度 → no suggestion.
    # All 3, item 1 = 4, item 57 = 2: total 180/60 = 3.0 中度 → 重点关注 (57 = 2 is
    # below its critical threshold); factors 中度 would give 一般关注 only.
    # All 1, item 1 = 2: nothing.
    mild = sheet(60, 2, {1: 3})
    moderate = sheet(60, 3, {1: 4, 57: 2})
    r = score(mssmhs, batch(mild, moderate, sheet(60, 1, {1: 2})))
    assert r.band_codes("total").tolist() == ["mild", "moderate", "none"]
    assert r.warning_codes().tolist() == ["none", "key", "none"]
    assert r.valid.all()


def test_missing_answer_in_a_factor_is_averaged_over_answered_items(mssmhs):
    # Depression without item 57 (the 3): 4+4+4+4+4 = 20 / 5 = 4.0 → severe.
    # Total: (177 − 3) / 59 = 174 / 59 = 2.949.
    r = score(mssmhs, batch(golden_sheet(missing=[57])))
    rec = r.records()[0]
    assert rec["scales"]["depression"] == 4.0
    assert rec["bands"]["depression"] == "severe"
    assert rec["total"] == pytest.approx(174 / 59)
    assert rec["missing"]["depression"] == 1


def test_two_missing_in_a_factor_leaves_it_unscored(mssmhs):
    r = score(mssmhs, batch(golden_sheet(missing=[5, 13])))
    rec = r.records()[0]
    assert rec["scales"]["depression"] is None and rec["bands"]["depression"] is None
    assert rec["valid"] is True  # 58 of 60 answered: the total still scores


def test_seven_missing_invalidates_the_total(mssmhs):
    r = score(mssmhs, batch(golden_sheet(missing=range(1, 8))))
    rec = r.records()[0]
    assert rec["total"] is None and rec["valid"] is False and rec["reasons"] == ["missing"]
