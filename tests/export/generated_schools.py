"""Generated schools for the suppression tests: a term's counts of PHQ-9 and GAD-7 with
gender and grade breakdowns, and decided levels by grade — random, reproducible by seed."""

from __future__ import annotations

import random
from collections import Counter

from app.instruments import load_instrument
from app.instruments.warning import WARNING_LABELS
from app.services.roster.normalize import grade_display_name
from app.services.statistics.campaign import (
    SCHOOL,
    Attendance,
    CampaignInfo,
    CampaignStats,
    _banded_units,
    _unit_stats,
)


def _stats(rng: random.Random, code: str, grades: list[int], size: int) -> CampaignStats:
    """One instrument's term counted for a generated school: students with a gender, a
    grade and a band per scale, a few excused, a few without a valid sheet."""
    instrument = load_instrument(code)
    units = _banded_units(instrument)
    weights = [rng.random() ** 3 for _ in range(6)]
    sheets, by_grade = [], {g: Counter() for g in grades}
    for _ in range(size):
        grade = rng.choice(grades)
        status = rng.choices(["due", "leave", "exempt", "excluded"], [200, 2, 1, 1])[0]
        by_grade[grade][status] += 1
        if status != "due" or rng.random() < 0.03:
            continue
        by_grade[grade]["done"] += 1
        bands = {}
        for u in units:
            options = [b.code for b in instrument.unit(u).bands]
            bands[u] = rng.choices(options, weights[:len(options)])[0]
        level = rng.choices(list(WARNING_LABELS), [1, 3, 10, 80])[0]
        sheets.append(({"bands": bands}, True, level, rng.choice("MF"), grade))
    att = {g: Attendance(c["due"], c["done"], c["leave"], c["exempt"], c["excluded"])
           for g, c in by_grade.items()}
    suggested = Counter(s[2] for s in sheets)
    return CampaignStats(
        CampaignInfo(0, code, code, instrument.label, 2026, 1, None, None), SCHOOL,
        sum(att.values(), Attendance()), (),
        tuple((grade_display_name(g), a) for g, a in sorted(att.items())), len(sheets), 0,
        _unit_stats(instrument, sheets, tuple(sorted({s[4] for s in sheets}))),
        {c: suggested.get(c, 0) for c in WARNING_LABELS}, {}, tuple(grades))


def generated_school(seed: int, min_size: int = 40, max_size: int = 900
                     ) -> tuple[list[CampaignStats], dict, list[int]]:
    rng = random.Random(seed)
    grades = sorted(rng.sample([7, 8, 9, 10, 11, 12], rng.randint(1, 3)))
    size = rng.randint(min_size, max_size)
    stats = [_stats(rng, "phq9", grades, size), _stats(rng, "gad7", grades, size)]
    key = {}
    for level in WARNING_LABELS:
        for g in grades:
            key[(level, g)] = rng.choices([0, 1, 2, 3, 6, 20], [6, 3, 2, 1, 1, 1])[0]
        key[(level, "all")] = sum(key[(level, g)] for g in grades)
    return stats, key, grades
