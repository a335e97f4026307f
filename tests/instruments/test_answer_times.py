"""Submit times and test dates as schools' files write them: year first, or reported."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from app.instruments.times import parse_times


@pytest.mark.parametrize(("cell", "moment"), [
    ("2024/9/12 10:23:45", "2024-09-12T10:23:45"),       # 问卷星
    ("2024-09-12", "2024-09-12T00:00:00"),
    ("2024-9-1", "2024-09-01T00:00:00"),
    ("2024.9.12", "2024-09-12T00:00:00"),
    (" 2024.09.12 10:23 ", "2024-09-12T10:23:00"),
    ("2024-09-12T10:23:45", "2024-09-12T10:23:45"),
    ("2024-09-12 10:23:45.987", "2024-09-12T10:23:45"),  # fractions dropped
    ("20240912", "2024-09-12T00:00:00"),
    (20240912.0, "2024-09-12T00:00:00"),                 # typed as a number
    ("2024年9月12日", "2024-09-12T00:00:00"),
    ("2024年9月12日 10时23分5秒", "2024-09-12T10:23:05"),
    ("2024/9/12 下午 3:05", "2024-09-12T15:05:00"),
    ("2024/09/12 10:23:45 PM", "2024-09-12T22:23:45"),
    ("2024/09/12 12:23:45 AM", "2024-09-12T00:23:45"),
    ("2024-02-29", "2024-02-29T00:00:00"),
    (dt.datetime(2024, 5, 6, 7, 8, 9, 500), "2024-05-06T07:08:09"),  # an Excel date cell
    (dt.date(2024, 5, 6), "2024-05-06T00:00:00"),
])
def test_readable(cell, moment):
    assert parse_times([cell])[0] == np.datetime64(moment)


@pytest.mark.parametrize("cell", [
    "12/09/2024", "9/12/2024",            # month or day first? never guessed
    "2023-02-29", "2024-02-30", "2024-13-01", "0000-01-01",
    "2024-09-12 25:00:00", "2024-12-31 23:60:00", "2024/9/12 下午 3:05 PM", "2024/9/12 13:05 PM",
    "10:23", "2024", "2024-09", "昨天下午", "45000", 45000.5, "", None, True, dt.time(10, 5),
])
def test_not_a_moment(cell):
    assert np.isnat(parse_times([cell])[0])


def test_a_column_keeps_its_rows():
    cells = ["2024/9/1 8:00:00", "坏", None, dt.datetime(2024, 9, 2, 9, 30)]
    parsed = parse_times(cells)
    assert parsed.dtype == np.dtype("datetime64[s]")
    assert parsed.tolist() == [dt.datetime(2024, 9, 1, 8), None, None,
                               dt.datetime(2024, 9, 2, 9, 30)]
    assert parse_times([]).shape == (0,)
