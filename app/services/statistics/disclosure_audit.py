"""The interval audit of suppressed tables, and the extra hiding it asks for.

Suppression (statistics/suppression.py) checks each "total = sum of parts" on its own. A reader
holds every published number at once: rows, columns, 需关注 and the other tables of the
same export together can pin a hidden cell down although no single relation does. So,
as statistical offices do (τ-ARGUS's audit), every hidden cell's smallest and largest
value consistent with *all* published numbers is computed by linear programming:

    minimise / maximise x_c  subject to  every relation (equalities), every known order
    between counts (a scale's 计分人数 ≤ the sheets counted ≤ 完成), a "<5" cell in
    [1, 4], a "*" cell ≥ 0, and every visible cell at its value.

A small cell ("<5") is protected when that interval is at least the policy's
`min_interval` wide (default 1: it cannot be worked out; 2 keeps three of 1–4 possible,
at the cost of hiding much more), and a cell hidden to cover others ("*") when it is not
solved (at least 1 wide). While some cell is narrower, one
more cell beside it is hidden (or, when all around it is hidden already, a "<5" is
written "*", which may be any number) and the audit runs again; the loop ends because
cells are only ever hidden. A cell bounded by a
total that must be shown exactly (a school's count of crisis students) can be no wider
than that total; that limit is the policy's own.

The LP solver is HiGHS (highspy), imported only when an audit runs, so the app starts
without it. Independent groups of hidden cells are solved apart (a school's export falls
into many small ones).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.services.statistics.suppression import COVER, SMALL, Cell, Relation, suppress

Order = tuple[Hashable, Hashable]
"""(a, b): count a is never larger than count b (计分人数 ≤ 完成)."""

_EPS = 1e-6
_SPREAD_FROM = 12
"""A group of more hidden cells than this is first solved a few times with every cell in
the objective (`_solve`)."""
_SPREAD_RUNS = 6
_NEAR = 16
"""A cell hidden this round is taken to give room to a narrow cell of the same relation
only in a short one (a row of bands, 男 + 女): in a district's "total = Σ 400 schools"
one cover per round made hundreds of rounds, each solving the whole district."""


def protection(min_cell: int, min_interval: int) -> int:
    """How wide a small cell's audited interval must be: the policy's `min_interval`, but
    never more than the range "<min_cell" itself states (1 … min_cell−1)."""
    return min(min_interval, max(0, min_cell - 2))


@dataclass(frozen=True)
class Audit:
    intervals: dict[Hashable, tuple[float, float]]
    """Each hidden cell's (lowest, highest) value given everything published — for a
    cell shown to be wide enough, the span of values it was seen to take (within those
    bounds; `audit` without `need` gives the bounds themselves)."""
    narrow: tuple[Hashable, ...]
    """Hidden cells narrower than they must be, that no further hiding can widen."""


def protect(counts: Mapping[Hashable, int], relations: Iterable[Relation], min_cell: int,
            always_shown: Iterable[Hashable] = (), orders: Sequence[Order] = (),
            min_interval: int = 1, hidden: Mapping[Hashable, str] | None = None,
            limits: Mapping[Hashable, int] | None = None
            ) -> tuple[dict[Hashable, Cell], Audit]:
    """Suppress (primary and the per-relation secondary rule), then audit the whole set
    and hide more until every hidden cell is protected. Returns the cells and the final
    audit. `hidden`: cells hidden before (suppression.suppress), whose values are
    unknown: the district's copy of what schools hid. `limits`: the min_cell each of
    those "<N" marks was written with where it is not `min_cell` — a school's "<3" is 1 or
    2 whatever the district's own threshold, and is audited so."""
    limits = limits or {}
    relations = [(t, list(parts)) for t, parts in relations]
    links = _Links(relations)
    keep = set(always_shown)
    cells = suppress(counts, relations, min_cell, keep, hidden, limits)
    marks = {k: c.mark for k, c in cells.items() if c.hidden}
    cache: dict[frozenset, dict[Hashable, tuple[float, float]]] = {}
    while True:
        need = _needs(counts, relations, marks, protection(min_cell, min_interval), keep)
        for k, n in limits.items():
            if marks.get(k) == SMALL:
                need[k] = min(need[k], protection(n, min_interval))
        found = audit(counts, relations, marks, min_cell, orders, cache, need, limits)
        narrow = [k for k, (lo, hi) in found.items() if hi - lo < need[k] - _EPS]
        added: set[Hashable] = set()
        for k in narrow:
            if added & set(links.related(k, _NEAR)):
                continue  # a cell hidden this round may already give it room: re-audit
            cover = _widener(k, counts, links, marks, keep, need[k])
            if cover is None:
                # Everything around it is hidden already: what still pins it down is
                # the "<5" marks' own 1–4. Write one of them as "*" (any number).
                cover = next((m for m in (k, *links.linked(k, marks))
                              if marks.get(m) == SMALL), None)
            if cover is not None:
                marks[cover] = COVER
                added.add(cover)
        if not added:
            return ({k: Cell(v, marks.get(k, ""), min_cell) for k, v in counts.items()},
                    Audit(found, tuple(narrow)))


def _needs(counts: Mapping[Hashable, int], relations: Sequence[Relation],
           marks: Mapping[Hashable, str], small: int, keep: set[Hashable]
           ) -> dict[Hashable, float]:
    """The width each hidden cell must reach: `small` for a small count, 1 for a
    cell hidden to cover one (its own value, 0 or at least min_cell, names nobody; it
    must only not be solvable) — or less where the cell is a part of a total that must
    show exactly and is smaller than that (its parts cannot range wider than it)."""
    need = {k: float(small if mark == SMALL else 1) for k, mark in marks.items()}
    for total, parts in relations:
        if total in keep:
            for p in parts:
                if p in need:
                    need[p] = min(need[p], counts[total])
    return need


def _widener(cell: Hashable, counts: Mapping[Hashable, int], links: _Links,
             marks: Mapping[Hashable, str], keep: set[Hashable], need: float
             ) -> Hashable | None:
    """The visible cell to hide so that `cell` gains room: a member of a relation `cell`
    is in, else of the relations linked to it through hidden cells. Parts before totals
    (a total hidden turns the district's sum into a floor), then the smallest count that
    leaves room (at least `need`), else the largest."""
    for pool in (lambda: links.related(cell), lambda: links.linked(cell, marks)):
        # The linked pool only when the related one has nothing left: in a district's
        # LP it is the whole component, and it was walked for every narrow cell.
        visible = {m for m in pool() if m not in marks and m not in keep and m != cell}
        if visible:
            return min(visible, key=lambda m: (m in links.totals, counts[m] < need,
                                               counts[m] if counts[m] >= need else -counts[m],
                                               repr(m)))
    return None


class _Links:
    """The relations indexed by member: a district's thousands of relations made each
    lookup a scan of all of them."""

    def __init__(self, relations: Sequence[Relation]) -> None:
        self.members = [[total, *parts] for total, parts in relations]
        self.totals = {t for t, _ in relations}
        self.by_member: dict[Hashable, list[int]] = {}
        for i, members in enumerate(self.members):
            for m in members:
                self.by_member.setdefault(m, []).append(i)

    def related(self, cell: Hashable, longest: int | None = None) -> list[Hashable]:
        """Every member of every relation `cell` is in (of at most `longest` members)."""
        return [m for i in self.by_member.get(cell, ())
                if longest is None or len(self.members[i]) <= longest
                for m in self.members[i]]

    def linked(self, cell: Hashable, marks: Mapping[Hashable, str]) -> list[Hashable]:
        """Every member of every relation reachable from `cell` through hidden cells."""
        seen, todo, out, done = {cell}, [cell], [], set()
        while todo:
            current = todo.pop()
            for i in self.by_member.get(current, ()):
                if i in done:
                    continue
                done.add(i)
                out += self.members[i]
                for m in self.members[i]:
                    if m in marks and m not in seen:
                        seen.add(m)
                        todo.append(m)
        return out


def audit(counts: Mapping[Hashable, int], relations: Sequence[Relation],
          marks: Mapping[Hashable, str], min_cell: int, orders: Sequence[Order] = (),
          cache: dict[frozenset, dict[Hashable, tuple[float, float]]] | None = None,
          need: Mapping[Hashable, float] | None = None,
          limits: Mapping[Hashable, int] | None = None
          ) -> dict[Hashable, tuple[float, float]]:
    """Each hidden cell's interval given every visible count, every relation and order.
    `cache` keeps each independent group's answer by its hidden cells and their marks
    (which, with the fixed visible counts, decide it), so `protect`'s rounds only solve
    the groups that changed.

    With `need` (the width each cell must reach) a cell is not solved for once the
    solutions found for other cells already show it taking values `need` apart: its
    interval is then that span (inside its true one), which is all `protect` asks.
    A district's LP, where "total = Σ schools" ties thousands of cells together, needs
    a few dozen solves instead of two per cell."""
    hidden = sorted(marks, key=repr)
    if not hidden:
        return {}
    index = {k: i for i, k in enumerate(hidden)}
    rows: list[tuple[dict[int, float], float, float]] = []
    for total, parts in relations:
        coef: dict[int, float] = {}
        rhs = 0.0
        for m, sign in ((total, -1.0), *((p, 1.0) for p in parts)):
            if m in index:
                coef[index[m]] = coef.get(index[m], 0.0) + sign
            else:
                rhs -= sign * counts[m]
        if coef:
            rows.append((coef, rhs, rhs))
    for small, big in orders:
        coef = {}
        rhs = 0.0
        for m, sign in ((small, 1.0), (big, -1.0)):
            if m in index:
                coef[index[m]] = coef.get(index[m], 0.0) + sign
            else:
                rhs -= sign * counts[m]
        if coef:
            rows.append((coef, -float("inf"), rhs))
    # "*" may be any count; a finite ceiling far above every count keeps each LP bounded
    # (an interval reaching it is reported as unbounded).
    ceiling = 10.0 * max(counts.values(), default=0) + 1000.0
    limits = limits or {}
    bounds = [(1.0, float(limits.get(k, min_cell) - 1)) if marks[k] == SMALL
              else (0.0, ceiling) for k in hidden]
    out: dict[Hashable, tuple[float, float]] = {}
    cache = {} if cache is None else cache
    wide = None if need is None else [need[k] for k in hidden]
    for group, mine in _components(len(hidden), rows):
        key = frozenset((hidden[i], marks[hidden[i]]) for i in group)
        if key not in cache:
            cache[key] = {hidden[i]: (lo, float("inf") if hi >= ceiling - _EPS else hi)
                          for i, (lo, hi) in _solve(group, mine, bounds, wide).items()}
        out.update(cache[key])
    return out


def _components(n: int, rows: Sequence[tuple[dict[int, float], float, float]]
                ) -> list[tuple[list[int], list[tuple[dict[int, float], float, float]]]]:
    """The independent groups of hidden cells, each with its own rows (handing every
    group all rows made a district of 400 schools quadratic)."""
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for coef, _, _ in rows:
        first, *rest = coef
        for j in rest:
            parent[find(j)] = find(first)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    own: dict[int, list[tuple[dict[int, float], float, float]]] = {g: [] for g in groups}
    for row in rows:
        own[find(next(iter(row[0])))].append(row)
    return [(members, own[root]) for root, members in groups.items()]


def _solve(group: list[int], rows: Sequence[tuple[dict[int, float], float, float]],
           bounds: Sequence[tuple[float, float]], need: Sequence[float] | None = None
           ) -> dict[int, tuple[float, float]]:
    """Min and max of each variable of one independent group, given its rows — or, with
    `need`, the span seen in the solutions so far once it is at least that wide."""
    if not rows:
        return {v: bounds[v] for v in group}
    import numpy as np

    highspy = _highspy()
    h = _solver()
    h.clearModel()
    local = {v: j for j, v in enumerate(group)}
    for v in group:
        lo, hi = bounds[v]
        h.addVar(lo, hi)
    for coef, lo, hi in rows:
        idx = np.array([local[v] for v in coef], dtype=np.int32)
        val = np.array(list(coef.values()), dtype=np.float64)
        h.addRow(lo if lo != -float("inf") else -highspy.kHighsInf, hi, len(idx), idx, val)
    out: dict[int, tuple[float, float]] = {}
    seen_lo = np.full(len(group), np.inf)
    seen_hi = np.full(len(group), -np.inf)

    def seen() -> None:
        x = np.asarray(h.getSolution().col_value)
        np.minimum(seen_lo, x, out=seen_lo)
        np.maximum(seen_hi, x, out=seen_hi)

    if need is not None and len(group) > _SPREAD_FROM:
        # A few solutions that push every cell at once (all down, all up, then mixed
        # directions) usually show most cells spanning what they need, so that only the
        # rest are solved one by one. Which solutions are seen changes no verdict: a span
        # seen is always inside the cell's true interval, and a cell not seen wide enough
        # is still solved exactly.
        rng = np.random.default_rng(len(group))
        signs = [np.ones(len(group)), -np.ones(len(group)),
                 *(rng.choice([-1.0, 1.0], len(group)) for _ in range(_SPREAD_RUNS - 2))]
        everything = np.arange(len(group), dtype=np.int32)
        h.changeObjectiveSense(highspy.ObjSense.kMinimize)
        for sign in signs:
            h.changeColsCost(len(group), everything, sign)
            h.run()
            status = h.getModelStatus()
            if status != highspy.HighsModelStatus.kOptimal:
                raise RuntimeError(f"suppression audit: LP {h.modelStatusToString(status)}")
            seen()
        h.changeColsCost(len(group), everything, np.zeros(len(group)))
    for v, j in local.items():
        if need is not None and seen_hi[j] - seen_lo[j] >= need[v] - _EPS:
            out[v] = (float(seen_lo[j]), float(seen_hi[j]))
            continue
        ends = []
        for end, sense in enumerate((highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize)):
            # A solution found for another cell that already puts this one at its own
            # bound (1 or min_cell − 1 for "<5") answers this end: no LP can pass it.
            bound = bounds[v][end]
            if (seen_lo[j] <= bound + _EPS) if end == 0 else (seen_hi[j] >= bound - _EPS):
                ends.append(bound)
                continue
            h.changeColCost(j, 1.0)
            h.changeObjectiveSense(sense)
            h.run()
            status = h.getModelStatus()
            if status == highspy.HighsModelStatus.kOptimal:
                ends.append(h.getInfo().objective_function_value)
            else:
                raise RuntimeError(f"suppression audit: LP {h.modelStatusToString(status)}")
            h.changeColCost(j, 0.0)
            seen()
        out[v] = (ends[0], ends[1])
    return out


_HIGHS: list[Any] = []


def _highspy() -> Any:
    import highspy

    return highspy


def _solver() -> Any:
    """One quiet HiGHS instance per process. HiGHS prints its banner to the C stdout when
    the first instance is made — before it can be told to be silent — so that moment
    runs with file descriptor 1 pointed at the null device."""
    if not _HIGHS:
        highspy = _highspy()
        sys.stdout.flush()
        try:
            saved = os.dup(1)
        except OSError:
            saved = -1
        try:
            if saved >= 0:
                with open(os.devnull, "wb") as null:
                    os.dup2(null.fileno(), 1)
            h = highspy.Highs()
        finally:
            if saved >= 0:
                os.dup2(saved, 1)
                os.close(saved)
        h.silent()
        _HIGHS.append(h)
    return _HIGHS[0]
