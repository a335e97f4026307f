"""The evidence a review queue shows, read from stored documents (written out here by
hand, as records.py stores them, and as older versions stored them without the newer
keys)."""

from __future__ import annotations

from app.instruments.evidence import evidence


def test_phq9_document_with_critical_answer_and_prorated_band(phq9):
    document = {
        "instrument": "phq9", "version": "2.0", "valid": True, "reasons": [],
        "scales": {}, "total": 10.0, "bands": {"total": "moderate"},
        "missing": {"total": 2}, "unanswered": 2, "prorated_cut": ["total"],
        "critical": [9], "critical_missing": [], "critical_answers": {"9": "好几天"},
        "warning": "key", "notes": [],
    }
    found = evidence(phq9, document)
    assert found.valid and found.validity == ()
    assert [(c.item, c.answer) for c in found.critical] == [(9, "好几天")]
    assert found.critical[0].message.startswith("第 9 题")
    assert found.total is not None and found.total.band_label == "中度"
    assert [e.code for e in found.elevated] == ["total"]
    assert found.total.text == "总分 10（中度，按比例折算，已答 7/9 题）"
    assert found.summary() == "关键题 第 9 题：好几天；总分 10（中度，按比例折算，已答 7/9 题）"


def test_old_document_without_new_keys_reads_as_empty(phq9):
    """A result stored before critical_answers / prorated_cut existed: the answer to the
    critical item comes from the stored answers when they are given."""
    document = {"valid": True, "reasons": [], "scales": {}, "total": 4.0,
                "bands": {"total": "minimal"}, "missing": {"total": 0},
                "critical": [9], "critical_missing": []}
    found = evidence(phq9, document)
    assert found.prorated == () and found.elevated == ()
    assert found.critical[0].answer == "" and found.critical[0].text == "第 9 题"
    answers = [0, 0, 0, 1, 0, 0, 1, 0, 2]
    assert evidence(phq9, document, answers).critical[0].answer == "一半以上的天数"


def test_mht_invalid_sheet_names_its_reasons_and_keeps_critical(mht):
    document = {
        "valid": False, "reasons": ["lie", "too_fast", "uniform", "missing"],
        "scales": {"loneliness": 9.0, "lie": 8.0}, "total": 40.0,
        "bands": {"loneliness": "high", "total": "normal", "social_anxiety": "normal"},
        "missing": {}, "critical": [85], "critical_missing": [97],
        "critical_answers": {"85": "是"},
    }
    found = evidence(mht, document)
    assert not found.valid
    assert found.validity == ("效度（测谎）超过界限", "作答过快", "全部选同一选项", "缺答过多")
    assert [c.text for c in found.critical] == ["第 85 题：是"]
    assert found.critical_missing == (97,)
    assert [e.text for e in found.elevated] == ["孤独倾向 9（高分）"]
    assert found.summary().startswith("关键题 第 85 题：是；关键题第 97 题未作答；疑似无效：")


def test_mssmhs_means_and_unknown_band_codes(mssmhs):
    """A band code the current definition no longer has (an older version) is shown
    without a band rather than failing."""
    document = {"valid": True, "reasons": [],
                "scales": {"depression": 3.1666666666666665, "anxiety": 2.5},
                "total": 2.2, "bands": {"depression": "moderate", "anxiety": "gone",
                                        "total": "mild"},
                "missing": {}, "critical": [], "critical_missing": []}
    found = evidence(mssmhs, document)
    assert [e.text for e in found.elevated] == ["抑郁 3.17（中度）", "总均分 2.2（轻度）"]
