"""疑似无效 sheets (lie scale, too fast, one option throughout) and proration: an invalid
sheet suggests nothing from its scores but never hides a critical answer, and missing
answers never carry a sheet across a cut-off by themselves."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.instruments import load_definition_file, load_instrument, score
from app.instruments.model import Instrument
from app.instruments.records import TOO_FAST_NOTE, UNIFORM_NOTE
from tests.instruments.conftest import DATA

MHT_LIE = [82, 84, 86, 88, 90, 92, 94, 96, 98, 100]


def mht_sheet(yes: set[int]) -> list[float]:
    return [1.0 if n in yes else 0.0 for n in range(1, 101)]


def test_lie_scale_invalid_sheet_suggests_nothing_but_keeps_critical(mht):
    """Lie score 7 (≥7 default, yxjyw.cn) and total ≥65: no band suggestion; with item
    97 answered 是 the same sheet is still key and names the answer."""
    content = [n for n in range(1, 101) if n not in MHT_LIE and n not in (85, 97)]
    lying = set(MHT_LIE[:7]) | set(content[:70])
    record = score(mht, np.array([mht_sheet(lying)])).records()[0]
    assert record["valid"] is False and record["reasons"] == ["lie"]
    assert record["bands"]["total"] == "high" and record["warning"] == "none"
    flagged = score(mht, np.array([mht_sheet(lying | {97})])).records()[0]
    assert flagged["valid"] is False and flagged["critical"] == [97]
    assert flagged["critical_answers"] == {"97": "是"} and flagged["warning"] == "key"


def test_too_fast_sheet_is_invalid_and_names_the_reason(phq9):
    """2 seconds per item (Huang et al. 2012): PHQ-9 in under 18 s is too fast."""
    answers = np.array([[3, 3, 3, 3, 2, 2, 0, 0, 0], [3, 3, 3, 3, 2, 2, 0, 0, 1]], dtype=float)
    result = score(phq9, answers, seconds=np.array([17.0, 12.0]))
    first, second = result.records()
    assert first["total"] == 16 and first["reasons"] == ["too_fast"]
    assert first["warning"] == "none"
    assert second["critical"] == [9] and second["warning"] == "key"
    assert result.validity_texts("；")[0] == TOO_FAST_NOTE.format(seconds=2, total=18)
    at_limit = score(phq9, answers[:1], seconds=np.array([18.0])).records()[0]
    assert at_limit["valid"] and at_limit["warning"] == "key"
    unknown = score(phq9, answers[:1], seconds=np.array([np.nan])).records()[0]
    assert unknown["valid"]


def test_every_answer_the_same_option(mht, mssmhs, phq9, gad7):
    all_no = score(mht, np.zeros((1, 100))).records()[0]
    assert all_no["reasons"] == ["uniform"] and all_no["notes"][0] == UNIFORM_NOTE
    all_mild = score(mssmhs, np.full((1, 60), 2.0)).records()[0]
    assert all_mild["reasons"] == ["uniform"] and all_mild["warning"] == "none"
    # A short symptom list: all "not at all" and all "nearly every day" are honest answers.
    assert score(phq9, np.zeros((1, 9))).records()[0]["valid"]
    assert score(gad7, np.full((1, 7), 3.0)).records()[0]["warning"] == "key"
    middle = score(phq9, np.full((1, 9), 2.0)).records()[0]
    assert middle["reasons"] == ["uniform"] and middle["total"] == 18
    assert middle["critical"] == [9] and middle["warning"] == "key"   # critical still counts


def test_lie_scale_is_never_prorated(mht):
    """Six 是 and one blank on the lie scale: 6, not 6 × 10 / 9 = 6.67 → 7 (invalid)."""
    sheet = mht_sheet(set(MHT_LIE[:6]) | {1, 2})
    sheet[MHT_LIE[9] - 1] = np.nan
    record = score(mht, np.array([sheet])).records()[0]
    assert record["scales"]["lie"] == 6 and record["valid"]


def test_prorated_cut_is_marked_and_suggests_the_answered_band(phq9):
    """Seven answered items summing to 8 prorate to 10.3 → 10 (moderate, the ≥10
    cut-off, Kroenke 2001); what was answered is only mild: no suggestion, and the
    result says 按比例折算 with the answered count."""
    record = score(phq9, np.array([[2, 2, 2, 2, 0, 0, np.nan, np.nan, 0]])).records()[0]
    assert record["total"] == 10 and record["bands"]["total"] == "moderate"
    assert record["prorated_cut"] == ["total"]
    assert record["warning"] == "none"
    assert any("只答了 7 题" in n and "按比例折算" in n for n in record["notes"])
    # Reached without proration: 10 answered in full is general.
    full = score(phq9, np.array([[2, 2, 2, 2, 2, 0, 0, 0, 0]])).records()[0]
    assert full["prorated_cut"] == [] and full["warning"] == "general"


INSTRUMENTS = {code: load_instrument(code) for code in ("phq9", "gad7", "mht", "mssmhs")}
INSTRUMENTS["scl90"] = load_definition_file(DATA / "scl90.toml")


@st.composite
def sheet_with_blanks(draw, instrument: Instrument):
    """A sheet using at least two options (so it is never one option throughout), with
    a few blanks away from the critical items."""
    values = [o.value for o in instrument.options]
    n = instrument.item_count
    sheet = np.array(draw(st.lists(st.sampled_from(values), min_size=n, max_size=n)),
                     dtype=float)
    critical = {c.item - 1 for c in instrument.critical}
    free = [k for k in range(n) if k not in critical]
    sheet[free[0]], sheet[free[1]] = min(values), max(values)
    blanks = draw(st.lists(st.sampled_from(free[2:]), max_size=3, unique=True))
    sheet[blanks] = np.nan
    return sheet


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), code=st.sampled_from(sorted(INSTRUMENTS)))
def test_proration_never_moves_a_sheet_across_a_cutoff_by_itself(data, code):
    """For any sheet whose blanks stay within the missing-answer rule, the suggestion is
    exactly that of the same sheet with its blanks at the lowest option (what was
    actually answered): proration may move the shown band, never the suggestion; and
    wherever it moved the band, the result marks it. (A unit with more blanks than it
    may prorate has no score and suggests nothing, so then the suggestion can only be
    lower.)"""
    instrument = INSTRUMENTS[code]
    sheet = data.draw(sheet_with_blanks(instrument))
    filled = np.where(np.isnan(sheet), instrument.value_range[0], sheet)
    result = score(instrument, np.array([sheet, filled]))
    assume(result.valid[0])  # too many blanks for the total: the missing rule's case
    scored = ~np.isnan(result.scores[0])
    if scored.all():
        assert result.warning[0] == result.warning[1]
    else:
        assert result.warning[0] <= result.warning[1]
    moved = (result.bands[0] != result.bands[1]) & scored
    marked = result.prorated_cut[0]
    assert (moved == marked).all()
    record = result.records()[0]
    assert record["prorated_cut"] == [u for u, m in zip(result.units, marked, strict=True) if m]
