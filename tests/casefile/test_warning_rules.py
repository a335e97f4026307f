"""The rules that suggest a level: each rule, its Chinese reason, and that the most
severe suggestion wins."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.instruments.warning import WarningLevel
from app.labels import RISK_FACTORS, SIGNAL_SEVERITIES
from app.services.warning.rules import (
    SIGNAL_LEVELS,
    SheetFacts,
    SignalFacts,
    choose_evidence,
    suggest_level,
)

TODAY = date(2026, 3, 10)


def test_nothing_suggests_none():
    assert suggest_level([], [], []).level == "none"
    assert suggest_level([], [], []).reasons == ()


def test_screening_level_is_passed_on_with_its_campaign():
    s = suggest_level([SheetFacts("2026春PHQ-9", "phq9", TODAY, "key")], [], [])
    assert s.level == "key" and s.reasons == ("「2026春PHQ-9」测评结果建议：重点关注",)


def test_a_critical_answer_suggests_key_naming_item_and_answer_never_crisis_by_itself():
    """Issue 11, point 2: a same-day assessment, 危机 only after it (the teacher's call)."""
    s = suggest_level([SheetFacts("2026春PHQ-9", "phq9", TODAY, "none", (9,),
                                  critical_answers={9: "好几天"})], [], [])
    assert s.level == "key"
    assert s.reasons == ("「2026春PHQ-9」关键题第 9 题“好几天”：须当天面谈评估，"
                         "建议至少重点关注；是否列为危机由面谈评估后决定",)
    two = suggest_level([SheetFacts("MHT", "mht", TODAY, "general", (85, 97),
                                    critical_answers={85: "是", 97: "是"})], [], [])
    assert two.level == "key" and "第 85 题“是”、第 97 题“是”" in two.reasons[0]
    assert two.reasons[1] == "「MHT」测评结果建议：一般关注"


def test_the_sheets_own_crisis_suggestion_stands_beside_the_critical_answer():
    sheet = SheetFacts("P", "phq9", TODAY, "crisis", (9,), critical_answers={9: "几乎每天"})
    s = suggest_level([sheet], [], [])
    assert s.level == "crisis" and s.reasons[0] == "「P」测评结果建议：危机"
    assert "第 9 题“几乎每天”" in s.reasons[1]


def test_an_answer_not_kept_is_still_named_by_its_item():
    s = suggest_level([SheetFacts("旧批次", "phq9", TODAY, "none", (9,))], [], [])
    assert s.level == "key" and "关键题第 9 题有风险作答" in s.reasons[0]


def test_an_invalid_sheet_suggests_nothing_by_its_bands_but_keeps_its_critical_answer():
    invalid = SheetFacts("M", "mht", TODAY, "key", valid=False)
    assert suggest_level([invalid], [], []).level == "none"
    s = suggest_level([SheetFacts("M", "mht", TODAY, "key", (85,), valid=False,
                                  critical_answers={85: "是"})], [], [])
    assert s.level == "key" and len(s.reasons) == 1
    assert "答卷疑似无效，关键题作答仍须处理" in s.reasons[0]


def test_serious_risk_factor_alone_suggests_general():
    s = suggest_level([], ["bereavement"], [])
    assert s.level == "general" and s.reasons == ("存在需重点关爱的处境不利因素：丧亲",)
    assert suggest_level([], ["poverty"], []).level == "none"


def test_two_risk_factors_suggest_general():
    s = suggest_level([], ["poverty", "left_behind"], [])
    assert s.level == "general"
    assert s.reasons == ("同时存在 2 项处境不利因素：留守、贫困",)


def test_signals_by_severity():
    for severity, level in [("suicide", "crisis"), ("self_harm", "crisis"),
                            ("violence", "crisis"), ("serious", "key"), ("ordinary", "general")]:
        s = suggest_level([], [], [SignalFacts("class_teacher", TODAY, severity)])
        assert s.level == level
        assert s.reasons == (f"2026-03-10 班主任反映：{SIGNAL_SEVERITIES[severity]}",)


def test_reasons_list_most_severe_first():
    s = suggest_level([SheetFacts("A", "mht", TODAY, "general")], ["bullying"],
                      [SignalFacts("parent", TODAY, "self_harm")])
    assert s.level == "crisis"
    assert s.reasons[0].endswith("涉及自伤行为") and len(s.reasons) == 3


def test_evidence_is_the_newest_result_per_instrument_within_a_year_and_recent_signals():
    results = [SheetFacts("old", "phq9", TODAY - timedelta(400), "crisis", (9,)),
               SheetFacts("phq-a", "phq9", TODAY - timedelta(200), "key"),
               SheetFacts("phq-b", "phq9", TODAY - timedelta(20), "none"),
               SheetFacts("mht", "mht", TODAY - timedelta(100), "general")]
    signals = [SignalFacts("self", TODAY - timedelta(91), "suicide"),
               SignalFacts("self", TODAY - timedelta(90), "ordinary")]
    screening, recent = choose_evidence(results, signals, TODAY)
    assert sorted(r.campaign_name for r in screening) == ["mht", "phq-b"]
    assert [s.severity for s in recent] == ["ordinary"]


levels = st.sampled_from([w.value for w in WarningLevel])
results = st.lists(st.builds(SheetFacts, st.text(min_size=1, max_size=5), st.just("phq9"),
                             st.just(TODAY), levels,
                             st.lists(st.integers(1, 20), max_size=2).map(tuple),
                             st.booleans()), max_size=4)
factors = st.lists(st.sampled_from(list(RISK_FACTORS)), max_size=5, unique=True)
signals = st.lists(st.builds(SignalFacts, st.just("other"), st.just(TODAY),
                             st.sampled_from(list(SIGNAL_SEVERITIES))), max_size=3)


@given(results, factors, signals)
def test_suggestion_is_the_most_severe_rule(rs, fs, ss):
    s = suggest_level(rs, fs, ss)
    expected = [WarningLevel.NONE]
    expected += [WarningLevel.KEY for r in rs if r.critical_items]
    expected += [WarningLevel(r.suggested_level) for r in rs if r.valid]
    expected += [WarningLevel(SIGNAL_LEVELS[x.severity]) for x in ss]
    if len(fs) >= 2 or set(fs) & {"bereavement", "domestic_violence", "bullying"}:
        expected.append(WarningLevel.GENERAL)
    assert s.level == max(expected).value
    assert bool(s.reasons) == (s.level != "none")
