"""The interval audit over whole exports of generated schools: after suppression no hidden
cell of any table can be worked out from everything the export publishes together (rows,
columns, 需关注, the other tables), checked by linear programming — where the old
relation-by-relation rule alone left cells solvable."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from app.deployment import ReportPolicy
from app.instruments import load_instrument
from app.instruments.warning import WARNING_LABELS
from app.services.district.cells import export_cells
from app.services.roster.normalize import grade_display_name
from app.services.statistics.campaign import (
    SCHOOL,
    Attendance,
    CampaignInfo,
    CampaignStats,
    _banded_units,
    _unit_stats,
)
from app.services.statistics.disclosure_audit import audit
from app.services.statistics.suppression import SMALL, suppress

SCHOOLS = 200


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
        tuple(_unit_stats(instrument, u, sheets, tuple(sorted({s[4] for s in sheets})))
              for u in units),
        {c: suggested.get(c, 0) for c in WARNING_LABELS}, {}, tuple(grades))


def _school(seed: int) -> tuple[list[CampaignStats], dict, list[int]]:
    rng = random.Random(seed)
    grades = sorted(rng.sample([7, 8, 9, 10, 11, 12], rng.randint(1, 3)))
    size = rng.randint(40, 900)
    stats = [_stats(rng, "phq9", grades, size), _stats(rng, "gad7", grades, size)]
    key = {}
    for level in WARNING_LABELS:
        for g in grades:
            key[(level, g)] = rng.choices([0, 1, 2, 3, 6, 20], [6, 3, 2, 1, 1, 1])[0]
        key[(level, "all")] = sum(key[(level, g)] for g in grades)
    return stats, key, grades


def test_no_hidden_cell_of_200_generated_schools_can_be_worked_out():
    policy = ReportPolicy()
    hidden = solvable_before = 0
    for seed in range(SCHOOLS):
        stats, key, grades = _school(seed)
        out = export_cells(stats, key, grades, policy)
        counts = {k: c.value for k, c in out.cells.items()}
        marks = {k: c.mark for k, c in out.cells.items() if c.hidden}
        # An audit of its own over what is published: every hidden cell has room.
        for k, (lo, hi) in audit(counts, out.relations, marks, policy.min_cell,
                                 out.orders).items():
            assert hi - lo >= 1 - 1e-6, (seed, k, counts[k], lo, hi)
            assert lo - 1e-6 <= counts[k] <= hi + 1e-6
        assert out.audit is not None and not out.audit.narrow
        hidden += len(marks)
        # Every small count is hidden but the exact ones the district asks for.
        assert all(c.hidden for k, c in out.cells.items() if 0 < c.value < policy.min_cell
                   and not (k[0] == "lvl" and k[2] == "all")
                   and not (k[0] == "att" and k[3] in ("due", "done")))
        if seed >= 40:
            continue
        # The relation-by-relation rule alone, for comparison (on the first 40 schools).
        shown = [k for k in counts if (k[0] == "att" and k[3] in ("due", "done"))
                 or (k[0] == "lvl" and k[2] == "all")]
        old = suppress(counts, out.relations, policy.min_cell, shown)
        old_marks = {k: c.mark for k, c in old.items() if c.hidden}
        solvable_before += sum(1 for lo, hi in audit(counts, out.relations, old_marks,
                                                     policy.min_cell, out.orders).values()
                               if hi - lo < 1 - 1e-6)
    assert hidden > 1000
    assert solvable_before > 0  # the audit is needed: the old rule left cells solvable


def test_a_wider_policy_interval_is_kept():
    policy = ReportPolicy(min_interval=2)
    for seed in range(20):
        stats, key, grades = _school(seed)
        out = export_cells(stats, key, grades, policy)
        assert out.audit is not None and not out.audit.narrow
        for k, (lo, hi) in out.audit.intervals.items():
            if out.cells[k].mark == SMALL:
                assert hi - lo >= 2 - 1e-6, (seed, k)


def test_exact_policy_hides_nothing():
    stats, key, grades = _school(3)
    out = export_cells(stats, key, grades, ReportPolicy(cells="exact"))
    assert out.audit is None and not any(c.hidden for c in out.cells.values())
    assert any(0 < c.value < 5 for c in out.cells.values())


@pytest.mark.parametrize("seed", [21])
def test_a_generated_school_export_is_deterministic(seed):
    stats, key, grades = _school(seed)
    a = export_cells(stats, key, grades, ReportPolicy())
    b = export_cells(stats, key, grades, ReportPolicy())
    assert {k: c.mark for k, c in a.cells.items()} == {k: c.mark for k, c in b.cells.items()}
