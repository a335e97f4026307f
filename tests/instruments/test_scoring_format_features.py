"""What the format can express beyond the shipped instruments: SDS's reverse-keyed items,
×1.25 multiplier and truncation (a test fixture, not shipped), and norm tables."""

from __future__ import annotations

import numpy as np
import pytest

from app.instruments import score
from tests.instruments.instrument_sheets import batch

REVERSE = [2, 5, 6, 11, 12, 14, 16, 17, 18, 20]
FORWARD = [n for n in range(1, 21) if n not in REVERSE]


def sds_sheet(raw: int) -> np.ndarray:
    """A sheet whose raw (keyed) sum is `raw`, 20–80.

    Start from the lowest: forward items 1, reverse items 4 (keyed 5 − 4 = 1) → raw 20;
    then add up to 3 per forward item, then lower reverse items one step at a time."""
    row = np.ones(20)
    row[np.array(REVERSE) - 1] = 4
    extra = raw - 20
    for n in FORWARD + REVERSE:
        step = min(3, extra)
        row[n - 1] += step if n in FORWARD else -step
        extra -= step
    assert extra == 0
    return row


def test_sds_all_ones_by_hand(sds):
    # All answers 1: forward items 10 × 1 = 10; reverse items keyed 5 − 1 = 4 → 40.
    # Raw 50 × 1.25 = 62.5 → integer part 62 → mild (53–62).
    r = score(sds, batch(np.ones(20)))
    assert r.scores[0, 0] == 62
    assert r.band_codes("total").tolist() == ["mild"]


@pytest.mark.parametrize(("raw", "index", "band"), [
    (20, 25, "none"),
    (42, 52, "none"),       # 42 × 1.25 = 52.5 → 52
    (43, 53, "mild"),       # 53.75 → 53
    (50, 62, "mild"),       # 62.5 → 62
    (51, 63, "moderate"),   # 63.75 → 63
    (58, 72, "moderate"),   # 72.5 → 72
    (59, 73, "severe"),     # 73.75 → 73
    (80, 100, "severe"),
])
def test_sds_index_is_raw_times_1_25_truncated(sds, raw, index, band):
    r = score(sds, batch(sds_sheet(raw)))
    assert r.scores[0, 0] == index
    assert r.band_codes("total").tolist() == [band]


def test_sds_reverse_item_moves_the_score_down(sds):
    low, high = sds_sheet(40).copy(), sds_sheet(40).copy()
    low[1], high[1] = 1, 4   # item 2 is reverse-keyed: answering 4 keys as 1
    s = score(sds, batch(low, high)).scores[:, 0]
    assert s[0] > s[1]


def test_norm_tables_by_gender_and_grade(norm_demo):
    values = np.array([[1, 1, 1, 0], [1, 1, 1, 0], [1, 1, 0, 0], [1, 1, 1, 1], [0, 0, 0, 0]],
                      dtype=float)
    gender = np.array(["M", "F", "M", "", "M"], dtype=object)
    grade = np.array([7, 7, 9, np.nan, 8])
    r = score(norm_demo, values, gender, grade)
    # M grade 7 raw 3 → 60 (boys' table); F raw 3 → "*" table step at 2 → 50;
    # M grade 9 (not in the boys' table) raw 2 → 50; unknown gender raw 4 → 65;
    # M grade 8 raw 0 → 30.
    assert r.standard[:, 0].tolist() == [60, 50, 50, 65, 30]
    # Bands on standard scores: ≥60 high.
    assert r.band_codes("total").tolist() == ["high", "ok", "ok", "high", "ok"]
    assert r.records()[0]["standard"] == {"total": 60}


def test_no_norms_no_standard_scores(mht):
    r = score(mht, np.zeros((2, 100)))
    assert np.isnan(r.standard).all() and r.records()[0]["standard"] == {}
