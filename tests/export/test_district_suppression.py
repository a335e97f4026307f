"""The district's published workbook under its own policy: schools' rows and district
totals suppressed and audited together (district/published.py), and totals over cells the
schools hid printed as the range their tables allow — checked against the true counts of
generated schools."""

from __future__ import annotations

import io
import json
import time
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from app.deployment import ReportPolicy
from app.services.district import tables as export_tables
from app.services.district.aggregate import Collected, Submission
from app.services.district.cells import export_cells
from app.services.district.files import data_json
from app.services.district.published import ALL, Received, derived, publish, received
from app.services.district.workbook import district_workbook
from app.services.statistics.disclosure_audit import audit, protect
from app.services.statistics.suppression import COVER, SMALL
from tests.export.generated_schools import generated_school

SCHOOLS = 40


def _submission(seed: int, cells: str, min_size: int = 30, max_size: int = 400) -> Submission:
    """A generated school's tables as the district reads them from its JSON file
    (`min_size`, `max_size` as generated_school takes them)."""
    stats, key, grades = generated_school(seed, min_size, max_size)
    out = export_cells(stats, key, grades, ReportPolicy(cells=cells))
    tables = [export_tables.participation(stats, out), export_tables.bands(stats, out),
              export_tables.warnings(stats, out), export_tables.key_students(out)]
    code = f"41310{seed:05d}"
    doc = json.loads(data_json({"school_code": code}, tables))
    return Submission(Path(f"{code}.qxseal"), code, f"学校{seed}", "2026-2027-1", "", "", 5,
                      "counts", doc["tables"], cells=cells)


def _truth(r: Received) -> dict:
    """Every cell's true count: the schools' values and the district sums."""
    sums = {t: sum(r.values[p] for p in parts) for t, parts in r.totals.items()}
    return r.values | sums


def _published_model(r: Received, text: dict) -> tuple[list, dict]:
    """What a reader of the workbook holds: the relations among printed cells and the
    marks of the hidden ones."""
    printed = set(text)
    relations = [(t, p) for t, p in [*r.relations, *r.totals.items(), *r.total_relations]
                 if t in printed and all(x in printed for x in p)]
    marks = {k: SMALL if str(v).startswith("<") else COVER for k, v in text.items()
             if not isinstance(v, int)}
    return relations, marks


@pytest.fixture(scope="module")
def exact_schools() -> list[Submission]:
    return [_submission(seed, "exact") for seed in range(SCHOOLS)]


def test_exact_schools_published_suppressed_leave_no_cell_solvable(exact_schools):
    r = received(exact_schools)
    started = time.perf_counter()
    pub = publish(r, ReportPolicy())
    elapsed = time.perf_counter() - started
    print(f"publish {SCHOOLS} exact schools: {elapsed:.1f} s")
    truth = _truth(r)
    relations, marks = _published_model(r, pub.text)
    assert pub.hidden_by_district > 0 and pub.ranged_totals == 0
    # Every small count a school sent exactly is hidden, but the school-wide ones the
    # district always prints (应测, 完成, decided levels) — as in a school's export.
    small = [k for k, v in pub.text.items() if isinstance(v, int) and 0 < v < 5]
    assert all(k in r.exact for k in small), small[:5]
    # District totals are exact numbers where every part is known.
    assert all(pub.text[t] == truth[t] for t in r.totals if isinstance(pub.text[t], int))
    orders = [(a, b) for a, b in r.orders if a in pub.text and b in pub.text]
    for k, (lo, hi) in audit(truth, relations, marks, 5, orders).items():
        assert hi - lo >= 1 - 1e-6, (k, truth[k], lo, hi)
        assert lo - 1e-6 <= truth[k] <= hi + 1e-6
    assert elapsed < 60


def test_without_the_district_relation_a_cell_would_be_solvable(exact_schools):
    """What the district's relation "total = Σ schools" adds: each school's row protected
    on its own (as each school's export is), with exact district totals beside them,
    leaves hidden cells a reader works out by subtracting the other schools."""
    r = received(exact_schools)
    truth = _truth(r)
    printed = set(r.printed) | set(r.totals)
    own = [(t, p) for t, p in r.relations if t in printed and all(x in printed for x in p)]
    counts = {k: truth[k] for k in printed}
    keep = set(r.exact) | set(r.totals)
    cells, _ = protect(counts, own, 5, keep)
    marks = {k: c.mark for k, c in cells.items() if c.hidden}
    relations = own + [(t, p) for t, p in r.totals.items() if all(x in printed for x in p)]
    found = audit(counts, relations, marks, 5)
    assert any(hi - lo < 1 - 1e-6 for lo, hi in found.values())
    # And the workbook before this change printed exact schools' small counts as sent.
    old = publish(r, ReportPolicy(cells="exact"))
    assert any(isinstance(v, int) and 0 < v < 5 for k, v in old.text.items()
               if k not in r.exact and k[1] is not None)


def test_totals_over_hidden_cells_are_true_ranges_tighter_than_floors(exact_schools):
    suppressed = [_submission(seed, "suppressed") for seed in range(SCHOOLS)]
    truth = _truth(received(exact_schools))
    r = received(suppressed)
    pub = publish(r, ReportPolicy())
    assert pub.hidden_by_district == 0  # the schools' own audits already protect them
    ranged = narrower = 0
    for total, parts in r.totals.items():
        shown = pub.text[total]
        if isinstance(shown, int):
            assert shown == truth[total], total
            continue
        lo, hi = (int(x) for x in shown.split("–"))
        assert lo <= truth[total] <= hi, (total, shown, truth[total])
        floor = sum(r.values.get(p, 0) for p in parts) + sum(
            1 for p in parts if r.marks.get(p) == SMALL)
        assert lo >= floor
        ranged += 1
        narrower += lo > floor
    assert ranged > 50 and narrower > ranged // 2
    # Under the district's "exact" policy the same ranges are printed: they come from
    # the schools' tables, not from the district's own hiding.
    assert {k: v for k, v in publish(r, ReportPolicy(cells="exact")).text.items()
            if k[1] is None} == {k: v for k, v in pub.text.items() if k[1] is None}


def test_mixed_schools_every_printed_total_holds_the_truth():
    """Some schools exact, some suppressed: a total is exact where all its parts are
    known (the district's audit then covers it), else a range that holds the truth."""
    seeds = range(12)
    subs = [_submission(seed, "exact" if seed % 2 else "suppressed") for seed in seeds]
    truth = _truth(received([_submission(seed, "exact") for seed in seeds]))
    r = received(subs)
    pub = publish(r, ReportPolicy())
    assert pub.hidden_by_district > 0 and pub.exact_totals > 0 and pub.ranged_totals > 0
    for total in r.totals:
        shown = pub.text[total]
        if isinstance(shown, int):
            assert shown == truth[total], total
        elif "–" in shown:
            lo, hi = (int(x) for x in shown.split("–"))
            assert lo <= truth[total] <= hi, (total, shown, truth[total])
        else:
            assert shown.startswith(("≥", "<", "*")), shown
            assert not shown.startswith("≥") or truth[total] >= int(shown[1:])


def _school_with(seed: int, min_cell: int) -> Submission:
    """A generated school that suppresses under its own min_cell."""
    stats, key, grades = generated_school(seed, 30, 400)
    out = export_cells(stats, key, grades, ReportPolicy(min_cell=min_cell))
    tables = [export_tables.participation(stats, out), export_tables.bands(stats, out),
              export_tables.warnings(stats, out), export_tables.key_students(out)]
    code = f"41310{seed:05d}"
    doc = json.loads(data_json({"school_code": code, "min_cell": min_cell}, tables))
    return Submission(Path(f"{code}.qxseal"), code, f"学校{seed}", "2026-2027-1", "", "",
                      int(doc["min_cell"]), "counts", doc["tables"])


def test_a_schools_marks_are_read_with_its_own_min_cell():
    """Schools under min_cell 3 and 10 and a district under 5: a school's "<3" is 1 or 2
    and its "<10" 1 … 9 — printed so, audited so, and the totals' ranges use it."""
    policies = {seed: (3, 10)[seed % 2] for seed in range(8)}
    subs = [_school_with(seed, n) for seed, n in policies.items()]
    truth = _truth(received([_submission(seed, "exact") for seed in policies]))
    r = received(subs)
    assert {s.school_code: s.min_cell for s in subs} == {
        f"41310{seed:05d}": n for seed, n in policies.items()}
    pub = publish(r, ReportPolicy())
    seen = set()
    for k, mark in r.marks.items():
        if k in pub.text and mark == SMALL:
            n = r.min_cell[k[1]]
            assert pub.text[k] in (f"<{n}", "*"), (k, pub.text[k])
            assert 1 <= truth[k] <= n - 1
            seen.add(n)
    assert seen == {3, 10}
    relations, marks = _published_model(r, pub.text)
    limits = {k: r.min_cell[k[1]] for k, v in pub.text.items()
              if k in r.marks and str(v).startswith("<")}
    orders = [(a, b) for a, b in r.orders if a in pub.text and b in pub.text]
    found = audit(truth, relations, marks, 5, orders, limits=limits)
    assert found
    for k, (lo, hi) in found.items():
        assert hi - lo >= 1 - 1e-6, (k, truth[k], lo, hi)
        assert lo - 1e-6 <= truth[k] <= hi + 1e-6
    for total in r.totals:
        shown = pub.text[total]
        if isinstance(shown, str) and "–" in shown:
            lo, hi = (int(x) for x in shown.split("–"))
            assert lo <= truth[total] <= hi, (total, shown, truth[total])


def test_the_audit_bounds_a_schools_small_cell_by_its_own_min_cell():
    """14 = x + y + 10 with x and y "<3" from a school: both are 2, though under the
    district's "<5" (1 … 4) they would look free. The audit must see that and hide more."""
    counts = {"t": 14, "x": 2, "y": 2, "z": 10}
    relation = [("t", ["x", "y", "z"])]
    hidden = {"x": SMALL, "y": SMALL}
    loose, _ = protect(counts, relation, 5, hidden=hidden)
    assert not loose["t"].hidden and not loose["z"].hidden  # read with the district's 5
    assert audit(counts, relation, hidden, 5, limits={"x": 3, "y": 3}) == {
        "x": (2.0, 2.0), "y": (2.0, 2.0)}
    cells, result = protect(counts, relation, 5, hidden=hidden, limits={"x": 3, "y": 3})
    assert cells["z"].hidden and not result.narrow
    assert all(hi - lo >= 1 - 1e-6 for lo, hi in result.intervals.values())


def test_derivable_sums_are_printed_exact_and_reveal_nothing():
    """中度 + 中重度 + 重度 = 需关注 − 轻度 over the district: exact where each school's part
    is worked out from what the workbook prints for it, although the bands' own district
    totals are ranges — and adding it to the audited relations narrows no cell."""
    seeds = (14, 15)  # two schools that hide PHQ-9's 中重度 and 重度 but show 中度
    subs = [_submission(seed, "suppressed", 200, 900) for seed in seeds]
    truth = _truth(received([_submission(seed, "exact", 200, 900) for seed in seeds]))
    r = received(subs)
    pub = publish(r, ReportPolicy())
    found = derived(r, pub)
    relations, marks = _published_model(r, pub.text)
    orders = [(a, b) for a, b in r.orders if a in pub.text and b in pub.text]
    counts, extra, over_ranges = dict(truth), [], 0
    for (instrument, unit), (mildest, codes, value) in found.items():
        head = ("band", None, None, instrument, unit, ALL)
        assert mildest not in codes and len(codes) >= 1
        assert value == sum(truth[(*head, c)] for c in codes), (instrument, unit)
        over_ranges += any(not isinstance(pub.text[(*head, c)], int) for c in codes)
        counts[("derived", instrument, unit)] = value
        extra.append((("derived", instrument, unit), [(*head, c) for c in codes]))
    assert found and over_ranges  # a figure the district could not print before
    before = audit(truth, relations, marks, 5, orders)
    after = audit(counts, relations + extra, marks, 5, orders)
    for k, (lo, hi) in before.items():
        assert abs(after[k][0] - lo) < 1e-6 and abs(after[k][1] - hi) < 1e-6, (k, lo, hi)
    # And the summary workbook prints it under the scale's district rows.
    book = district_workbook(Collected("2026-2027-1", tuple(subs), ()), datetime(2027, 1, 11),
                             ReportPolicy())
    lines = _derived_lines(openpyxl.load_workbook(io.BytesIO(book)))
    assert sorted(v for _, _, v in lines) == sorted(v for _, _, v in found.values())
    for header, line, value in lines:
        # Under the first band it sums (中重度 of 中重度+重度), not the scale's first band.
        summed = line[3].split("（")[0].split("+")
        at = line.index(value, 4)
        assert header[at] == summed[0], (header, line)
        assert all(header[i] in summed for i in range(at, at + len(summed))), header
        assert all(v is None for i, v in enumerate(line) if i > 3 and i != at), line
        assert f"需关注 − {header[at - 1]}" in line[3]  # the mildest band is just before
    assert any(line[4] is None for _, line, _ in lines)


def _derived_lines(wb) -> list[tuple[tuple, tuple, int]]:
    """Each 可推算的合计 row with its block's header row and its one number."""
    out = []
    for ws in wb:
        header = None
        for row in ws.iter_rows(values_only=True):
            if row[0] == "学校代码":
                header = row
            elif row[1] == "可推算的合计":
                numbers = [v for v in row[4:] if isinstance(v, int)]
                assert len(numbers) == 1 and header is not None, row
                out.append((header, row, numbers[0]))
    return out


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_each_schools_ranges_from_worker_processes_are_those_of_one(monkeypatch, start):
    """From aggregate.PARALLEL_FROM schools each school's LP runs in a worker process:
    the same intervals, the same printed workbook, the same school set aside for tables
    that contradict themselves."""
    from app.services.district import aggregate, published

    subs = [_submission(seed, "suppressed") for seed in range(8)]
    tables = json.loads(json.dumps(subs[3].tables))
    bands = tables["bands"]
    at = bands["columns"].index("count")
    next(r for r in bands["rows"] if isinstance(r[at], int) and r[at] > 5)[at] += 100
    subs[3] = Submission(subs[3].file, subs[3].school_code, subs[3].school_name, "2026-2027-1",
                         "", "", 5, "counts", tables)
    started: list[int] = []

    class Pool(published.ProcessPoolExecutor):
        def __init__(self, workers, *args, **kwargs) -> None:
            started.append(workers)
            super().__init__(workers, *args, **kwargs)

    monkeypatch.setattr(published, "ProcessPoolExecutor", Pool)
    monkeypatch.setattr(aggregate.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    monkeypatch.setattr(aggregate, "idle_cores", float)
    monkeypatch.setattr(aggregate, "START_METHOD", start)
    monkeypatch.setattr(aggregate, "PARALLEL_FROM", 10**6)
    serial = publish(received(subs), ReportPolicy())
    assert not started and serial.inconsistent == (subs[3].school_code,)
    monkeypatch.setattr(aggregate, "PARALLEL_FROM", 2)
    one, two = received(subs), received(subs)
    monkeypatch.setattr(aggregate, "PARALLEL_FROM", 10**6)
    alone = published._school_intervals(one)
    monkeypatch.setattr(aggregate, "PARALLEL_FROM", 2)
    assert published._school_intervals(two) == alone and started == [2]
    assert one.inconsistent == two.inconsistent == {subs[3].school_code}
    parallel = publish(received(subs), ReportPolicy())
    assert parallel == serial and started == [2, 2]
