"""Small readers of identity cells, and how a band's range prints in a report."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.instruments.identity import cell_text, gender_codes, grade_numbers, grade_of, row_ids
from app.instruments.model import Band
from app.instruments.warning import WarningLevel


@pytest.mark.parametrize(("text", "grade"), [
    ("七年级", 7), ("初一", 7), ("初三(2)班", 9), ("高一3班", 10), ("高三", 12), ("7", 7),
    ("12年级", 12), ("四年级", 4), ("2023级", None), ("701班", None), ("", None),
])
def test_grade_of(text, grade):
    value = grade_of(text)
    assert (math.isnan(value) if grade is None else value == grade)


def test_identity_cells_and_ids():
    assert cell_text(20240101.0) == "20240101" and cell_text(None) == "" and cell_text(" a ") == "a"
    identity = {"姓名": ["甲", "乙", "丙"], "学号": ["1", "", ""],
                "学籍号": ["", "G2", ""], "序号": ["1", "2", "3"],
                "性别": ["男", "F", "?"]}
    assert row_ids(identity, 3) == ["1", "G2", "3"]
    assert gender_codes(identity, 3).tolist() == ["M", "F", ""]
    assert row_ids({}, 2) == [None, None] and gender_codes({}, 2).tolist() == ["", ""]


def test_grades_from_the_grade_column_else_the_class():
    by_class = {"班级": ["初一(2)班", "高二3班", "701班", "初一(2)班"]}
    assert np.array_equal(grade_numbers(by_class, 4), [7, 11, np.nan, 7], equal_nan=True)
    both = {"年级": ["八年级", ""], "班级": ["初一(2)班", "初一(2)班"]}
    assert np.array_equal(grade_numbers(both, 2), [8, np.nan], equal_nan=True)
    assert np.isnan(grade_numbers({}, 3)).all()


def _band(low: float, high: float) -> Band:
    return Band("b", "带", low, high, WarningLevel.NONE)


@pytest.mark.parametrize(("low", "high", "integer", "text"), [
    (5, 10, True, "5–9"), (0, 5, True, "0–4"), (20, math.inf, True, "≥20"),
    (-math.inf, 4, True, "≤3"), (2, 3, False, "≥2 且 <3"), (-math.inf, 2, False, "<2"),
    (5, math.inf, False, "≥5"),
])
def test_band_range_text(low, high, integer, text):
    assert _band(low, high).range_text(integer) == text


def test_integer_scores_follow_the_unit(mht, mssmhs, sds):
    assert mht.total.integer_scores and not mssmhs.total.integer_scores
    assert sds.total.integer_scores  # ×1.25, but truncated to an integer
    assert np.isinf(mht.total.bands[-1].below)
