"""Golden cases for the default warning rules and every critical item, computed by hand,
each naming the source its cut-off comes from (see the definitions' notes and
/work/shared/reference/instruments.md):

- PHQ-9: Kroenke, Spitzer & Williams 2001 (bands 5/10/15/20; ≥10 for further
  evaluation; item 9 any answer > 0 needs a same-day assessment, not a diagnosis).
- GAD-7: Spitzer et al. 2006 (bands 5/10/15; ≥10 the screening cut-off).
- MHT: 周步成 revision; keys, lie scale "7分以上" and total ≥65 from yxjyw.cn and
  test007.cn; items 85 and 97 the self-harm items.
- MSSMHS: 王极盛 1997; factors from 360docs.net and uczhidao.com; "因子分≥2或总均分≥2
  时需要引起注意" from xml688.com; item 57 the suicidal-thoughts item.

A critical answer suggests 重点关注 (key) and never 危机 by itself; 危机 only where the
answer is the most severe option, the sheet is valid and the totals agree.
"""

from __future__ import annotations

import numpy as np
import pytest

from app.instruments import score
from app.instruments.model import Instrument

MHT_LIE = [82, 84, 86, 88, 90, 92, 94, 96, 98, 100]


def one(instrument: Instrument, answers: list[float], seconds: float | None = None) -> dict:
    result = score(instrument, np.array([answers], dtype=float),
                   seconds=None if seconds is None else np.array([seconds]))
    return result.records()[0]


def phq9_sheet(total: int, item9: int = 0) -> list[float]:
    """Items 1–8 filled greedily with 3s to reach `total` − item 9, then item 9."""
    rest = total - item9
    assert 0 <= rest <= 24
    items = [min(3, max(0, rest - 3 * k)) for k in range(8)]
    return [*items, item9]


def mht_sheet(yes: set[int]) -> list[float]:
    return [1.0 if n in yes else 0.0 for n in range(1, 101)]


# --- PHQ-9 (Kroenke, Spitzer & Williams 2001) -------------------------------------------

@pytest.mark.parametrize(("total", "band", "warning"), [
    (0, "minimal", "none"), (4, "minimal", "none"),
    (5, "mild", "none"), (9, "mild", "none"),          # mild: watchful waiting, no suggestion
    (10, "moderate", "general"), (14, "moderate", "general"),   # ≥10: further evaluation
    (15, "moderately_severe", "key"), (19, "moderately_severe", "key"),
    (20, "severe", "key"), (24, "severe", "key"),
])
def test_phq9_default_rules_kroenke_2001(phq9, total, band, warning):
    record = one(phq9, phq9_sheet(total))
    assert record["total"] == total
    assert record["bands"]["total"] == band
    assert record["warning"] == warning
    assert record["critical"] == []


@pytest.mark.parametrize(("item9", "label"), [(1, "好几天"), (2, "一半以上的天数"),
                                              (3, "几乎每天")])
def test_phq9_item9_is_key_not_crisis_with_a_low_total_kroenke_2001(phq9, item9, label):
    """Kroenke 2001 / PHQ instructions: any answer > 0 on item 9 needs a same-day
    assessment whatever the total; it is not by itself a crisis."""
    record = one(phq9, phq9_sheet(item9, item9=item9))
    assert record["total"] == item9 and record["bands"]["total"] == "minimal"
    assert record["critical"] == [9]
    assert record["critical_answers"] == {"9": label}
    assert record["warning"] == "key"


def test_phq9_crisis_only_when_item9_is_most_severe_and_total_severe_kroenke_2001(phq9):
    assert one(phq9, phq9_sheet(20, item9=3))["warning"] == "crisis"    # 几乎每天, 20 重度
    assert one(phq9, phq9_sheet(19, item9=3))["warning"] == "key"       # total disagrees
    assert one(phq9, phq9_sheet(26, item9=2))["warning"] == "key"       # not the most severe


def test_phq9_item9_unanswered_is_not_zero_kroenke_2001(phq9):
    record = one(phq9, [0, 0, 0, 0, 0, 1, 1, 0, np.nan])
    assert record["critical"] == [] and record["critical_missing"] == [9]
    assert record["warning"] == "general"


# --- GAD-7 (Spitzer et al. 2006) --------------------------------------------------------

@pytest.mark.parametrize(("total", "band", "warning"), [
    (0, "minimal", "none"), (4, "minimal", "none"), (5, "mild", "none"), (9, "mild", "none"),
    (10, "moderate", "general"), (14, "moderate", "general"),
    (15, "severe", "key"), (21, "severe", "key"),
])
def test_gad7_default_rules_spitzer_2006(gad7, total, band, warning):
    answers = [min(3, max(0, total - 3 * k)) for k in range(7)]
    record = one(gad7, answers)
    assert (record["total"], record["bands"]["total"], record["warning"]) == (total, band,
                                                                              warning)


# --- MHT (周步成; yxjyw.cn, test007.cn) ---------------------------------------------------

@pytest.mark.parametrize("item", [85, 97])
def test_mht_self_harm_items_are_critical_yxjyw(mht, item):
    """A 是 on 85 or 97 alone, everything else 不是: total 1, every scale low — key."""
    record = one(mht, mht_sheet({item}))
    assert record["total"] == 1 and record["bands"]["total"] == "normal"
    assert record["critical"] == [item]
    assert record["critical_answers"] == {str(item): "是"}
    assert record["warning"] == "key"


def test_mht_both_self_harm_items_with_high_anxiety_are_still_key_not_crisis(mht):
    """MHT has two options and no confirmed total norms: no crisis rule (definition notes)."""
    record = one(mht, mht_sheet(set(range(1, 81)) | {85, 97}))
    assert record["critical"] == [85, 97] and record["bands"]["total"] == "high"
    assert record["warning"] == "key"


def test_mht_single_content_scale_high_suggests_nothing_test007(mht):
    """test007.cn's "高分(8分以上)" applies to norm-table standard scores, which are not
    shipped: 学习焦虑 = 15 alone is shown as 高分 and suggests nothing."""
    record = one(mht, mht_sheet(set(range(1, 16))))
    assert record["scales"]["learning_anxiety"] == 15
    assert record["bands"]["learning_anxiety"] == "high"
    assert record["warning"] == "none"


@pytest.mark.parametrize(("yes", "band", "warning"), [
    (64, "normal", "none"),   # the unsourced 56–64 "偏高" band is gone
    (65, "high", "key"),      # yxjyw.cn: total ≥65 high anxiety needing special guidance
])
def test_mht_total_cutoff_yxjyw(mht, yes, band, warning):
    content = [n for n in range(1, 101) if n not in MHT_LIE and n not in (85, 97)]
    record = one(mht, mht_sheet(set(content[:yes])))
    assert record["total"] == yes
    assert (record["bands"]["total"], record["warning"]) == (band, warning)


# --- MSSMHS (王极盛 1997; 360docs.net, uczhidao.com, xml688.com) ---------------------------

MSSMHS_DEPRESSION = [5, 13, 14, 16, 44, 57]


def mssmhs_sheet(values: dict[int, float]) -> list[float]:
    return [values.get(n, 1.0) for n in range(1, 61)]


@pytest.mark.parametrize(("answer", "warning"), [(1, "none"), (2, "none"), (3, "key"),
                                                 (4, "key"), (5, "key")])
def test_mssmhs_item57_critical_from_moderate_360docs(mssmhs, answer, warning):
    """Item 57 (suicidal thoughts): 中度 and above by default, whatever the totals."""
    record = one(mssmhs, mssmhs_sheet({57: answer}))
    assert record["warning"] == warning
    assert record["critical"] == ([57] if answer >= 3 else [])


def test_mssmhs_crisis_only_with_depression_factor_agreeing(mssmhs):
    severe = mssmhs_sheet({n: 4.0 for n in MSSMHS_DEPRESSION} | {57: 5.0})
    record = one(mssmhs, severe)
    assert record["bands"]["depression"] == "severe" and record["warning"] == "crisis"
    assert one(mssmhs, mssmhs_sheet({57: 5.0}))["warning"] == "key"


@pytest.mark.parametrize(("factor_value", "band", "warning"), [
    (2.0, "mild", "none"),         # "≥2 需要引起注意": shown, not suggested
    (3.0, "moderate", "general"),
    (4.0, "severe", "key"),
])
def test_mssmhs_factor_rules_xml688(mssmhs, factor_value, band, warning):
    anxiety = [6, 15, 34, 43, 46, 56]
    record = one(mssmhs, mssmhs_sheet({n: factor_value for n in anxiety}))
    assert record["scales"]["anxiety"] == factor_value
    assert (record["bands"]["anxiety"], record["warning"]) == (band, warning)


@pytest.mark.parametrize(("value", "band", "warning"), [(2.0, "mild", "none"),
                                                        (3.0, "moderate", "key")])
def test_mssmhs_total_rules_xml688(mssmhs, value, band, warning):
    record = one(mssmhs, [value] * 60)
    assert record["total"] == value
    assert (record["bands"]["total"], record["warning"]) == (band, warning)
