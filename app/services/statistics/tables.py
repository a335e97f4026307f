"""Campaign statistics as tables of suppressed cells, as reports print them and the
district export ships them.

Each table declares every sum a reader could use against it — a row's total over its
bands, the "需关注" column over the bands that suggest a warning, all students over boys
and girls, all over the grades, a class list over its classes — so that suppression
(statistics/suppression.py) hides enough cells that none can be worked out by subtraction.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from app.instruments.warning import WARNING_LABELS
from app.services.statistics.campaign import Attendance, CampaignStats, GroupBands, UnitStats
from app.services.statistics.suppression import Cell, Relation, suppress
from app.services.warning.levels import NONE

ATTENDANCE_FIELDS: dict[str, str] = {
    "due": "应测", "done": "完成", "leave": "请假", "exempt": "免测", "excluded": "已排除",
}
EXCUSED = ("leave", "exempt", "excluded")
LEVEL_ORDER = tuple(WARNING_LABELS)  # crisis, key, general, none


def _attendance_counts(a: Attendance) -> dict[str, int]:
    return {"due": a.due, "done": a.done, "leave": a.leave, "exempt": a.exempt,
            "excluded": a.excluded}


@dataclass(frozen=True)
class AttendanceTable:
    rows: tuple[str, ...]  # "全体" first, then classes (or grades)
    cells: dict[tuple[str, str], Cell]

    def rate(self, row: str) -> str:
        done, due = self.cells[(row, "done")], self.cells[(row, "due")]
        return done.share(due)


def attendance_table(stats: CampaignStats, min_cell: int) -> AttendanceTable:
    """应测 and 完成 are printed exactly: a completion rate must be readable, and who has
    not yet sat a test says nothing about anyone's mental health. Why a student does not
    count — leave, exemption (often for a known condition), exclusion — is suppressed,
    with the school row as the sum of the class rows. No row total (名单人数) is printed:
    with 应测 beside it, it would give the excused away."""
    rows = [("全体", stats.attendance), *stats.by_class]
    counts: dict[Hashable, int] = {}
    for name, a in rows:
        for f, v in _attendance_counts(a).items():
            counts[(name, f)] = v
    relations: list[Relation] = []
    if len(rows) > 1:
        relations = [(("全体", f), [(name, f) for name, _ in rows[1:]]) for f in EXCUSED]
    shown = [(name, f) for name, _ in rows for f in ("due", "done")]
    cells = suppress(counts, relations, min_cell, shown)
    return AttendanceTable(tuple(name for name, _ in rows),
                           {k: v for k, v in cells.items() if isinstance(k, tuple)})


@dataclass(frozen=True)
class UnitTable:
    unit: UnitStats
    groups: tuple[GroupBands, ...]
    cells: dict[tuple[int, str], Cell]
    """(group index, column): columns are band codes, "scored" and "concern"."""
    min_cell: int

    def band(self, g: int, code: str) -> Cell:
        return self.cells[(g, code)]

    def mean(self, g: int) -> str:
        group = self.groups[g]
        if group.mean is None or group.scored < self.min_cell:
            return "—" if group.mean is None else f"<{self.min_cell}人"
        return f"{group.mean:.2f}"


def unit_table(unit: UnitStats, min_cell: int, kinds: Sequence[str] = ("all", "gender",
                                                                          "grade")) -> UnitTable:
    """The unit's groups of the given kinds (all students, by gender, by grade), with a
    grade breakdown dropped when there is only one grade (it would repeat the total)."""
    groups = [g for g in unit.groups if g.kind in kinds]
    if sum(1 for g in groups if g.kind == "grade") < 2:
        groups = [g for g in groups if g.kind != "grade"]
    codes = [b.code for b in unit.bands]
    concern_codes = [b.code for b in unit.bands if b.warning != NONE]
    counts: dict[Hashable, int] = {}
    relations: list[Relation] = []
    for i, g in enumerate(groups):
        for code, n in zip(codes, g.counts, strict=True):
            counts[(i, code)] = n
        counts[(i, "scored")] = g.scored
        counts[(i, "concern")] = sum(n for code, n in zip(codes, g.counts, strict=True)
                                     if code in concern_codes)
        relations.append(((i, "scored"), [(i, c) for c in codes]))
        relations.append(((i, "concern"), [(i, c) for c in concern_codes]))
    for kind in ("gender", "grade"):
        members = [i for i, g in enumerate(groups) if g.kind == kind]
        if members:
            for col in [*codes, "scored", "concern"]:
                relations.append(((0, col), [(i, col) for i in members]))
    cells = suppress(counts, relations, min_cell)
    return UnitTable(unit, tuple(groups),
                     {k: v for k, v in cells.items() if isinstance(k, tuple)}, min_cell)


@dataclass(frozen=True)
class LevelTable:
    """Suggested (by this campaign's sheets) and decided (by teachers, now) levels."""

    suggested: dict[str, Cell]
    decided: dict[str, Cell]
    suggested_total: Cell
    decided_total: Cell


def level_table(stats: CampaignStats, min_cell: int) -> LevelTable:
    out = []
    for source in (stats.suggested, stats.decided):
        counts: dict[Hashable, int] = {code: source.get(code, 0) for code in LEVEL_ORDER}
        counts["total"] = sum(source.values())
        cells = suppress(counts, [("total", list(LEVEL_ORDER))], min_cell)
        out.append(cells)
    return LevelTable({c: out[0][c] for c in LEVEL_ORDER}, {c: out[1][c] for c in LEVEL_ORDER},
                      out[0]["total"], out[1]["total"])


def count_text(cell: Cell, total: Cell | None = None) -> str:
    """"12（26.7%）", "<5" or "*": a count with its share where both may be shown."""
    share = cell.share(total) if total is not None else ""
    return f"{cell.text()}（{share}）" if share and cell.value else cell.text()


def change_points(now: Cell, now_total: Cell, before: Cell, before_total: Cell) -> str:
    """Change of a share in percentage points ("+3.2"), or "" when either is hidden."""
    if any(c.hidden for c in (now, now_total, before, before_total)):
        return ""
    if now_total.value == 0 or before_total.value == 0:
        return ""
    diff = 100 * (now.value / now_total.value - before.value / before_total.value)
    return f"{diff:+.1f}"
