"""Every count a district export publishes, as one set, suppressed and audited together.

A reader of the export holds all its tables at once, so suppression is decided over all
of them together (statistics/disclosure_audit.py): the relations of each table (bands → 计分人数,
需关注, 全体 = 男 + 女 = Σ grades, 全校 = Σ grades of the excused, the levels of the
suggested warnings), the orders between tables (a scale's 计分人数 ≤ the sheets counted
≤ 完成, by grade too), and a count that appears in two tables is one cell, hidden in
both or in neither (与上次比较 repeats 分级人数's 需关注 and 计分人数). The tables are then
written from these cells (district/tables.py).

Keys: ("att", i, group, field) participation of the i-th instrument counted (group
"全体" or a grade's label); ("band", i, unit, g, column) a scale's group g (as in
stat_tables.unit_table) by band code, "scored" or "concern"; ("sugg", i, level|"total")
suggested levels; ("prev", i, unit, "concern"|"scored") the term before; ("lvl", level,
grade|"all") decided levels of students in school; ("out", outcome|"total") referrals
by the outcome of their 就诊反馈 this term.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from app.deployment import ReportPolicy
from app.services.statistics.campaign import CampaignStats, GroupBands, UnitStats
from app.services.statistics.disclosure_audit import Audit, Order, protect
from app.services.statistics.suppression import Cell, Relation
from app.services.statistics.tables import ATTENDANCE_FIELDS, EXCUSED, LEVEL_ORDER
from app.services.warning.levels import NONE


@dataclass(frozen=True)
class ExportCells:
    cells: dict[Hashable, Cell]
    groups: dict[tuple[int, str], tuple[GroupBands, ...]]
    """The groups each (instrument index, unit) is published for, in order."""
    audit: Audit | None
    """None when the policy publishes exact counts."""
    key_grades: tuple[int, ...] = ()
    """The grades 预警等级人数 is broken down by (none for a one-grade school: the grade
    would repeat the school's exact total)."""
    relations: tuple[Relation, ...] = ()
    orders: tuple[Order, ...] = ()
    """What a reader of the export knows between the counts (for an audit to re-check)."""

    def __getitem__(self, key: Hashable) -> Cell:
        return self.cells[key]


def unit_groups(unit: UnitStats, kinds: Sequence[str]) -> tuple[GroupBands, ...]:
    """The unit's groups of the given kinds, without a grade breakdown of one grade (it
    would repeat the total)."""
    groups = [g for g in unit.groups if g.kind in kinds]
    if sum(1 for g in groups if g.kind == "grade") < 2:
        groups = [g for g in groups if g.kind != "grade"]
    return tuple(groups)


def export_cells(stats: Sequence[CampaignStats], key_counts: dict[tuple[str, object], int],
                 grades: Sequence[int], policy: ReportPolicy,
                 outcomes: dict[str, int] | None = None) -> ExportCells:
    """`key_counts`: decided level × (grade | "all") of students in school. `outcomes`:
    referrals by the outcome of their 就诊反馈 this term (tables.referral_outcomes), when
    the export carries them; their total is the sum, and both are small counts like any."""
    chosen = set(policy.aggregates)
    counts: dict[Hashable, int] = {}
    relations: list[Relation] = []
    orders: list[Order] = []
    shown: list[Hashable] = []
    groups: dict[tuple[int, str], tuple[GroupBands, ...]] = {}
    kinds = ("all", *(k for k in ("gender", "grade") if k in chosen))
    bands_out = bool(chosen & {"bands", "gender", "grade"})
    for i, s in enumerate(stats):
        if "participation" in chosen:
            rows = [("全体", s.attendance), *s.by_grade]
            for name, a in rows:
                for f in ATTENDANCE_FIELDS:
                    counts[("att", i, name, f)] = getattr(a, f)
                shown += [("att", i, name, "due"), ("att", i, name, "done")]
            if len(rows) > 1:
                relations += [(("att", i, "全体", f), [("att", i, name, f) for name, _ in rows[1:]])
                              for f in EXCUSED]
        if "warnings" in chosen:
            for code in LEVEL_ORDER:
                counts[("sugg", i, code)] = s.suggested.get(code, 0)
            counts[("sugg", i, "total")] = sum(s.suggested.values())
            relations.append((("sugg", i, "total"), [("sugg", i, c) for c in LEVEL_ORDER]))
            orders.append((("sugg", i, "total"), ("att", i, "全体", "done")))
        for unit in s.units:
            if bands_out:
                mine = unit_groups(unit, kinds)
            elif "change" in chosen:
                mine = (unit.everyone,)
            else:
                continue
            groups[(i, unit.code)] = mine
            _unit_cells(i, unit, mine, counts, relations, orders, with_bands=bands_out)
            if "change" in chosen and s.previous is not None:
                before = next((u for u in s.previous.units if u.code == unit.code), None)
                if before is not None:
                    counts[("prev", i, unit.code, "concern")] = before.concern()
                    counts[("prev", i, unit.code, "scored")] = before.everyone.scored
                    orders.append((("prev", i, unit.code, "concern"),
                                   ("prev", i, unit.code, "scored")))
    key_grades = tuple(grades) if len(grades) > 1 else ()
    for level in LEVEL_ORDER:
        counts[("lvl", level, "all")] = key_counts.get((level, "all"), 0)
        shown.append(("lvl", level, "all"))
        for g in key_grades:
            counts[("lvl", level, g)] = key_counts.get((level, g), 0)
        if key_grades:
            relations.append((("lvl", level, "all"), [("lvl", level, g) for g in key_grades]))
    if outcomes is not None:
        for code, n in outcomes.items():
            counts[("out", code)] = n
        counts[("out", "total")] = sum(outcomes.values())
        relations.append((("out", "total"), [("out", code) for code in outcomes]))
    orders = [(a, b) for a, b in orders if a in counts and b in counts]
    if policy.cells == "exact":
        return ExportCells({k: Cell(v, "", policy.min_cell) for k, v in counts.items()},
                           groups, None, key_grades, tuple(relations), tuple(orders))
    cells, audit = protect(counts, relations, policy.min_cell, shown, orders,
                          policy.min_interval)
    return ExportCells(cells, groups, audit, key_grades, tuple(relations), tuple(orders))


def _unit_cells(i: int, unit: UnitStats, groups: Sequence[GroupBands],
                counts: dict[Hashable, int], relations: list[Relation], orders: list[Order],
                with_bands: bool) -> None:
    codes = [b.code for b in unit.bands]
    concern = [b.code for b in unit.bands if b.warning != NONE]
    for g, group in enumerate(groups):
        key = ("band", i, unit.code, g)
        counts[(*key, "scored")] = group.scored
        counts[(*key, "concern")] = unit.concern(group)
        if group.kind == "all":
            orders.append(((*key, "scored"), ("sugg", i, "total")))
            orders.append(((*key, "scored"), ("att", i, "全体", "done")))
        elif group.kind == "grade":
            orders.append(((*key, "scored"), ("att", i, group.label, "done")))
        if not with_bands:
            orders.append(((*key, "concern"), (*key, "scored")))
            continue
        for code, n in zip(codes, group.counts, strict=True):
            counts[(*key, code)] = n
        relations.append(((*key, "scored"), [(*key, c) for c in codes]))
        relations.append(((*key, "concern"), [(*key, c) for c in concern]))
    if not with_bands:
        return
    for kind in ("gender", "grade"):
        members = [g for g, group in enumerate(groups) if group.kind == kind]
        if members:
            for col in [*codes, "scored", "concern"]:
                relations.append((("band", i, unit.code, 0, col),
                                  [("band", i, unit.code, g, col) for g in members]))
