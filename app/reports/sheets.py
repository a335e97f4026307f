"""What a workbook renderer is given, and the rules every spreadsheet the program writes
follows (CSV text and xlsx cells alike). No openpyxl here: the services build these plain
frozen values at the top of their modules, and `app/reports/workbook.py` lays them out.

One module for the rules, because each protects every export or none:
- **Formula injection** (OWASP "CSV injection"): a text cell that starts with = + - @,
  tab or CR is evaluated by Excel, WPS and LibreOffice — a student's "name" such as
  `=HYPERLINK(…)` would run in the teacher's spreadsheet. CSV text gets a leading
  apostrophe; an xlsx text cell is written as text (never a formula) with Excel's quote
  prefix, the same thing Excel stores when a person types the apostrophe, so the cell
  shows the text unchanged and stays text when edited. Numbers are never touched: -3 is
  a number, not a formula.
- **IDs stay text**: a 学籍号 is a string in CSV and a text cell formatted 文本 ("@") in
  xlsx, so a spreadsheet never turns it into 1.10105E+17 or drops a leading zero.
- **Numbers are numbers and dates are dates** in every sheet, so a teacher can sort and
  filter them; rates show one decimal.
- **Sheet names** that Excel accepts: no / \\ ? * [ ] :, at most 31 characters, unique.
- **Print setup**: fit to one page wide, the header row repeated on every page, landscape
  when the table is wide — a list prints as a list, not as 30 pages of fragments.

A sheet is a sequence of parts — `Line`s (a title, a heading, a note, a blank row) and
`Table`s (columns with kinds, body rows, total rows) — with its widths, frozen panes and
print setup. A column's kind says how its cells are written: `ID` as text formatted 文本
whatever the value's type, `RATE` with one decimal; in `TEXT`, `NUMBER` and `DATE` columns
each cell is written as its value is (a suppressed count "<5" in a number column stays
text, a date stays a date), so the kind there documents the column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

TEXT, ID, NUMBER, DATE, RATE = "text", "id", "number", "date", "rate"
KINDS = (TEXT, ID, NUMBER, DATE, RATE)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""OWASP's list of characters a spreadsheet reads as the start of a formula."""
ID_HEADERS = ("学籍号", "编码", "学号", "身份证号", "学校代码")
"""Columns whose values are identifiers: text cells formatted 文本, never numbers."""
MAX_WIDTH = 60
WIDE_COLUMNS = 7
"""More columns than this print in landscape."""
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_NAME = 31

Value = str | int | float | date | datetime | None


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = TEXT
    wrap: bool = False
    """Body cells wrap their text (long reasons, the 说明 sheet's paragraphs)."""
    top: bool = False
    """Wrapped cells align to the top of the row."""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


@dataclass(frozen=True)
class Table:
    """A header row (bold, shaded) unless `header` is false, the body rows, then the
    total rows (bold on a warm shade). `filtered`: the sheet's main table — its header
    gets the filter drop-downs (down to its last row) and repeats on every printed page,
    and a `Fit` sheet fits its widths to it. At most one per sheet."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...] = ()
    totals: tuple[tuple[Value, ...], ...] = ()
    header: bool = True
    filtered: bool = False


TITLE, HEADING, PLAIN = "title", "heading", "plain"


@dataclass(frozen=True)
class Line:
    """One row outside a table: a `TITLE` (bold, large), a `HEADING` (bold), or `PLAIN`
    text; no values is a blank row."""

    values: tuple[Value, ...] = ()
    style: str = PLAIN


@dataclass(frozen=True)
class Fit:
    """Column widths from the longest value of the main table (its header and the first
    `sample` rows, all when None); identifier columns as wide as their longest value
    whatever it takes, so two long IDs are never clipped into looking alike."""

    minimum: int = 6
    maximum: int = MAX_WIDTH
    sample: int | None = 200


@dataclass(frozen=True)
class Sheet:
    """One worksheet. `title` is made into a name Excel accepts (unique in the book,
    `fallback` when nothing is left of it). `widths`: the first columns' widths, or a
    `Fit`. `printed`: A4 one page wide with the main table's header on every page (no
    print setup at all when false: a file that imitates what a school office writes)."""

    title: str
    parts: tuple[Table | Line, ...]
    widths: tuple[int, ...] | Fit = ()
    freeze: str | None = None
    fallback: str = "Sheet"
    printed: bool = True

    def main_table(self) -> Table | None:
        tables = [p for p in self.parts if isinstance(p, Table) and p.filtered]
        if len(tables) > 1:
            raise ValueError("a sheet has at most one filtered table")
        return tables[0] if tables else None


@dataclass(frozen=True)
class Book:
    """A workbook. With `created`, the file is byte-for-byte reproducible: that time is
    the workbook's created and modified time and every zip entry's, its author 青心 and
    its title `title` — a school can re-make an export and show that nothing but the
    time changed."""

    sheets: tuple[Sheet, ...]
    title: str = ""
    created: datetime | None = None


def columns(header: Sequence[str], *, ids: Iterable[int] | None = None,
            rates: Iterable[int] | None = None) -> tuple[Column, ...]:
    """Columns named `header`: identifiers and rates at the given positions, or told by
    their heading when not given (学籍号, 编码 … ; 完成率%, 变化（百分点）)."""
    id_at = set(id_columns(header) if ids is None else ids)
    rate_at = set(rate_columns(header) if rates is None else rates)
    return tuple(Column(h, ID if i in id_at else RATE if i in rate_at else TEXT)
                 for i, h in enumerate(header))


def neutral_text(text: str) -> str:
    """Text a spreadsheet will show, not evaluate: an apostrophe before a formula start."""
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_value(value: object) -> object:
    """One CSV field: numbers as numbers, dates as ISO dates, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return neutral_text(str(value))
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return neutral_text(str(value))


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A whole CSV table, every field through `csv_value`. Lines end in CRLF as RFC 4180
    and Excel have it; that also makes the writer quote a field holding a bare CR, which
    would otherwise split the row in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_value(h) for h in header])
    writer.writerows([csv_value(v) for v in row] for row in rows)
    return out.getvalue()


def sheet_title(name: str, taken: Iterable[str] = (), fallback: str = "Sheet") -> str:
    """A worksheet name Excel accepts, made from any instrument, school or campaign name:
    the forbidden characters / \\ ? * [ ] : become "_", a leading or trailing apostrophe
    goes, at most 31 characters, and unique (case-insensitive, as Excel compares) among
    `taken` by a "(2)", "(3)" … suffix."""
    clean = _SHEET_FORBIDDEN.sub("_", name).strip().strip("'").strip() or fallback
    used = {t.casefold() for t in taken}
    title, n = clean[:MAX_SHEET_NAME], 1
    while title.casefold() in used:
        n += 1
        suffix = f"({n})"
        title = clean[:MAX_SHEET_NAME - len(suffix)] + suffix
    return title


def is_id_header(header: object) -> bool:
    return isinstance(header, str) and any(h in header for h in ID_HEADERS)


def id_columns(header: Sequence[object]) -> list[int]:
    return [i for i, h in enumerate(header) if is_id_header(h)]


def rate_columns(header: Sequence[object]) -> list[int]:
    """Columns of rates by their heading (完成率%, 占比%, 变化（百分点）)."""
    return [i for i, h in enumerate(header)
            if isinstance(h, str) and (h.endswith("%") or "百分点" in h)]


def rate(part: float, whole: float) -> float | None:
    """A percentage with one decimal, as every sheet and report prints it; None without
    a base."""
    return round(100 * part / whole, 1) if whole > 0 else None


def text_width(value: object) -> int:
    """A cell's width in Latin characters (a Chinese character is about two)."""
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
