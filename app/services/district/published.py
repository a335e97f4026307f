"""Every count the district's summary workbook prints, as one set: the schools' rows as
they arrived, the district totals, and what the district's own policy hides of them.

A school's tables arrive with its own small cells hidden ("<5", "*") or, under the
"exact" policy, as they are. The workbook the district publishes (the file that
travels: to the bureau's leaders, into reports) is protected like a school's export
(docs/DISTRICT_EXPORT.md §4): under the district's `cells = "suppressed"` its published
cells — each school's whole-school rows and the district totals — go through the same
suppression and interval audit (disclosure_audit.protect), with "district total = Σ
schools" as one more relation beside each school's own (bands → 计分人数, → 需关注,
levels → 答卷数) and the orders between tables (计分人数 ≤ 答卷数 ≤ 完成).

A district total with a part the school hid is not a number the district knows. It is
printed as the range of values the schools' tables allow — each hidden part's smallest
and largest value given everything its school sent (an LP per school, disclosure_audit.
audit, over all the school's tables, margins and breakdowns), added up over schools —
exact where that range is one value, "a–b" otherwise. That is tighter than the old
floor ("≥ known + 1 per <5") and adds nothing a reader of the schools' files could not
work out. A part the district hid itself (an exact school's small cell, in a total that
also holds a cell another school hid) counts by its mark alone (1 … min_cell−1 for "<5",
anything for "*"), so the range gives nothing of it away either.

Keys (school code s; `None` in its place for a district total):
("att", s, campaign, instrument, group, field) 参测情况 (group "全校" or a grade);
("band", s, campaign, instrument, unit, group, column) 分级 (group "kind:value", column
a band code, "_concern" or "scored"); ("sugg", s, campaign, instrument, level|"total");
("prev", s, campaign, instrument, unit, "concern"|"scored") 与上次比较's term before;
("lvl", s, level, group) 预警等级人数; ("ref", s, measure) 转介情况; ("out", s,
outcome|"total") 转介就诊结果. District totals
leave out the campaign: ("att", None, None, instrument, "全校", field) and so on.
"""

from __future__ import annotations

import contextlib
from collections.abc import Hashable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from app.deployment import ReportPolicy
from app.gc_pause import frozen_heap
from app.services.district.aggregate import Submission
from app.services.statistics.disclosure_audit import Order, audit, protect
from app.services.statistics.suppression import COVER, SMALL, Relation

ALL = "all:"
"""A band row's whole-school group key."""
ATTENDANCE = ("due", "done", "leave", "exempt", "excluded")
EXCUSED = ("leave", "exempt", "excluded")
LEVEL_CODES = ("crisis", "key", "general", "none")
REFERRAL_MEASURES = ("opened_in_period", "open_now")
_EPS = 1e-6


@dataclass
class Received:
    """What the schools sent, as cells: known values, the marks of hidden ones, the
    relations and orders each school's tables hold, and which cells the workbook prints."""

    values: dict[Hashable, int] = field(default_factory=dict)
    marks: dict[Hashable, str] = field(default_factory=dict)
    min_cell: dict[str, int] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    """Within one school (its rows, margins and breakdowns)."""
    orders: list[Order] = field(default_factory=list)
    printed: set[Hashable] = field(default_factory=set)
    """School cells the workbook prints (whole-school rows)."""
    exact: set[Hashable] = field(default_factory=set)
    """Cells a school always shows exactly (应测/完成, school-wide levels and referrals)."""
    totals: dict[Hashable, list[Hashable]] = field(default_factory=dict)
    """District total → its parts, one per school (or per campaign of a version-1 file)."""
    total_relations: list[Relation] = field(default_factory=list)
    """Between district totals (全区 = 男 + 女, 计分人数 = Σ bands)."""
    inconsistent: set[str] = field(default_factory=set)
    """Schools whose tables contradict themselves (their relations are not used)."""

    def put(self, key: Hashable, value: object, printed: bool = True) -> bool:
        """Record a school's cell; False when the school left it blank."""
        if isinstance(value, bool) or value is None or value == "":
            return False
        if isinstance(value, int | float):
            self.values[key] = int(value)
        else:
            self.marks[key] = SMALL if str(value).startswith("<") else COVER
        if printed:
            self.printed.add(key)
        return True

    def has(self, key: Hashable) -> bool:
        return key in self.values or key in self.marks

    def add_total(self, total: Hashable, part: Hashable) -> None:
        if self.has(part):
            self.totals.setdefault(total, []).append(part)


@dataclass(frozen=True)
class Published:
    """What the workbook prints for each cell: a number, a mark ("<5", "*") or a range
    ("a–b", "≥a")."""

    text: dict[Hashable, int | str]
    exact_totals: int
    ranged_totals: int
    hidden_by_district: int
    policy: ReportPolicy
    inconsistent: tuple[str, ...] = ()
    """Schools whose tables do not add up (named in the 说明 sheet)."""

    def __getitem__(self, key: Hashable) -> int | str | None:
        return self.text.get(key)

    def known(self, key: Hashable) -> int | None:
        """The printed number, or None when the cell is hidden or a range."""
        value = self.text.get(key)
        return value if isinstance(value, int) else None


def received(subs: Sequence[Submission]) -> Received:
    r = Received()
    for s in subs:
        r.min_cell[s.school_code] = s.min_cell
        _participation(r, s)
        _bands(r, s)
        _suggested(r, s)
        _change(r, s)
        _levels(r, s)
        _referrals(r, s)
        _outcomes(r, s)
    _total_relations(r)
    return r


def _participation(r: Received, s: Submission) -> None:
    grades: dict[tuple, list[str]] = {}
    for row in s.rows("participation"):
        whole = row["group_kind"] == "all"
        group = "全校" if whole else str(row["group"])
        unit = (row["campaign"], row["instrument_name"])
        for f in ATTENDANCE:
            key = ("att", s.school_code, *unit, group, f)
            if r.put(key, row.get(f), printed=whole) and f in ("due", "done"):
                r.exact.add(key)
            if whole:
                r.add_total(("att", None, None, row["instrument_name"], "全校", f), key)
        if not whole:
            grades.setdefault(unit, []).append(group)
    for unit, names in grades.items():
        for f in EXCUSED:
            whole = ("att", s.school_code, *unit, "全校", f)
            parts = [("att", s.school_code, *unit, g, f) for g in names]
            if r.has(whole) and all(r.has(p) for p in parts):
                r.relations.append((whole, parts))


def _bands(r: Received, s: Submission) -> None:
    blocks: dict[tuple, dict[str, dict[str, str]]] = {}
    for row in s.rows("bands"):
        group = f"{row['group_kind']}:{row.get('group_value') or ''}"
        block = (row["campaign"], row["instrument_name"], row["unit"])
        key = ("band", s.school_code, *block, group)
        printed = group == ALL
        r.put((*key, row["band"]), row["count"], printed)
        r.put((*key, "scored"), row["scored"], printed)
        bands = blocks.setdefault(block, {}).setdefault(group, {})
        total = ("band", None, None, row["instrument_name"], row["unit"], group)
        r.add_total((*total, row["band"]), (*key, row["band"]))
        if not bands:  # 计分人数 repeats on each band's row: one part per row group
            r.add_total((*total, "scored"), (*key, "scored"))
        if row["band"] != "_concern":
            bands[row["band"]] = str(row.get("warning") or "")
    for block, groups in blocks.items():
        head = ("band", s.school_code, *block)
        campaign, instrument = block[0], block[1]
        r.orders.append(((*head, ALL, "scored"), ("sugg", s.school_code, campaign, instrument,
                                                  "total")))
        r.orders.append(((*head, ALL, "scored"), ("att", s.school_code, campaign, instrument,
                                                  "全校", "done")))
        for group, bands in groups.items():
            key = (*head, group)
            codes = list(bands)
            if r.has((*key, "scored")):
                r.relations.append(((*key, "scored"), [(*key, c) for c in codes]))
            if r.has((*key, "_concern")):
                r.relations.append(((*key, "_concern"),
                                    [(*key, c) for c, w in bands.items() if w not in ("", "none")]))
        everyone = groups.get(ALL, {})
        for kind in ("gender", "grade"):
            members = [g for g in groups if g.startswith(f"{kind}:")]
            if not members or not everyone:
                continue
            for col in [*everyone, "_concern", "scored"]:
                parts = [(*head, g, col) for g in members]
                if r.has((*head, ALL, col)) and all(r.has(p) for p in parts):
                    r.relations.append(((*head, ALL, col), parts))


def _suggested(r: Received, s: Submission) -> None:
    units: dict[tuple, list[str]] = {}
    for row in s.rows("warnings"):
        unit = (row["campaign"], row["instrument_name"])
        key = ("sugg", s.school_code, *unit)
        r.put((*key, row["level"]), row["count"])
        r.put((*key, "total"), row["sheets"])
        r.add_total(("sugg", None, None, row["instrument_name"], row["level"]),
                    (*key, row["level"]))
        levels = units.setdefault(unit, [])
        if not levels:
            r.add_total(("sugg", None, None, row["instrument_name"], "total"), (*key, "total"))
        levels.append(row["level"])
    for unit, levels in units.items():
        key = ("sugg", s.school_code, *unit)
        r.relations.append(((*key, "total"), [(*key, lv) for lv in levels]))
        r.orders.append(((*key, "total"), ("att", s.school_code, *unit, "全校", "done")))


def _change(r: Received, s: Submission) -> None:
    for row in s.rows("change"):
        unit = (row["campaign"], row["instrument_name"], row["unit"])
        now = ("band", s.school_code, *unit, ALL)
        r.put((*now, "_concern"), row["concern"])
        r.put((*now, "scored"), row["scored"])
        prev = ("prev", s.school_code, *unit)
        r.put((*prev, "concern"), row["previous_concern"])
        r.put((*prev, "scored"), row["previous_scored"])
        r.orders.append(((*prev, "concern"), (*prev, "scored")))
        r.orders.append(((*now, "_concern"), (*now, "scored")))


def _levels(r: Received, s: Submission) -> None:
    grades: dict[str, list[str]] = {}
    for row in s.rows("key_students"):
        whole = row["group_kind"] == "all"
        key = ("lvl", s.school_code, row["level"], "all" if whole else str(row["group"]))
        if r.put(key, row["count"], printed=whole) and whole:
            r.exact.add(key)
            r.add_total(("lvl", None, row["level"], "all"), key)
        elif not whole:
            grades.setdefault(row["level"], []).append(key[3])
    for level, names in grades.items():
        whole = ("lvl", s.school_code, level, "all")
        parts = [("lvl", s.school_code, level, g) for g in names]
        if r.has(whole) and all(r.has(p) for p in parts):
            r.relations.append((whole, parts))


def _referrals(r: Received, s: Submission) -> None:
    for row in s.rows("referrals"):
        key = ("ref", s.school_code, row["measure"])
        if r.put(key, row["count"]):
            r.exact.add(key)
            r.add_total(("ref", None, row["measure"]), key)


def _outcomes(r: Received, s: Submission) -> None:
    """转介就诊结果 (version 3): each outcome and the school's total, a small count like
    any (the school hid it by its own policy); total = Σ outcomes."""
    codes = []
    for row in s.rows("outcomes"):
        key = ("out", s.school_code, row["outcome"])
        if r.put(key, row["count"]):
            r.add_total(("out", None, row["outcome"]), key)
            if row["outcome"] != "total":
                codes.append(key)
    total = ("out", s.school_code, "total")
    if codes and r.has(total):
        r.relations.append((total, codes))


def _total_relations(r: Received) -> None:
    """全区 = Σ 男/女 and Σ grades where every school that counts in 全区 sends that
    breakdown; 计分人数 = Σ bands and 需关注 = Σ its bands, as each school's row; the
    district's outcomes add up to their total."""
    outcome_total = ("out", None, "total")
    if outcome_total in r.totals:
        r.total_relations.append((outcome_total, [t for t in r.totals if t[0] == "out"
                                                  and t != outcome_total]))
    blocks: dict[tuple, dict[str, set[str]]] = {}
    for total in r.totals:
        if total[0] == "band":
            blocks.setdefault(total[3:5], {}).setdefault(total[5], set()).add(total[6])
    warning: dict[tuple, set[str]] = {}
    for total, parts in r.relations:
        if total[0] == "band" and total[6] == "_concern":
            warning.setdefault((total[3], total[4]), set()).update(p[6] for p in parts)
    for (instrument, unit), groups in blocks.items():
        head = ("band", None, None, instrument, unit)
        for group, cols in groups.items():
            bands = [c for c in cols if c not in ("_concern", "scored")]
            if "scored" in cols:
                r.total_relations.append(((*head, group, "scored"),
                                          [(*head, group, c) for c in bands]))
            if "_concern" in cols:
                r.total_relations.append(
                    ((*head, group, "_concern"),
                     [(*head, group, c) for c in bands if c in warning.get((instrument, unit),
                                                                           set())]))
        whole = groups.get(ALL, set())
        schools = {p[1] for p in r.totals.get((*head, ALL, "scored"), [])}
        for kind in ("gender", "grade"):
            members = [g for g in groups if g.startswith(f"{kind}:")]
            senders = {p[1] for g in members for p in r.totals.get((*head, g, "scored"), [])}
            if members and senders == schools:
                for col in whole:
                    r.total_relations.append(((*head, ALL, col),
                                              [(*head, g, col) for g in members]))


def publish(r: Received, policy: ReportPolicy) -> Published:
    """The printed value of every cell the workbook shows, under the district's policy
    (`cells`, `min_cell`, `min_interval`)."""
    school_range = _school_intervals(r)
    sums: dict[Hashable, int] = {}
    for total, parts in r.totals.items():
        if all(p in r.values for p in parts):
            sums[total] = sum(r.values[p] for p in parts)
    shown = {k for k in r.printed}
    marks: dict[Hashable, str] = {}
    hidden_by_district: set[Hashable] = set()
    if policy.cells == "suppressed":
        counts = {k: r.values.get(k, 0) for k in shown} | sums
        arrived = {k: r.marks[k] for k in shown if k in r.marks}
        relations = [(t, p) for t, p in r.relations
                     if t in shown and all(x in shown for x in p)]
        relations += [(t, p) for t, p in r.totals.items()
                      if t in sums and all(x in shown for x in p)]
        relations += [(t, p) for t, p in r.total_relations
                      if t in sums and all(x in sums for x in p)]
        orders = [(a, b) for a, b in r.orders if a in counts and b in counts]
        keep = ({k for k in r.exact if k in shown}
                | {t for t, p in r.totals.items() if t in sums and all(x in r.exact for x in p)})
        # Each school's row first, on its own (small independent LPs); then everything
        # together, starting from those marks: the district relations tie all schools
        # into one LP per table, which is then solved for a few rounds, not dozens.
        own = [(t, p) for t, p in relations if t[1] is not None]
        # A school's "<N" is 1 … N−1 by that school's own min_cell (in its data file),
        # whatever the district's.
        limits = {k: r.min_cell[k[1]] for k, m in arrived.items()
                  if m == SMALL and r.min_cell[k[1]] != policy.min_cell}
        first, _ = protect(counts, own, policy.min_cell, keep, orders, policy.min_interval,
                           arrived, limits)
        before = arrived | {k: c.mark for k, c in first.items() if c.hidden}
        cells, _ = protect(counts, relations, policy.min_cell, keep, orders,
                           policy.min_interval, before, limits)
        marks = {k: c.mark for k, c in cells.items() if c.hidden}
        hidden_by_district = {k for k in marks if k not in arrived}
    text: dict[Hashable, int | str] = {}
    for k in shown:
        if k in r.marks:  # the school's mark, unless the audit had to make its "<N" a "*"
            text[k] = _mark(marks.get(k, r.marks[k]), r.min_cell[k[1]])
        elif k in marks:
            text[k] = _mark(marks[k], policy.min_cell)
        else:
            text[k] = r.values[k]
    exact_totals = ranged = 0
    for total, parts in r.totals.items():
        if total in sums and total not in marks:
            text[total] = sums[total]
            exact_totals += 1
            continue
        if total in marks:
            text[total] = _mark(marks[total], policy.min_cell)
            continue
        lo = hi = 0.0
        for p in parts:
            if p in r.values and p not in hidden_by_district:
                lo, hi = lo + r.values[p], hi + r.values[p]
            elif p in hidden_by_district:  # by its mark alone: the range tells nothing more
                small = marks[p] == SMALL
                lo, hi = lo + small, hi + (policy.min_cell - 1 if small else float("inf"))
            else:  # hidden by its school: by that school's tables, else by its mark
                small = r.marks[p] == SMALL
                a, b = school_range.get(p, (float(small), r.min_cell[p[1]] - 1.0 if small
                                            else float("inf")))
                lo, hi = lo + a, hi + b
        text[total] = _range(lo, hi)
        if isinstance(text[total], int):
            exact_totals += 1
        else:
            ranged += 1
    return Published(text, exact_totals, ranged, len(hidden_by_district), policy,
                     tuple(sorted(r.inconsistent)))


def derived(r: Received, pub: Published
            ) -> dict[tuple[str, str], tuple[str, tuple[str, ...], int]]:
    """Exact district figures the band sheets can print although their parts are ranges:
    for each scale with two or more bands of 需关注, the bands above the mildest (中度 +
    中重度 + 重度 = 需关注 − 轻度) over the whole district → (the mildest
    band's code, the codes above it, the sum).

    Only where every school's share is worked out from numbers the workbook prints for
    that school (its bands, or its 需关注 and its mildest band): the figure is then a sum
    of printed differences, so adding "figure = Σ those district totals" to the audited
    relations solves no hidden cell (tests/export/test_district_suppression.py audits
    the workbook with it). Otherwise the scale gets no such row."""
    concern: dict[tuple[str, str], dict[tuple, list[Hashable]]] = {}
    for total, parts in r.relations:
        if total[0] == "band" and total[5] == ALL and total[6] == "_concern" \
                and all(p[5] == ALL for p in parts):  # its bands, not 需关注 by gender
            concern.setdefault((total[3], total[4]), {})[total] = list(parts)
    out = {}
    for (instrument, unit), schools in concern.items():
        codes = {tuple(p[6] for p in parts) for parts in schools.values()}
        if len(codes) != 1 or len(next(iter(codes))) < 2:
            continue  # schools disagree on the scale's bands, or only one is of concern
        mildest, *above = next(iter(codes))
        head = ("band", None, None, instrument, unit, ALL)
        senders = {p[:6] for c in above for p in r.totals.get((*head, c), [])}
        if {t[:6] for t in schools} != senders:
            continue  # a school counts in the totals without its 需关注
        value = 0
        for total, parts in schools.items():
            known = [pub.known(p) for p in parts[1:]]
            if all(k is not None for k in known):
                value += sum(known)  # type: ignore[arg-type]
            elif pub.known(total) is not None and pub.known(parts[0]) is not None:
                value += pub.known(total) - pub.known(parts[0])  # type: ignore[operator]
            else:
                break
        else:
            out[(instrument, unit)] = (mildest, tuple(above), value)
    return out


def _mark(mark: str, min_cell: int) -> str:
    return f"<{min_cell}" if mark == SMALL else "*"


def _range(lo: float, hi: float) -> int | str:
    low = round(lo) if abs(lo - round(lo)) < _EPS else int(lo) + 1
    if hi == float("inf"):
        return f"≥{low}"
    high = round(hi) if abs(hi - round(hi)) < _EPS else int(hi)
    return low if low == high else f"{low}–{high}"


def _school_intervals(r: Received) -> dict[Hashable, tuple[float, float]]:
    """Each cell a school hid: its smallest and largest value given everything that school
    sent (its own relations and orders; schools are independent, so each is its own LP;
    a "<N" is 1 … N−1 by the school's min_cell). A school whose tables contradict
    themselves (no counts fit them all: a hand-made or damaged file that still bears the
    school's signature) is set aside: its relations and orders are dropped from the
    workbook's audit too, and `r.inconsistent` names it."""
    relations: dict[str, list[Relation]] = {}
    for rel in r.relations:
        relations.setdefault(rel[0][1], []).append(rel)
    orders: dict[str, list[Order]] = {}
    for order in r.orders:
        orders.setdefault(order[0][1], []).append(order)
    marks: dict[str, dict[Hashable, str]] = {}
    for k, m in r.marks.items():
        marks.setdefault(k[1], {})[k] = m
    out: dict[Hashable, tuple[float, float]] = {}
    jobs: list[tuple[str, _SchoolLP]] = []
    for code, n in r.min_cell.items():
        mine = marks.get(code, {})
        own = relations.get(code, [])
        if not own and not orders.get(code):
            continue
        known = [o for o in orders.get(code, []) if all(r.has(k) for k in o)]
        cells = {m for t, p in own for m in (t, *p)} | {k for o in known for k in o}
        counts = {k: r.values.get(k, 0) for k in cells} | dict.fromkeys(mine, 0)
        jobs.append((code, (counts, own, known, mine, n)))
    for (code, _), found in zip(jobs, _school_lps([job for _, job in jobs]), strict=True):
        if found is None:
            r.inconsistent.add(code)
        else:
            out.update(found)
    if r.inconsistent:
        r.relations = [x for x in r.relations if x[0][1] not in r.inconsistent]
        r.orders = [x for x in r.orders if x[0][1] not in r.inconsistent]
    return out


_SchoolLP = tuple[dict[Hashable, int], list[Relation], list[Order], dict[Hashable, str], int]
"""One school's counts, relations, orders, hidden cells and min_cell."""


def _school_lp(job: _SchoolLP) -> dict[Hashable, tuple[float, float]] | None:
    """One school's intervals, or None when its tables contradict themselves."""
    counts, own, known, mine, n = job
    try:
        _check_visible(counts, own, known, mine)
        return audit(counts, own, mine, n, known)
    except (RuntimeError, ValueError):
        return None


def _school_lps(jobs: list[_SchoolLP]) -> list[dict[Hashable, tuple[float, float]] | None]:
    """Every school's LP, in worker processes, one per core, from as many schools as
    `collect` opens files with (aggregate.PARALLEL_FROM); the results in the schools'
    order. Each school's LP is its own and HiGHS gives the same answer wherever it runs,
    so the ranges are those of one process (tested)."""
    from app.services.district import aggregate

    count = min(aggregate.worker_count(len(jobs)), len(jobs))
    if count > 1:
        import multiprocessing

        with contextlib.suppress(BrokenProcessPool, OSError, NotImplementedError):
            pool = ProcessPoolExecutor(count, multiprocessing.get_context(
                aggregate.START_METHOD))
            try:
                with frozen_heap():
                    return list(pool.map(_school_lp, jobs,
                                         chunksize=max(1, len(jobs) // (count * 4))))
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
    return [_school_lp(job) for job in jobs]


def _check_visible(counts: dict[Hashable, int], relations: list[Relation],
                   orders: list[Order], hidden: dict[Hashable, str]) -> None:
    """Relations and orders with nothing hidden must simply hold (the LP sees only those
    with a hidden cell, and the district may hide one later)."""
    for total, parts in relations:
        if total not in hidden and not any(p in hidden for p in parts) \
                and counts[total] != sum(counts[p] for p in parts):
            raise ValueError(total)
    for a, b in orders:
        if a not in hidden and b not in hidden and counts[a] > counts[b]:
            raise ValueError(a)
