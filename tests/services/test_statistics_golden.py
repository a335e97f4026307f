"""The statistics tables pinned: `counted_stats` (attendance by class and grade, bands,
unscored sheets and means per scale by everyone/gender/grade, suggested and decided
levels, flagged shares) over seeded schools of every instrument, compared with what the
hand-written grouping produced before the counting moved to pandas
(statistics_golden.json, made by that code: `QINGXIN_WRITE_GOLDEN=1` writes it anew —
only ever from code known to be right)."""

from __future__ import annotations

import json
import os
import random
from dataclasses import asdict
from pathlib import Path

import pytest

from app.instruments import load_instrument
from app.instruments.warning import WARNING_LABELS
from app.services.statistics import campaign
from app.services.statistics.campaign import SCHOOL, CampaignInfo, Scope, counted_stats
from app.services.warning.levels import LevelNow

GOLDEN = Path(__file__).with_name("statistics_golden.json")
CASES = [("phq9", 1, 0), ("phq9", 2, 1), ("gad7", 3, 37), ("mht", 4, 300),
         ("mssmhs", 5, 900), ("phq9", 6, 1500)]
STATUSES = ("due", "leave", "exempt", "excluded")


def _school(code: str, seed: int, n: int):
    """Listed students, their sheets and decided levels, drawn from `seed`: unknown and
    missing bands (unscored), missing and fractional scores, genders other than M/F,
    sheets of students not listed as done, invalid sheets."""
    rng = random.Random(seed)
    instrument = load_instrument(code)
    levels = list(WARNING_LABELS)
    people, sheets, decided = [], [], {}
    for sid in range(1, n + 1):
        grade, number = rng.choice([7, 8, 9, 10]), rng.randint(1, 5)
        status = rng.choices(STATUSES, [90, 4, 3, 3])[0]
        done = status == "due" and rng.random() < 0.9
        people.append((sid, status, grade, number, done))
        if rng.random() < 0.2:
            decided[sid] = LevelNow(rng.choice(levels), None, None)
        if not (done or rng.random() < 0.05):
            continue
        scores: dict = {"bands": {}, "scales": {}}
        for unit in instrument.units:
            if unit.bands and rng.random() < 0.93:
                scores["bands"][unit.code] = rng.choice(unit.bands).code
            elif rng.random() < 0.5:
                scores["bands"][unit.code] = "no-such-band"
            value = rng.choice([None, rng.randint(0, 60), round(rng.uniform(0, 40), 3)])
            if unit.code == "total":
                scores["total"] = value
            else:
                scores["scales"][unit.code] = value
        gender = rng.choices(["M", "F", ""], [48, 48, 4])[0]
        sheets.append((scores, rng.random() < 0.95, rng.choice(levels), gender, grade, number))
    return people, sheets, decided


def _stats(code: str, seed: int, n: int, scope: Scope, monkeypatch) -> dict:
    people, sheets, decided = _school(code, seed, n)
    monkeypatch.setattr(campaign, "current_levels", lambda session: decided)
    info = CampaignInfo(seed, f"批次{seed}", code, load_instrument(code).label, 2026, 1,
                        None, None)
    stats = counted_stats(None, info, scope, people, sheets,  # type: ignore[arg-type]
                          sum(1 for s in sheets if not s[1]))
    return json.loads(json.dumps(asdict(stats)))


def _all(monkeypatch) -> dict:
    out = {}
    for code, seed, n in CASES:
        for scope in (SCHOOL, Scope("grade", "初一", grade=7), Scope("class", "初一(1)班",
                                                                     grade=7, class_id=1)):
            out[f"{code}/{seed}/{n}/{scope.code}"] = _stats(code, seed, n, scope, monkeypatch)
    return out


def test_counted_stats_are_what_the_hand_written_grouping_gave(monkeypatch):
    got = _all(monkeypatch)
    if os.environ.get("QINGXIN_WRITE_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True),
                          encoding="utf-8")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert got.keys() == expected.keys()
    for key in expected:
        assert got[key] == expected[key], key


def test_the_golden_file_is_not_trivial():
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    big = expected["phq9/6/1500/school"]
    assert big["results"] > 1000 and len(big["by_class"]) == 20
    groups = big["units"][0]["groups"]
    assert [g["kind"] for g in groups][:3] == ["all", "gender", "gender"]
    assert any(g["unscored"] for g in groups) and any(g["mean"] % 1 for g in groups)
    assert expected["phq9/1/0/school"]["results"] == 0


@pytest.mark.parametrize("code", ["phq9", "mht"])
def test_an_empty_campaign_counts_zero(code, monkeypatch):
    monkeypatch.setattr(campaign, "current_levels", lambda session: {})
    info = CampaignInfo(1, "空", code, code, 2026, 1, None, None)
    stats = counted_stats(None, info, SCHOOL, [], [], 0)  # type: ignore[arg-type]
    assert stats.attendance.due == 0 and stats.by_class == () and stats.grades == ()
    assert all(g.scored == 0 and g.mean is None for u in stats.units for g in u.groups)


def test_key_student_counts_are_a_plain_count(screened_school, store):
    """The district's 预警等级人数 cells (a pandas crosstab) against a count made here by
    hand from the same rows: every level × grade and the school-wide row."""
    from collections import Counter

    from sqlalchemy import select

    from app.models import SchoolClass, Student
    from app.services.district.tables import key_student_counts
    from app.services.warning.levels import NONE, current_levels

    with store.read() as session:
        counts, grades = key_student_counts(session)
        levels = current_levels(session)
        rows = session.execute(select(Student.id, SchoolClass.grade)
                               .join(SchoolClass, SchoolClass.id == Student.class_id)
                               .where(Student.status.in_(("enrolled", "suspended")))).all()
    by_hand = Counter()
    for sid, grade in rows:
        level = levels[sid].level if sid in levels else NONE
        by_hand[(level, "all")] += 1
        by_hand[(level, grade)] += 1
    assert grades == sorted({g for _, g in rows}) and len(grades) == 3
    assert list(counts) == [(lv, g) for lv in WARNING_LABELS for g in ["all", *grades]]
    assert counts == {k: by_hand.get(k, 0) for k in counts}
    assert counts[("crisis", "all")] == 1 and sum(counts[(lv, "all")] for lv in
                                                  WARNING_LABELS) == len(rows)
