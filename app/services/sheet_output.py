"""Every file the program writes for spreadsheets goes through here: CSV text and xlsx
cells, sheet names, column widths, filters and print setup.

One module, because each rule protects every export or none:
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
  filter them.
- **Sheet names** that Excel accepts: no / \\ ? * [ ] :, at most 31 characters, unique.
- **Print setup**: fit to one page wide, the header row repeated on every page, landscape
  when the table is wide — a list prints as a list, not as 30 pages of fragments.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.atomic import write_atomic

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""OWASP's list of characters a spreadsheet reads as the start of a formula."""
BOM = "\ufeff"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
TEXT_FORMAT = "@"
RATE_FORMAT = "0.0"
"""Rates and shares: one decimal everywhere (93.3, and 100.0 rather than 100)."""
ID_HEADERS = ("学籍号", "编码", "学号", "身份证号", "学校代码")
"""Columns whose values are identifiers: text cells formatted 文本, never numbers."""
MAX_WIDTH = 60
WIDE_COLUMNS = 7
"""More columns than this print in landscape."""
HEADER_FILL = PatternFill("solid", fgColor="EFEFEF")
BOLD = Font(bold=True)
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_NAME = 31

Value = str | int | float | date | datetime | None


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


def needs_bom(stream: TextIO) -> bool:
    """Excel on Chinese Windows reads a CSV without a BOM as GBK and garbles it, so every
    CSV that goes anywhere but a terminal (a file, or stdout redirected with `>`) starts
    with one; a terminal shows the text itself and would print the BOM as noise."""
    isatty = getattr(stream, "isatty", None)
    return not (isatty is not None and isatty())


def write_csv(text: str, out: Path | None = None) -> None:
    """CSV text to a file path, or to stdout. Anything but a terminal gets the bytes
    exactly: UTF-8 with a BOM, line ends untouched (a text stream on Windows would make
    CRLF into CR CR LF, and encode in the console's code page under a UTF-8 BOM)."""
    data = (BOM + text).encode("utf-8")
    if out is not None:
        write_atomic(Path(out), data, private=True)
        return
    if not needs_bom(sys.stdout):
        sys.stdout.write(text.replace("\r\n", "\n"))
        return
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a replaced stdout (tests, embedding) takes text
        sys.stdout.write(BOM + text)
        return
    buffer.write(data)
    buffer.flush()


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


def cell(ws: Worksheet, value: object, *, as_text: bool = False) -> Cell:
    """One xlsx cell for `ws` (normal or write-only): text typed as text (never a
    formula) and quote-prefixed where it starts like one; numbers and dates as such;
    `as_text` for identifiers (text formatted 文本, whatever the value's type)."""
    if value is None or value == "":
        return WriteOnlyCell(ws, value=None)
    if as_text and not isinstance(value, str):
        value = str(value)
    if isinstance(value, bool):
        value = "是" if value else "否"
    if isinstance(value, str):
        c = WriteOnlyCell(ws, value=value)
        c.data_type = "s"
        if value.startswith(FORMULA_START):
            c.quotePrefix = True
        if as_text:
            c.number_format = TEXT_FORMAT
        return c
    c = WriteOnlyCell(ws, value=value)
    if isinstance(value, datetime):
        c.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        c.number_format = DATE_FORMAT
    return c


def append_row(ws: Worksheet, values: Sequence[object], *, text_columns: Iterable[int] = (),
               header: bool = False, rate_columns: Iterable[int] = ()) -> None:
    """Append one row through `cell`; `text_columns` (0-based) hold identifiers,
    `rate_columns` rates (shown with one decimal)."""
    text, rates = set(text_columns), set(rate_columns)
    cells = [cell(ws, v, as_text=i in text) for i, v in enumerate(values)]
    for i in rates:
        if i < len(cells) and isinstance(values[i], int | float):
            cells[i].number_format = RATE_FORMAT
    if header:
        for c in cells:
            c.font, c.fill = BOLD, HEADER_FILL
    ws.append(cells)


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


def fit_widths(ws: Worksheet, rows: Sequence[Sequence[object]], *, first_column: int = 1,
               minimum: int = 6, maximum: int = MAX_WIDTH,
               exact: Iterable[int] = ()) -> None:
    """Column widths from the longest value (header included) of each column. Columns in
    `exact` (0-based: identifiers) are as wide as their longest value whatever it takes,
    so two long IDs are never clipped into looking alike."""
    exact = set(exact)
    width = max((len(r) for r in rows), default=0)
    for i in range(width):
        longest = max((text_width(r[i]) for r in rows if i < len(r)), default=0)
        top = max(maximum, longest) if i in exact else maximum
        ws.column_dimensions[get_column_letter(first_column + i)].width = \
            min(top, max(minimum, longest + 2))


def print_setup(ws: Worksheet, *, header_row: int | None = 1, columns: int | None = None,
                title_rows: str | None = None) -> None:
    """A4, one page wide (as many pages down as it takes), the header row on every page,
    landscape when the table has more than WIDE_COLUMNS columns."""
    width = columns if columns is not None else ws.max_column
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if width > WIDE_COLUMNS else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows is not None:
        ws.print_title_rows = title_rows
    elif header_row is not None:
        ws.print_title_rows = f"{header_row}:{header_row}"


def header_filter(ws: Worksheet, header_row: int, columns: int, last_row: int) -> None:
    """An auto-filter whose drop-downs sit on the header row itself."""
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(columns)}{max(last_row, header_row)}"
