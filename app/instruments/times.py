"""Dates and times in answers files → datetime64, year first as Chinese files write them.

问卷星 writes "2024/9/12 10:23:45"; a teacher's sheet may say "2024-09-12", "2024.9.12",
"20240912", "2024年9月12日" or "2024/9/12 下午 3:05", and Excel may hold real dates.
Only year-first forms are read: "12/09/2024" could be either month first, and a guessed
date would order a student's screenings wrongly without anyone noticing, so it is
reported instead.

Each cell is only split into its numbers here; checking them (30 February, 25:00) and
turning them into datetime64 is done for the whole column at once, because numpy
converts Python datetime objects slowly (7 ms for 3,000).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Sequence

import numpy as np

_MOMENT = re.compile(r"""\s*
    (?: (\d{4}) (?:[-/.]\s*|年) (\d{1,2}) (?:[-/.]\s*|月) (\d{1,2}) 日?
      | (\d{4}) (\d{2}) (\d{2}) )
    (?: (?:[T\s]\s*)? (上午|下午)? \s* (\d{1,2}) [:：时] (\d{1,2})
        (?: [:：] (\d{1,2}) (?:\.\d+)? | 分 (?: (\d{1,2}) 秒 )? )? \s* ([AaPp][Mm])? )?
    \s*""", re.VERBOSE)

Fields = tuple[int | str, int | str, int | str, int, int | str, int | str]
"""Year, month, day, hour, minute, second: numbers or the digits that spell them."""


def parse_times(cells: Sequence[object]) -> np.ndarray:
    """(n,) datetime64[s], NaT where a cell is blank or not a date this module reads.

    Fractions of a second are dropped: results are ordered by the second at most."""
    found = list(map(_fields, cells))
    at = [i for i, f in enumerate(found) if f is not None]
    fields = [found[i] for i in at]
    out = np.full(len(cells), np.datetime64("NaT"), dtype="datetime64[s]")
    if fields:
        moments, real = _moments(np.array(fields, dtype=np.int64))
        out[np.array(at)[real]] = moments[real]
    return out


def _fields(cell: object) -> Fields | None:
    if type(cell) is not str:  # nearly every cell is text: one check for those
        if isinstance(cell, dt.datetime):
            return cell.year, cell.month, cell.day, cell.hour, cell.minute, cell.second
        if isinstance(cell, dt.date):
            return cell.year, cell.month, cell.day, 0, 0, 0
        if not isinstance(cell, int | float) or isinstance(cell, bool):
            return None
        cell = str(int(cell)) if float(cell).is_integer() else ""  # 20240912 as a number
    m = _MOMENT.fullmatch(cell)
    if m is None:
        return None
    (year, month, day, year8, month8, day8, before, hour, minute, second, second_cn,
     after) = m.groups()
    h = int(hour or 0)
    if before or after:
        if (before and after) or not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if (before or after).upper() in ("下午", "PM") else 0)
    return year or year8, month or month8, day or day8, h, minute or 0, second or second_cn or 0


def _moments(fields: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """datetime64[s] of (k, 6) fields, and which of them name a real moment."""
    year, month, day, hour, minute, second = fields.T
    real = ((year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)
            & (hour < 24) & (minute < 60) & (second < 60))
    months = (year - 1970) * 12 + np.clip(month, 1, 12) - 1
    first = months.astype("datetime64[M]").astype("datetime64[D]")
    days_in_month = ((months + 1).astype("datetime64[M]").astype("datetime64[D]") - first
                     ).astype(np.int64)
    real &= day <= days_in_month
    offset = (day - 1) * 86400 + hour * 3600 + minute * 60 + second
    return first.astype("datetime64[s]") + offset.astype("timedelta64[s]"), real


_DURATION = re.compile(r"""\s*(?:(\d+)\s*(?:小时|时))?\s*(?:(\d+)\s*分钟?)?\s*
                           (?:(\d+(?:\.\d+)?)\s*秒)?\s*""", re.VERBOSE)
_CLOCK = re.compile(r"\s*(?:(\d+):)?(\d{1,2}):(\d{1,2})\s*")


def parse_durations(cells: Sequence[object]) -> np.ndarray:
    """(n,) seconds from 问卷星's 所用时间 ("125秒", "2分5秒", "1小时2分", "00:02:05", or a
    bare number of seconds); NaN where blank or unreadable."""
    out = np.full(len(cells), np.nan)
    for i, cell in enumerate(cells):
        if isinstance(cell, int | float) and not isinstance(cell, bool):
            out[i] = float(cell)
            continue
        text = str(cell or "").strip()
        if not text:
            continue
        m = _CLOCK.fullmatch(text)
        if m:
            hours, minutes, seconds = (int(g or 0) for g in m.groups())
            out[i] = hours * 3600 + minutes * 60 + seconds
            continue
        m = _DURATION.fullmatch(text)
        if m and any(m.groups()):
            hours, minutes, seconds = m.groups()
            out[i] = int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0)
            continue
        with contextlib.suppress(ValueError):
            out[i] = float(text)
    return out
