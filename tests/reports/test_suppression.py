"""Small-cell suppression: counts 1-4 hidden, and one more cell hidden wherever a total
would give a hidden one away — checked by brute force: no hidden cell's value follows
from what is shown."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.statistics.suppression import COVER, SMALL, legend, suppress, suppress_row


def test_row_hides_small_and_covers_it():
    cells, total = suppress_row([40, 3, 12, 0], 55, 5)
    assert [c.text() for c in cells] == ["40", "<5", "*", "0"]
    assert total.text() == "55"
    assert cells[0].share(total) == "72.7%" and cells[1].share(total) == ""


def test_two_small_cells_need_no_cover():
    cells, total = suppress_row([40, 3, 2], 45, 5)
    assert [c.text() for c in cells] == ["40", "<5", "<5"] and not total.hidden


def test_small_total_is_hidden_with_its_parts():
    cells, total = suppress_row([3, 0], 3, 5)
    assert total.mark == SMALL and cells[0].mark == SMALL and cells[1].text() == "0"


def test_small_total_that_must_show_hides_every_part():
    """"<5" would tell which part is not zero; with a visible total of 1 that is exact."""
    cells, total = suppress_row([1, 0, 0], 1, 5, total_shown=True)
    assert total.text() == "1"
    assert {c.mark for c in cells} == {COVER}


def test_two_way_table_protects_columns_too():
    # all = boys + girls for each band; row totals over bands.
    counts = {("all", "a"): 20, ("all", "b"): 9, ("m", "a"): 10, ("m", "b"): 6,
              ("f", "a"): 10, ("f", "b"): 3, ("all", "t"): 29, ("m", "t"): 16, ("f", "t"): 13}
    relations = [((r, "t"), [(r, "a"), (r, "b")]) for r in ("all", "m", "f")]
    relations += [(("all", c), [("m", c), ("f", c)]) for c in ("a", "b", "t")]
    cells = suppress(counts, relations, 5)
    assert cells[("f", "b")].mark == SMALL
    for total, parts in relations:
        assert sum(cells[k].hidden for k in [total, *parts]) != 1


def test_legend_names_the_threshold():
    assert "“<5”表示人数在 1 至 4 之间" in legend(5)
    assert "“<10”表示人数在 1 至 9 之间" in legend(10)


def _consistent(values, cells, total, min_cell):
    for v, c in zip(values, cells, strict=True):
        if c.mark == SMALL and not 0 < v < min_cell:
            return False
        if not c.hidden and v != c.value:
            return False
    return total.hidden or sum(values) == total.value


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=2, max_size=4), st.booleans())
def test_no_hidden_cell_can_be_worked_out(values, total_shown):
    min_cell = 5
    cells, total = suppress_row(values, sum(values), min_cell, total_shown)
    for v, c in zip(values, cells, strict=True):
        assert c.hidden or not 0 < v < min_cell
    if not any(c.hidden for c in cells):
        return
    # What a reader can bound a hidden cell by: the visible total, else "<5" of a small one.
    bound = (total.value if not total.hidden
             else min_cell - 1 if total.mark == SMALL else 4 * len(values) * min_cell)
    ranges = [range(0, bound + 1) if c.hidden else [c.value] for c in cells]
    solutions = [combo for combo in itertools.product(*ranges)
                 if _consistent(combo, cells, total, min_cell)]
    for i, c in enumerate(cells):
        if c.hidden:
            assert len({s[i] for s in solutions}) > 1, (values, [x.text() for x in cells])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.integers(0, 12), min_size=3, max_size=3), min_size=4, max_size=4))
def test_unit_tables_leave_no_single_hidden_cell_in_any_sum(cells):
    """Boys/girls × two grades × three bands: every row, and every column of all = boys +
    girls and all = grades, hides none or at least two of its members."""
    from app.services.statistics.campaign import BandInfo, GroupBands, UnitStats
    from app.services.statistics.tables import unit_table

    m7, m8, f7, f8 = cells

    def add(*rows):
        return tuple(sum(x) for x in zip(*rows, strict=True))

    groups = [("all", "", add(m7, m8, f7, f8)), ("gender", "M", add(m7, m8)),
              ("gender", "F", add(f7, f8)), ("grade", "7", add(m7, f7)),
              ("grade", "8", add(m8, f8))]
    unit = UnitStats("total", "总分", (BandInfo("a", "A", "none"), BandInfo("b", "B", "general"),
                                      BandInfo("c", "C", "key")),
                     tuple(GroupBands(k, v, v or "全体", c, 0, None) for k, v, c in groups))
    table = unit_table(unit, 5)
    hidden = {k for k, c in table.cells.items() if c.hidden}
    assert all(c.hidden or not 0 < c.value < 5 for c in table.cells.values())
    cols = ["a", "b", "c", "scored", "concern"]
    sums = [[(g, c) for c in ["scored", "a", "b", "c"]] for g in range(5)]
    sums += [[(g, c) for c in ["concern", "b", "c"]] for g in range(5)]
    sums += [[(0, c), (1, c), (2, c)] for c in cols] + [[(0, c), (3, c), (4, c)] for c in cols]
    for members in sums:
        assert sum(m in hidden for m in members) != 1, members
