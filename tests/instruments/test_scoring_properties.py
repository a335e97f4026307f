"""Properties that must hold for any answers, not just the golden sheets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import BadInputError
from app.instruments import load_definition_file, load_instrument, score
from app.instruments.model import Instrument

DATA = Path(__file__).parent / "data"
INSTRUMENTS: dict[str, Instrument] = {
    code: load_instrument(code) for code in ("mht", "mssmhs", "phq9", "gad7")
} | {"sds": load_definition_file(DATA / "sds.toml")}

_SETTINGS = settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])


@st.composite
def sheets(draw, instrument: Instrument, max_rows: int = 12):
    """A batch of sheets of option values with some blanks.

    Hypothesis picks the shape, the blank rate and a seed; numpy fills the cells (a
    hundred-item sheet drawn cell by cell would make each example slow)."""
    n = draw(st.integers(1, max_rows))
    blank_rate = draw(st.sampled_from([0.0, 0.02, 0.1, 0.5]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    values = np.array([o.value for o in instrument.options])
    x = rng.choice(values, size=(n, instrument.item_count))
    x[rng.random(x.shape) < blank_rate] = np.nan
    return x


def _bounds(instrument: Instrument, code: str) -> tuple[float, float]:
    """The range worked out from the published key, not from the engine's own code."""
    unit = instrument.unit(code)
    if instrument.code == "mssmhs":
        return 1, 5                                     # means of 1–5 answers
    if instrument.code == "sds":
        return 25, 100                                  # raw 20–80 × 1.25
    if instrument.code == "mht" and code == "total":
        return 0, 90
    return 0, len(unit.items) * instrument.value_range[1]  # sums of 0–1 or 0–3 answers


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
def test_scores_stay_within_range(code):
    instrument = INSTRUMENTS[code]

    @_SETTINGS
    @given(sheets(instrument))
    def check(x):
        r = score(instrument, x)
        for j, unit_code in enumerate(r.units):
            low, high = _bounds(instrument, unit_code)
            s = r.scores[:, j]
            ok = np.isnan(s) | ((s >= low - 1e-9) & (s <= high + 1e-9))
            assert ok.all(), (unit_code, s, low, high)
            has_bands = bool(instrument.unit(unit_code).bands)
            assert ((r.bands[:, j] >= 0) == (~np.isnan(s) & has_bands)).all()
        assert set(np.unique(r.warning)) <= {0, 1, 2, 3}

    check()


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
def test_one_sheet_alone_scores_as_in_the_batch(code):
    instrument = INSTRUMENTS[code]

    @_SETTINGS
    @given(sheets(instrument), st.data())
    def check(x, data):
        i = data.draw(st.integers(0, len(x) - 1))
        whole, alone = score(instrument, x), score(instrument, x[i:i + 1])
        assert whole.records()[i] == alone.records()[0]

    check()


@_SETTINGS
@given(base=sheets(INSTRUMENTS["sds"], max_rows=1), item=st.integers(1, 20))
def test_raising_an_answer_moves_the_sds_score_the_keyed_way(base, item):
    sds = INSTRUMENTS["sds"]
    low, high = base.copy(), base.copy()
    low[0, item - 1], high[0, item - 1] = 1, 4
    s = score(sds, np.vstack([low, high])).scores[:, 0]
    if np.isnan(s).any():
        return  # too many blanks elsewhere: no score to compare
    if item in sds.reverse:
        assert s[1] < s[0]  # keyed 4 → 1: the raw sum drops by 3, the index by 3 or 4
    else:
        assert s[1] >= s[0]


def test_reverse_keyed_item_strictly_lowers_the_raw_sum(sds):
    # All answers 2 except item 2 (reverse-keyed): forward items 10 × 2 = 20, the other
    # nine reverse items keyed 5 − 2 = 3 → 27.
    # Item 2 answered 1 → keyed 4: raw 51 → 63.75 → 63 (moderate).
    # Item 2 answered 4 → keyed 1: raw 48 → 60.0 → 60 (mild).
    all_twos = np.full((2, 20), 2.0)
    all_twos[0, 1], all_twos[1, 1] = 1, 4
    r = score(sds, all_twos)
    assert r.scores[:, 0].tolist() == [63, 60]
    assert r.band_codes("total").tolist() == ["moderate", "mild"]


def test_impossible_values_are_refused(mht):
    x = np.zeros((2, 100))
    x[1, 4] = 2
    with pytest.raises(BadInputError) as err:
        score(mht, x)
    assert "第 2 份答卷第 5 题" in err.value.problems[0]


def test_wrong_width_is_refused(mht):
    with pytest.raises(BadInputError, match="100 列"):
        score(mht, np.zeros((2, 99)))
