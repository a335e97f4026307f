"""The interval audit over whole exports of generated schools: after suppression no hidden
cell of any table can be worked out from everything the export publishes together (rows,
columns, 需关注, the other tables), checked by linear programming — where the old
relation-by-relation rule alone left cells solvable."""

from __future__ import annotations

import pytest

from app.deployment import ReportPolicy
from app.services.district.cells import export_cells
from app.services.statistics.disclosure_audit import audit
from app.services.statistics.suppression import SMALL, suppress
from tests.export.generated_schools import generated_school as _school

SCHOOLS = 200


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
