"""PHQ-9 and GAD-7 golden sheets (0 完全不会 … 3 几乎每天; total = sum).

PHQ-9: 0–4 minimal, 5–9 mild, 10–14 moderate, 15–19 moderately severe, 20–27 severe;
item 9 > 0 is a crisis signal whatever the total.
GAD-7: 0–4, 5–9, 10–14, 15–21.
"""

from __future__ import annotations

import numpy as np
import pytest

from app.instruments import score
from tests.instruments.instrument_sheets import batch, sheet, spread_total


def test_shipped_wording_and_source(phq9, gad7):
    assert phq9.item_count == 9 and gad7.item_count == 7
    assert all(item.text for item in phq9.items) and all(item.text for item in gad7.items)
    assert "伤害自己" in phq9.items[8].text
    assert "phqscreeners" in phq9.wording_source and "phqscreeners" in gad7.wording_source
    assert [o.label for o in phq9.options] == ["完全不会", "好几天", "一半以上的天数", "几乎每天"]


def test_item_9_is_critical_even_with_a_low_total(phq9):
    # Only item 9 = 1 (好几天): total 1 → minimal, but the answer alone calls for a
    # same-day assessment — 重点关注, not 危机 by itself (Kroenke 2001, PHQ instructions).
    r = score(phq9, batch(sheet(9, 0, {9: 1})))
    rec = r.records()[0]
    assert rec["total"] == 1 and rec["bands"]["total"] == "minimal"
    assert rec["critical"] == [9] and rec["critical_answers"] == {"9": "好几天"}
    assert rec["warning"] == "key"
    assert any("第 9 题" in n for n in rec["notes"])


def test_item_9_zero_is_not_critical(phq9):
    r = score(phq9, batch(sheet(9, 0, {1: 3, 2: 3})))  # 6, mild: no suggestion (Kroenke 2001)
    assert r.records()[0]["critical"] == [] and r.records()[0]["warning"] == "none"


def test_item_9_unanswered_is_not_taken_as_zero(phq9):
    # Items 1–8 all 0, item 9 blank: total prorated 0 × 9/8 = 0, but the blank critical
    # item asks for a face-to-face check (一般关注), never silently "no risk".
    r = score(phq9, batch(sheet(9, 0, missing=[9])))
    rec = r.records()[0]
    assert rec["total"] == 0 and rec["critical"] == [] and rec["critical_missing"] == [9]
    assert rec["warning"] == "general"
    assert any("未作答" in n for n in rec["notes"])


@pytest.mark.parametrize(("total", "band", "warning"), [
    (0, "minimal", "none"), (4, "minimal", "none"),
    (5, "mild", "none"), (9, "mild", "none"),
    (10, "moderate", "general"), (14, "moderate", "general"),
    (15, "moderately_severe", "key"), (19, "moderately_severe", "key"),
    (20, "severe", "key"), (24, "severe", "key"),
])
def test_phq9_every_cutoff(phq9, total, band, warning):
    # Kroenke, Spitzer & Williams 2001: mild is watchful waiting, ≥10 further evaluation.
    # The total spread over items 1–8 (3 each at most), item 9 left at 0.
    r = score(phq9, batch(spread_total(total, range(1, 9), 9)))
    assert r.scores[0, r.column("total")] == total
    assert r.band_codes("total").tolist() == [band]
    assert r.warning_codes().tolist() == [warning]


def test_phq9_maximum(phq9):
    # 9 × 3 = 27: item 9 at its most severe option and the total severe agree → crisis.
    r = score(phq9, batch(sheet(9, 3)))
    rec = r.records()[0]
    assert rec["total"] == 27 and rec["bands"]["total"] == "severe"
    assert rec["warning"] == "crisis"


def test_phq9_two_missing_are_prorated(phq9):
    # Items 1–7 = 2,2,2,1,1,1,1 (sum 10), 8 and 9 blank: 10 × 9 / 7 = 12.86 → 13 (moderate).
    r = score(phq9, batch(sheet(9, 0, {1: 2, 2: 2, 3: 2, 4: 1, 5: 1, 6: 1, 7: 1},
                                missing=[8, 9])))
    rec = r.records()[0]
    assert rec["total"] == 13 and rec["bands"]["total"] == "moderate"
    assert rec["missing"]["total"] == 2 and rec["valid"] is True
    assert rec["critical_missing"] == [9] and rec["warning"] == "general"
    assert rec["prorated_cut"] == []  # the answered 10 is moderate already


def test_phq9_three_missing_leave_no_total(phq9):
    r = score(phq9, batch(sheet(9, 1, missing=[1, 2, 3])))
    rec = r.records()[0]
    assert rec["total"] is None and rec["valid"] is False
    assert rec["warning"] == "key"  # item 9 = 1 still counts on an invalid sheet


@pytest.mark.parametrize(("total", "band", "warning"), [
    (0, "minimal", "none"), (4, "minimal", "none"), (5, "mild", "none"),
    (9, "mild", "none"), (10, "moderate", "general"), (14, "moderate", "general"),
    (15, "severe", "key"), (21, "severe", "key"),
])
def test_gad7_every_cutoff(gad7, total, band, warning):
    # Spitzer et al. 2006: ≥10 the screening cut-off; mild stays in the band.
    r = score(gad7, batch(spread_total(total, range(1, 8), 7)))
    assert r.scores[0, r.column("total")] == total
    assert r.band_codes("total").tolist() == [band]
    assert r.warning_codes().tolist() == [warning]


def test_gad7_missing(gad7):
    # Items 1–6 = 3,3,3,0,0,1 (sum 10), item 7 blank: 10 × 7 / 6 = 11.67 → 12 (moderate).
    one = sheet(7, 0, {1: 3, 2: 3, 3: 3, 6: 1}, missing=[7])
    two = sheet(7, 0, {1: 3, 2: 3, 3: 3, 6: 1}, missing=[6, 7])
    r = score(gad7, batch(one, two))
    assert r.scores[:, 0][0] == 12 and np.isnan(r.scores[1, 0])
    assert r.valid.tolist() == [True, False]
