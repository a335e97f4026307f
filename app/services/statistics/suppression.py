"""Small-cell suppression: no printed or exported count may point at a student.

A count from 1 to `min_cell` − 1 is shown as "<5" (primary suppression). That alone is
not enough: where a total is shown, one hidden cell among shown ones is the total minus
the rest. So for every relation "total = sum of parts" (a row of bands and its total, a
column of boys + girls = all), while exactly one member is hidden — or the hidden "<5"
cells add up to their least or greatest possible sum (4 and 4 under a visible 8) — one
more is hidden: the smallest non-zero part, shown as "*" (secondary suppression). This
repeats until no relation gives a cell away, which settles because cells are only ever
hidden.

Zero stays visible: it names nobody, except when it is the only cell left that could
cover a hidden one. A total that must stay visible although small (a school's count of
crisis students, which the district asks for) hides all of its parts as "*", since "<5"
would say which of them is not zero. Shares (percentages) of hidden cells are hidden
with them.

The rules are the usual statistical-office ones, kept simple enough to explain on the
report's last line.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

SMALL = "small"
COVER = "cover"

LEGEND = ("“<{n}”表示人数在 1 至 {m} 之间；“*”表示为防止由合计反推出小格人数而一并隐去的格子"
          "（可能为 0）。")


@dataclass(frozen=True)
class Cell:
    """A count as it may be shown: `value` when visible, else `mark` says why not."""

    value: int
    mark: str = ""
    min_cell: int = 5

    @property
    def hidden(self) -> bool:
        return bool(self.mark)

    def text(self) -> str:
        if self.mark == SMALL:
            return f"<{self.min_cell}"
        if self.mark == COVER:
            return "*"
        return str(self.value)

    def share(self, total: Cell | int, digits: int = 1) -> str:
        """"26.7%" of a visible total, or "" when either is hidden or the total is 0."""
        base = total.value if isinstance(total, Cell) else total
        if self.hidden or (isinstance(total, Cell) and total.hidden) or base <= 0:
            return ""
        return f"{100 * self.value / base:.{digits}f}%"

    def export_value(self) -> int | str:
        """A number for a spreadsheet, or the mark's text."""
        return self.text() if self.hidden else self.value


def legend(min_cell: int) -> str:
    return LEGEND.format(n=min_cell, m=min_cell - 1)


Relation = tuple[Hashable, Sequence[Hashable]]
"""(key of a total, keys of the parts it is the sum of)."""


def suppress(counts: Mapping[Hashable, int], relations: Iterable[Relation], min_cell: int,
             always_shown: Iterable[Hashable] = (),
             hidden: Mapping[Hashable, str] | None = None,
             limits: Mapping[Hashable, int] | None = None) -> dict[Hashable, Cell]:
    """Every count as a Cell. `always_shown` keys (a whole school's total, which the
    district needs and which names nobody) are never hidden; relations then protect their
    parts among themselves. `hidden`: cells that arrive hidden already, with their marks
    (the district's copy of a school's "<5" and "*"); their values in `counts` are not
    known and never read. `limits`: the min_cell a hidden cell's "<N" was written with,
    where that is not `min_cell` (a school whose policy differs from the district's)."""
    keep = set(always_shown)
    marks: dict[Hashable, str] = {k: SMALL for k, v in counts.items()
                                  if 0 < v < min_cell and k not in keep}
    marks.update(hidden or {})
    relations = [(t, list(parts)) for t, parts in relations]
    for total, parts in relations:
        if total in keep and 0 < counts[total] < min_cell:
            # A small total shown exactly: a "<5" part would say "this one is not zero",
            # and with the total that can be exact. Hide every part alike.
            marks.update((p, COVER) for p in parts)
    changed = True
    while changed:
        changed = False
        for total, parts in relations:
            if not _exposed(counts, total, parts, marks, min_cell, limits or {}):
                continue
            cover = _cover(counts, parts, total, marks, keep)
            if cover is not None:
                marks[cover] = COVER
                changed = True
            elif total in keep and any(marks.get(p) != COVER for p in parts):
                # Nothing left to hide beside them under a total that must show: hide
                # every part as "*", which (unlike "<5") may be any number.
                marks.update((p, COVER) for p in parts)
                changed = True
    return {k: Cell(v, marks.get(k, ""), min_cell) for k, v in counts.items()}


def _exposed(counts: Mapping[Hashable, int], total: Hashable, parts: Sequence[Hashable],
             marks: Mapping[Hashable, str], min_cell: int,
             limits: Mapping[Hashable, int]) -> bool:
    """Whether a reader could work out a hidden member of this relation: it is the only
    one hidden, or the hidden parts are all "<5" cells whose sum (the visible total less
    the visible parts) is as small or as large as such cells can be (4 + 4 = 8)."""
    hidden = [m for m in (total, *parts) if m in marks]
    if len(hidden) == 1:
        return True
    if not hidden or total in marks or any(marks[m] != SMALL for m in hidden):
        return False
    rest = counts[total] - sum(counts[p] for p in parts if p not in marks)
    return rest in (len(hidden), sum(limits.get(m, min_cell) - 1 for m in hidden))


def _cover(counts: Mapping[Hashable, int], parts: Sequence[Hashable], total: Hashable,
           marks: Mapping[Hashable, str], keep: set[Hashable]) -> Hashable | None:
    """The member to hide beside the single hidden one: the smallest non-zero visible
    part, else a zero part, else the total. None when nothing may be hidden (a single
    part under an always-shown total: the breakdown then tells nothing new anyway)."""
    visible = [p for p in parts if p not in marks and p not in keep]
    nonzero = sorted((p for p in visible if counts[p] > 0), key=lambda p: counts[p])
    if nonzero:
        return nonzero[0]
    if visible:
        return visible[0]
    if total not in marks and total not in keep:
        return total
    return None


def suppress_row(values: Sequence[int], total: int, min_cell: int,
                 total_shown: bool = False) -> tuple[list[Cell], Cell]:
    """One partition (bands of a scale, say) and its total."""
    counts: dict[Hashable, int] = {i: v for i, v in enumerate(values)}
    counts["total"] = total
    cells = suppress(counts, [("total", list(range(len(values))))], min_cell,
                     ["total"] if total_shown else [])
    return [cells[i] for i in range(len(values))], cells["total"]
