"""Small-cell suppression: counts 1-4 hidden, and one more cell hidden wherever a total
would give a hidden one away — checked by brute force: no hidden cell's value follows
from what is shown."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.suppression import COVER, SMALL, legend, suppress, suppress_row


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
    ranges = [range(0, 31) if c.hidden else [c.value] for c in cells]
    solutions = [combo for combo in itertools.product(*ranges)
                 if _consistent(combo, cells, total, min_cell)]
    for i, c in enumerate(cells):
        if c.hidden:
            assert len({s[i] for s in solutions}) > 1, (values, [x.text() for x in cells])
