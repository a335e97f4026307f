"""bench/make_roster.py writes what read_roster reads back, row for row: the benchmarks and
the demo rely on the generated roster importing without a single problem."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from app.services.roster.file import read_roster
from bench import make_roster as make_roster_module


@pytest.fixture(scope="module")
def make_roster() -> ModuleType:
    return make_roster_module


@pytest.mark.parametrize(("grades", "id_style"), [
    ((7, 8, 9), "national"), (range(1, 10), "numeric"), ((10, 11, 12), "national"),
])
def test_generated_roster_reads_back_exactly(tmp_path: Path, make_roster: ModuleType,
                                             grades: tuple[int, ...], id_style: str) -> None:
    path = tmp_path / "roster.xlsx"
    expected = make_roster.make_roster_xlsx(path, n_students=400, seed=3, grades=grades,
                                            id_style=id_style, school_year_start=2026)
    result = read_roster(path, today=date(2026, 10, 1))
    assert result.problems == []
    assert result.rows == expected
    assert {r.grade for r in result.rows} == set(grades)
    sizes: dict[tuple[int, int], int] = {}
    for r in result.rows:
        sizes[r.grade, r.class_number] = sizes.get((r.grade, r.class_number), 0) + 1
    assert max(sizes.values()) <= 45


def test_school_year_follows_september(make_roster: ModuleType) -> None:
    assert make_roster.current_school_year(date(2026, 8, 31)) == 2025
    assert make_roster.current_school_year(date(2026, 9, 1)) == 2026
