"""MHT golden sheets, scored by hand from the published key (reference/instruments.md):

是 = 1, 不是 = 0. 学习焦虑 1–15, 对人焦虑 16–25, 孤独倾向 26–35, 自责倾向 36–45,
过敏倾向 46–55, 身体症状 56–70, 恐怖倾向 71–80, 冲动倾向 81, 83 … 99; 效度 82, 84 … 100.
Total = sum of the 90 content items. Scale ≥8 high, ≤3 low; total 56–64 above average,
≥65 high; lie ≥7 (default) makes the sheet invalid.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.instruments import load_instrument, score
from tests.instruments.instrument_sheets import batch, sheet

LIE_ITEMS = [82, 84, 86, 88, 90, 92, 94, 96, 98, 100]
CONTENT_ITEMS = [*range(1, 81), *range(81, 100, 2)]

# Sheet A: the items answered 是 (everything else 不是).
SHEET_A_YES = [
    *range(1, 9),          # 学习焦虑: items 1–8 → 8 (high: ≥8)
    16, 17, 18,            # 对人焦虑: 3 (low: ≤3)
    26, 27, 28, 29,        # 孤独倾向: 4 (normal: 4 is just above low)
    *range(36, 43),        # 自责倾向: 36–42 → 7 (normal: 7 is just below high)
                           # 过敏倾向: none → 0 (low)
    *range(56, 71),        # 身体症状: all 15 → 15 (high)
    71, 73, 75,            # 恐怖倾向: 3 (low)
    81, 83,                # 冲动倾向: 2 (low)
    82, 84, 86, 88, 90, 92,  # 效度: 6 (< 7: valid)
]
# Total = 8 + 3 + 4 + 7 + 0 + 15 + 3 + 2 = 42 (normal; the lie items do not count).


def mht_sheet(yes=(), missing=()) -> np.ndarray:
    return sheet(100, 0, yes=yes, missing=missing)


def test_sheet_a_by_hand(mht):
    r = score(mht, batch(mht_sheet(SHEET_A_YES)))
    rec = r.records()[0]
    assert rec["scales"] == {
        "learning_anxiety": 8, "social_anxiety": 3, "loneliness": 4, "self_blame": 7,
        "sensitivity": 0, "somatic": 15, "phobia": 3, "impulsivity": 2, "lie": 6,
    }
    assert rec["total"] == 42
    assert rec["bands"] == {
        "learning_anxiety": "high", "social_anxiety": "low", "loneliness": "normal",
        "self_blame": "normal", "sensitivity": "low", "somatic": "high", "phobia": "low",
        "impulsivity": "low", "total": "normal",
    }
    assert rec["valid"] is True and rec["reasons"] == []
    # Two scales at 高分 are shown, and suggest nothing by themselves: the manual's 8 is
    # for norm-table standard scores, which are not shipped (test007.cn; definition notes).
    assert rec["warning"] == "none"
    assert (rec["instrument"], rec["version"]) == ("mht", mht.version)


@pytest.mark.parametrize(("lie", "valid"), [(6, True), (7, False), (8, False)])
def test_lie_scale_default_is_at_least_seven(mht, lie, valid):
    r = score(mht, batch(mht_sheet(LIE_ITEMS[:lie])))
    rec = r.records()[0]
    assert rec["scales"]["lie"] == lie
    assert rec["valid"] is valid
    assert rec["reasons"] == ([] if valid else ["lie"])
    if not valid:
        assert any("测谎" in n for n in rec["notes"])


@pytest.mark.parametrize(("overrides", "expected"), [
    ({"lie_comparison": ">"}, {6: True, 7: True, 8: False}),   # "7分以上" read as >7
    ({"lie_threshold": 8}, {6: True, 7: True, 8: False}),      # ≥8
    ({"lie_threshold": 6}, {6: False, 7: False, 8: False}),
])
def test_lie_rule_is_a_setting(overrides, expected):
    mht = load_instrument("mht", overrides={"mht": overrides})
    sheets = batch(*(mht_sheet(LIE_ITEMS[:lie]) for lie in expected))
    assert score(mht, sheets).valid.tolist() == list(expected.values())
    assert mht.overrides  # the applied setting is recorded for reports


@pytest.mark.parametrize(("total", "band", "warning"), [
    (55, "normal", "none"),           # scales 1–55 are all ≥8: shown, no suggestion
    (56, "normal", "none"),           # the unsourced 56–64 "偏高" band is gone
    (64, "normal", "none"),
    (65, "high", "key"),              # yxjyw.cn: ≥65 high anxiety, special guidance
    (90, "high", "key"),
])
def test_total_cutoffs(mht, total, band, warning):
    # Answer 是 to the first `total` content items: the total is exactly `total`.
    r = score(mht, batch(mht_sheet(CONTENT_ITEMS[:total])))
    assert r.scores[0, r.column("total")] == total
    assert r.band_codes("total").tolist() == [band]
    assert r.warning_codes().tolist() == [warning]


def test_all_no_is_all_low_and_no_warning(mht):
    r = score(mht, batch(mht_sheet()))
    rec = r.records()[0]
    assert rec["total"] == 0 and rec["warning"] == "none"
    assert rec["reasons"] == ["uniform"]  # 100 times the same option: 疑似无效
    assert set(rec["bands"].values()) == {"low", "normal"}
    assert rec["bands"]["total"] == "normal"


def test_one_missing_item_is_prorated_and_reported(mht):
    # Sheet A without item 1 (a 是): 学习焦虑 has 7 of 14 answered items as 是,
    # prorated 7 × 15 / 14 = 7.5 → rounded half up to 8 (high).
    # Total: 41 on 89 answered content items → 41 × 90 / 89 = 41.46 → 41.
    r = score(mht, batch(mht_sheet(SHEET_A_YES, missing=[1])))
    rec = r.records()[0]
    assert rec["scales"]["learning_anxiety"] == 8
    assert rec["total"] == 41
    assert rec["missing"]["learning_anxiety"] == 1 and rec["missing"]["total"] == 1
    assert rec["unanswered"] == 1
    assert rec["valid"] is True
    assert any("学习焦虑" in n and "折算" in n for n in rec["notes"])


def test_too_many_missing_in_a_scale_leaves_it_unscored(mht):
    # 对人焦虑 allows 1 missing of 10; items 16 and 17 missing → no score, no band.
    # The total still scores: 40 on 88 answered → 40 × 90 / 88 = 40.9 → 41.
    r = score(mht, batch(mht_sheet(SHEET_A_YES, missing=[16, 17])))
    rec = r.records()[0]
    assert rec["scales"]["social_anxiety"] is None
    assert rec["bands"]["social_anxiety"] is None
    assert rec["total"] == 41 and rec["valid"] is True
    assert any("对人焦虑" in n and "不计分" in n for n in rec["notes"])


def test_too_many_missing_overall_makes_the_sheet_invalid(mht):
    # Ten content items missing (> 9 allowed for the total): no total, sheet invalid.
    missing = [10, 20, 30, 40, 50, 60, 70, 80, 81, 83]
    r = score(mht, batch(mht_sheet(SHEET_A_YES, missing=missing)))
    rec = r.records()[0]
    assert rec["total"] is None and rec["bands"]["total"] is None
    assert rec["valid"] is False and rec["reasons"] == ["missing"]
    assert math.isnan(r.scores[0, r.column("total")])


def test_unscored_lie_scale_is_not_silently_valid(mht):
    r = score(mht, batch(mht_sheet(yes=[1, 2], missing=[82, 84])))
    assert r.records()[0]["reasons"] == ["missing"]


def test_missing_rule_is_a_setting():
    mht = load_instrument("mht", overrides={"mht": {"max_missing": {"social_anxiety": 2}}})
    r = score(mht, batch(mht_sheet(SHEET_A_YES, missing=[16, 17])))
    # 1 of 8 answered is 是 (item 18) → 1 × 10 / 8 = 1.25 → 1.
    assert r.records()[0]["scales"]["social_anxiety"] == 1


def test_cutoff_override_moves_the_boundary():
    mht = load_instrument("mht", overrides={"mht": {"cutoffs": {"total": {"high": 60}}}})
    bands = {b.code: (b.min, b.below) for b in mht.total.bands}
    assert bands["normal"] == (0, 60) and bands["high"][0] == 60
    r = score(mht, batch(mht_sheet(CONTENT_ITEMS[:60])))
    assert r.band_codes("total").tolist() == ["high"]
