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
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from app.services.statistics.suppression import COVER, SMALL, Cell, Relation, suppress

Order = tuple[Hashable, Hashable]
"""(a, b): count a is never larger than count b (计分人数 ≤ 完成)."""
Row = tuple[dict[int, float], float, float, int]
"""An LP row: coefficients by variable, lower and upper bound, and which relation (its
index) or order (len(relations) + its index) it comes from."""

_EPS = 1e-6
_SPREAD_FROM = 12
"""A group of more hidden cells than this is first solved a few times with every cell in
the objective (`_solve`)."""
_SPREAD_RUNS = 6
_DUAL = 1e-9
"""A dual value above this (in size) puts its row or bound in an end's proof."""
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


@dataclass
class Rounds:
    """What `protect`'s rounds of one audit carry to the next. Every round only hides
    more cells (or writes a "<5" as "*", which may be any number), so every table a reader
    found consistent before still is: the LP's feasible set only grows.

    - `seen`: the lowest and highest value each hidden cell was seen to take in earlier
      solutions. They stay possible, so a cell seen spanning what it needs stays
      protected and is not solved again; only the narrow and the new are.
    - `ends`: an end of a cell's interval solved earlier, with the support of the LP
      dual that proved it (the relations and orders with a non-zero row dual, the cells
      whose bound had a non-zero dual). Hiding a cell adds a column to its relations'
      rows and a "*" widens a cell's bounds; when none of those touch the support, the
      old dual is still feasible and optimal with the same value, so the end is
      unchanged and not solved again. Narrow cells are re-solved only where a new cover
      reached them.
    - `fresh`: the cells hidden or re-marked since the last audit."""

    seen: dict[Hashable, tuple[float, float]] = field(default_factory=dict)
    ends: dict[tuple[Hashable, int], tuple[float, frozenset[int], frozenset[Hashable]]] = \
        field(default_factory=dict)
    fresh: set[Hashable] = field(default_factory=set)


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
    rounds = Rounds()
    while True:
        need = _needs(counts, relations, marks, protection(min_cell, min_interval), keep)
        for k, n in limits.items():
            if marks.get(k) == SMALL:
                need[k] = min(need[k], protection(n, min_interval))
        found = audit(counts, relations, marks, min_cell, orders, cache, need, limits, rounds)
        narrow = [k for k, (lo, hi) in found.items() if hi - lo < need[k] - _EPS]
        added: set[Hashable] = set()
        reach = _Reach(links, marks)
        for k in narrow:
            if added & set(links.related(k, _NEAR)):
                continue  # a cell hidden this round may already give it room: re-audit
            cover = _widener(k, counts, links, marks, keep, need[k], reach)
            if cover is None:
                # Everything around it is hidden already: what still pins it down is
                # the "<5" marks' own 1–4. Write one of them as "*" (any number).
                cover = next((m for m in chain((k,), links.linked(k, marks))
                              if marks.get(m) == SMALL), None)
            if cover is not None:
                reach.hide(cover)
                marks[cover] = COVER
                added.add(cover)
        rounds.fresh = added
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
             marks: Mapping[Hashable, str], keep: set[Hashable], need: float,
             reach: _Reach | None = None) -> Hashable | None:
    """The visible cell to hide so that `cell` gains room: a member of a relation `cell`
    is in, else of the relations linked to it through hidden cells. Parts before totals
    (a total hidden turns the district's sum into a floor), then the smallest count that
    leaves room (at least `need`), else the largest."""
    reach = reach or _Reach(links, marks)
    for pool in (lambda: links.related(cell), lambda: reach.visible(cell)):
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

    def linked(self, cell: Hashable, marks: Mapping[Hashable, str]) -> Iterator[Hashable]:
        """Every member of every relation reachable from `cell` through hidden cells, as
        they are reached (a caller looking for one stops early)."""
        seen, todo, done = {cell}, [cell], set()
        while todo:
            current = todo.pop()
            for i in self.by_member.get(current, ()):
                if i in done:
                    continue
                done.add(i)
                yield from self.members[i]
                for m in self.members[i]:
                    if m in marks and m not in seen:
                        seen.add(m)
                        todo.append(m)


class _Reach:
    """The hidden cells in groups joined through relations (as `_Links.linked` walks
    them), each group with the visible members of its relations: `_widener`'s second pool,
    kept up to date as a round hides covers instead of walked for every narrow cell (in a
    district's LP the group is a whole table of every school: half of `protect`'s time).
    Built on first use; `hide` before the cell is marked."""

    def __init__(self, links: _Links, marks: Mapping[Hashable, str]) -> None:
        self.links = links
        self.marks = marks
        self.group: dict[Hashable, int] | None = None
        self.cells: dict[int, list[Hashable]] = {}
        self.shown: dict[int, set[Hashable]] = {}

    def _build(self) -> dict[Hashable, int]:
        self.group = {}
        for start in self.marks:
            if start in self.group:
                continue
            g = len(self.cells)
            self.group[start] = g
            self.cells[g], self.shown[g] = [start], set()
            todo, done = [start], set()
            while todo:
                for i in self.links.by_member.get(todo.pop(), ()):
                    if i in done:
                        continue
                    done.add(i)
                    for m in self.links.members[i]:
                        if m not in self.marks:
                            self.shown[g].add(m)
                        elif m not in self.group:
                            self.group[m] = g
                            self.cells[g].append(m)
                            todo.append(m)
        return self.group

    def visible(self, cell: Hashable) -> set[Hashable]:
        """The visible members of every relation reachable from hidden `cell` through
        hidden cells."""
        group = self.group if self.group is not None else self._build()
        return self.shown[group[cell]]

    def hide(self, cell: Hashable) -> None:
        """`cell` is about to be hidden: it joins the groups of the hidden cells it shares a
        relation with, and their relations' visible members with its own."""
        if self.group is None or cell in self.group:
            return  # not built yet, or hidden already ("<5" made "*")
        joined: set[int] = set()
        shown: set[Hashable] = set()
        for i in self.links.by_member.get(cell, ()):
            for m in self.links.members[i]:
                if m == cell:
                    continue
                if m in self.marks:
                    joined.add(self.group[m])
                else:
                    shown.add(m)
        if joined:
            base = max(joined, key=lambda g: len(self.cells[g]))
        else:
            base = max(self.cells, default=-1) + 1
            self.cells[base], self.shown[base] = [], set()
        for g in joined - {base}:
            moved = self.cells.pop(g)
            for m in moved:
                self.group[m] = base
            self.cells[base] += moved
            self.shown[base] |= self.shown.pop(g)
        self.group[cell] = base
        self.cells[base].append(cell)
        self.shown[base] |= shown
        self.shown[base].discard(cell)


def audit(counts: Mapping[Hashable, int], relations: Sequence[Relation],
          marks: Mapping[Hashable, str], min_cell: int, orders: Sequence[Order] = (),
          cache: dict[frozenset, dict[Hashable, tuple[float, float]]] | None = None,
          need: Mapping[Hashable, float] | None = None,
          limits: Mapping[Hashable, int] | None = None,
          rounds: Rounds | None = None
          ) -> dict[Hashable, tuple[float, float]]:
    """Each hidden cell's interval given every visible count, every relation and order.
    `cache` keeps each independent group's answer by its hidden cells and their marks
    (which, with the fixed visible counts, decide it), so `protect`'s rounds only solve
    the groups that changed.

    With `need` (the width each cell must reach) a cell is not solved for once the
    solutions found for other cells already show it taking values `need` apart: its
    interval is then that span (inside its true one), which is all `protect` asks.
    A district's LP, where "total = Σ schools" ties thousands of cells together, needs
    a few dozen solves instead of two per cell.

    `rounds` (with `need`): what earlier audits found (`Rounds`), read and added to.
    Sound only across audits of the same counts, relations, orders and limits whose
    marks only grew (cells hidden, "<5" made "*"), as `protect`'s rounds are."""
    hidden = sorted(marks, key=repr)
    if not hidden:
        return {}
    index = {k: i for i, k in enumerate(hidden)}
    rows: list[Row] = []
    fresh = set() if rounds is None else rounds.fresh
    touched: set[int] = set()
    """Rows of relations and orders that a cell hidden or re-marked since the last audit
    is in."""
    for r, (total, parts) in enumerate(relations):
        coef: dict[int, float] = {}
        rhs = 0.0
        for m, sign in ((total, -1.0), *((p, 1.0) for p in parts)):
            if m in index:
                coef[index[m]] = coef.get(index[m], 0.0) + sign
                if m in fresh:
                    touched.add(r)
            else:
                rhs -= sign * counts[m]
        if coef:
            rows.append((coef, rhs, rhs, r))
    for r, (small, big) in enumerate(orders, len(relations)):
        coef = {}
        rhs = 0.0
        for m, sign in ((small, 1.0), (big, -1.0)):
            if m in index:
                coef[index[m]] = coef.get(index[m], 0.0) + sign
                if m in fresh:
                    touched.add(r)
            else:
                rhs -= sign * counts[m]
        if coef:
            rows.append((coef, -float("inf"), rhs, r))
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
            prior = known = None
            if rounds is not None and wide is not None:
                prior = [rounds.seen.get(hidden[i]) for i in group]
                known = [[_still(rounds, hidden[i], end, touched) for end in (0, 1)]
                         for i in group]
            solved, spans, proofs = _solve(group, mine, bounds, wide, prior, known)
            if rounds is not None:
                rounds.seen.update((hidden[i], span) for i, span in zip(group, spans, strict=True)
                                   if span)
                rounds.ends.update(((hidden[v], end), (value, support, frozenset(
                    hidden[c] for c in cols))) for (v, end), (value, support, cols)
                    in proofs.items())
            cache[key] = {hidden[i]: (lo, float("inf") if hi >= ceiling - _EPS else hi)
                          for i, (lo, hi) in solved.items()}
        out.update(cache[key])
    return out


def _still(rounds: Rounds, cell: Hashable, end: int, touched: set[int]) -> float | None:
    """An end of `cell`'s interval an earlier audit proved, when nothing hidden since
    reaches the dual that proved it (`Rounds.ends`); else None."""
    proof = rounds.ends.get((cell, end))
    if proof is None or cell in rounds.fresh:
        return None
    value, support, cols = proof
    if not support.isdisjoint(touched) or not cols.isdisjoint(rounds.fresh):
        return None
    return value


def _components(n: int, rows: Sequence[Row]) -> list[tuple[list[int], list[Row]]]:
    """The independent groups of hidden cells, each with its own rows (handing every
    group all rows made a district of 400 schools quadratic)."""
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for coef, *_ in rows:
        first, *rest = coef
        for j in rest:
            parent[find(j)] = find(first)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    own: dict[int, list[Row]] = {g: [] for g in groups}
    for row in rows:
        own[find(next(iter(row[0])))].append(row)
    return [(members, own[root]) for root, members in groups.items()]


def _solve(group: list[int], rows: Sequence[Row], bounds: Sequence[tuple[float, float]],
           need: Sequence[float] | None = None,
           prior: Sequence[tuple[float, float] | None] | None = None,
           known: Sequence[Sequence[float | None]] | None = None
           ) -> tuple[dict[int, tuple[float, float]], list[tuple[float, float] | None],
                      dict[tuple[int, int], tuple[float, frozenset[int], frozenset[int]]]]:
    """Min and max of each variable of one independent group, given its rows — or, with
    `need`, the span seen in the solutions so far (those of earlier audits in `prior`,
    per member of `group`) once it is at least that wide. `known`: per member, its
    (min, max) where an earlier audit's proof still holds (`Rounds.ends`), else None.
    Also returns each member's span seen (None where no solution was made) and, for
    each end solved, its value and the support of its dual (row ids, variables)."""
    proofs: dict[tuple[int, int], tuple[float, frozenset[int], frozenset[int]]] = {}
    if not rows:
        return {v: bounds[v] for v in group}, [None] * len(group), proofs
    import numpy as np

    highspy = _highspy()
    h = _solver()
    _load(h, group, rows, bounds)
    local = {v: j for j, v in enumerate(group)}
    out: dict[int, tuple[float, float]] = {}
    seen_lo = np.full(len(group), np.inf)
    seen_hi = np.full(len(group), -np.inf)
    for j, span in enumerate(prior or ()):
        if span is not None:
            seen_lo[j], seen_hi[j] = span
    wide = None if need is None else np.array([need[v] for v in group]) - _EPS

    def run() -> None:
        h.run()
        status = h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"suppression audit: LP {h.modelStatusToString(status)}")
        x = np.asarray(h.getSolution().col_value)
        np.minimum(seen_lo, x, out=seen_lo)
        np.maximum(seen_hi, x, out=seen_hi)

    if wide is not None:
        # A few solutions that push every cell not yet seen wide enough at once (all
        # down, all up, then mixed directions) usually show most of them spanning what
        # they need, so that only the rest are solved one by one. Which solutions are
        # seen changes no verdict: a span seen is always inside the cell's true interval,
        # and a cell not seen wide enough is still solved exactly.
        rng = np.random.default_rng(len(group))
        h.changeObjectiveSense(highspy.ObjSense.kMinimize)
        todo = np.flatnonzero(seen_hi - seen_lo < wide).astype(np.int32)
        for turn in range(_SPREAD_RUNS):
            if len(todo) <= _SPREAD_FROM:
                break
            sign = (np.full(len(todo), 1.0 if turn == 0 else -1.0) if turn < 2
                    else rng.choice([-1.0, 1.0], len(todo)))
            h.changeColsCost(len(todo), todo, sign)
            run()
            h.changeColsCost(len(todo), todo, np.zeros(len(todo)))
            left = np.flatnonzero(seen_hi - seen_lo < wide).astype(np.int32)
            if turn >= 1 and len(todo) - len(left) < 2:
                todo = left
                break  # no longer worth a solve: the rest one by one
            todo = left
    for v, j in local.items():
        ends: list[float] = []
        for end, sense in enumerate((highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize)):
            if wide is not None and seen_hi[j] - seen_lo[j] >= wide[j]:
                break  # seen spanning what it needs (before or after its first end)
            # A solution found for another cell that already puts this one at its own
            # bound (1 or min_cell − 1 for "<5") answers this end: no LP can pass it.
            bound = bounds[v][end]
            if (seen_lo[j] <= bound + _EPS) if end == 0 else (seen_hi[j] >= bound - _EPS):
                ends.append(bound)
                continue
            if known is not None and known[j][end] is not None:
                ends.append(known[j][end])  # type: ignore[arg-type]
                continue
            h.changeColCost(j, 1.0)
            h.changeObjectiveSense(sense)
            run()
            value = h.getInfo().objective_function_value
            ends.append(value)
            solution = h.getSolution()  # before the cost changes: that clears it
            if known is not None and solution.dual_valid:
                rows_used = np.flatnonzero(np.abs(np.asarray(solution.row_dual)) > _DUAL)
                cols_used = np.flatnonzero(np.abs(np.asarray(solution.col_dual)) > _DUAL)
                proofs[(v, end)] = (value, frozenset(rows[r][3] for r in rows_used),
                                    frozenset(group[c] for c in cols_used))
            h.changeColCost(j, 0.0)
        if len(ends) == 2:
            out[v] = (ends[0], ends[1])
        else:
            out[v] = (float(seen_lo[j]), float(seen_hi[j]))
    spans = [(float(a), float(b)) if a <= b else None
             for a, b in zip(seen_lo, seen_hi, strict=True)]
    return out, spans, proofs


def _load(h: Any, group: list[int], rows: Sequence[Row],
          bounds: Sequence[tuple[float, float]]) -> None:
    """One group's LP into the solver, in two calls (a row at a time from Python was a
    tenth of a district's audit)."""
    import numpy as np

    highspy = _highspy()
    h.clearModel()
    local = {v: j for j, v in enumerate(group)}
    h.addVars(len(group), np.array([bounds[v][0] for v in group], dtype=np.float64),
              np.array([bounds[v][1] for v in group], dtype=np.float64))
    starts = np.zeros(len(rows), dtype=np.int32)
    index: list[int] = []
    value: list[float] = []
    for r, (coef, *_) in enumerate(rows):
        starts[r] = len(index)
        index += [local[v] for v in coef]
        value += coef.values()
    lower = np.array([row[1] for row in rows], dtype=np.float64)
    lower[lower == -np.inf] = -highspy.kHighsInf
    upper = np.array([row[2] for row in rows], dtype=np.float64)
    h.addRows(len(rows), lower, upper, len(index), starts,
              np.array(index, dtype=np.int32), np.array(value, dtype=np.float64))


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
        # Each LP is solved many times over with only the objective changed: the last
        # basis stays feasible, so primal simplex goes on from it, and presolve (which
        # would be re-run each time) is not wanted. 120 districts' schools: 4.6 s → 2.7 s.
        h.setOptionValue("presolve", "off")
        h.setOptionValue("simplex_strategy", 4)
        _HIGHS.append(h)
    return _HIGHS[0]
