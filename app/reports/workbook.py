"""The one xlsx renderer: `render_workbook(book, options) -> bytes` lays out the plain
sheets of `app/reports/sheets.py` with openpyxl, following the rules stated there (text
never a formula and quote-prefixed where it starts like one, identifiers as 文本 text,
numbers and dates as such, rates with one decimal, sheet names Excel accepts, A4 one page
wide with the header on every page). It reads no store and writes no file: the service
checks the permission, builds the sheets, encrypts, writes and audits.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.reports.sheets import (
    FORMULA_START,
    HEADING,
    ID,
    MAX_WIDTH,
    RATE,
    TITLE,
    WIDE_COLUMNS,
    Book,
    Fit,
    Line,
    Sheet,
    Table,
    sheet_title,
    text_width,
)

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
TEXT_FORMAT = "@"
RATE_FORMAT = "0.0"
"""Rates and shares: one decimal everywhere (93.3, and 100.0 rather than 100)."""
HEADER_FILL = PatternFill("solid", fgColor="EFEFEF")
TOTAL_FILL = PatternFill("solid", fgColor="FFF5D6")
BOLD = Font(bold=True)
LINE_FONTS = {TITLE: Font(bold=True, size=14), HEADING: Font(bold=True, size=12)}
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class WorkbookOptions:
    """How, not what: `streaming` writes rows through openpyxl's write-only mode, which
    keeps memory flat for a campaign of thousands but puts each sheet in a temporary file
    while it is written (the caller points `tempfile` at a private folder first);
    `progress(done, total)` hears of the body rows every 500."""

    streaming: bool = False
    progress: Callable[[int, int], None] | None = None


def render_workbook(book: Book, options: WorkbookOptions = WorkbookOptions()) -> bytes:
    wb = Workbook(write_only=options.streaming)
    taken: list[str] = []
    sheets = []
    try:
        for n, sheet in enumerate(book.sheets):
            title = sheet_title(sheet.title, taken, sheet.fallback)
            taken.append(title)
            if n == 0 and not options.streaming:
                ws = wb.active
                ws.title = title
            else:
                ws = wb.create_sheet(title=title)
            sheets.append(ws)
            _render_sheet(ws, sheet, options)
    except BaseException:
        # Close openpyxl's temporary sheets now, in order: left to the garbage collector,
        # their writers are finalised in any order and one writes to another's closed file.
        if options.streaming:
            for ws in sheets:
                with contextlib.suppress(Exception):
                    ws.close()
        raise
    if book.created is not None:
        naive = book.created.astimezone(UTC).replace(tzinfo=None)
        wb.properties.creator = "青心"
        wb.properties.title = book.title
        wb.properties.created = naive
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    return data if book.created is None else _fix_times(data, naive)


def _render_sheet(ws: Worksheet, sheet: Sheet, options: WorkbookOptions) -> None:
    main = sheet.main_table()
    header_row, last_row, row = None, None, 0
    for part in sheet.parts:
        if isinstance(part, Line):
            row += 1
            continue
        first = row + 1
        row += int(part.header) + len(part.rows) + len(part.totals)
        if part is main:
            header_row, last_row = first, row
    width = max((len(p.values) if isinstance(p, Line) else len(p.columns)
                 for p in sheet.parts), default=0)
    # Layout first: a write-only sheet writes its columns before the first row.
    if sheet.freeze:
        ws.freeze_panes = sheet.freeze
    if isinstance(sheet.widths, Fit):
        if main is not None:
            _fit(ws, main, sheet.widths)
    else:
        for i, w in enumerate(sheet.widths):
            ws.column_dimensions[get_column_letter(i + 1)].width = w
    if sheet.printed:
        _print_setup(ws, header_row, len(main.columns) if main is not None else width)
    if main is not None and header_row is not None:
        ws.auto_filter.ref = (f"A{header_row}:{get_column_letter(len(main.columns))}"
                              f"{max(last_row or header_row, header_row)}")
    for part in sheet.parts:
        if isinstance(part, Line):
            _line(ws, part)
        else:
            _table(ws, part, options)


def _line(ws: Worksheet, line: Line) -> None:
    if not line.values:
        ws.append([])
        return
    cells = [cell(ws, v) for v in line.values]
    if line.style in LINE_FONTS:
        cells[0].font = LINE_FONTS[line.style]
    ws.append(cells)


def _table(ws: Worksheet, table: Table, options: WorkbookOptions) -> None:
    if table.header:
        cells = [cell(ws, c.name) for c in table.columns]
        for c in cells:
            c.font, c.fill = BOLD, HEADER_FILL
        ws.append(cells)
    kinds = [c.kind for c in table.columns]
    aligns = [Alignment(wrap_text=True, vertical="top" if c.top else None) if c.wrap else None
              for c in table.columns]
    progress, n = options.progress, len(table.rows)
    for k, values in enumerate(table.rows):
        if progress is not None and k % PROGRESS_EVERY == 0:
            progress(k, n)
        ws.append(_cells(ws, values, kinds, aligns))
    if progress is not None:
        progress(n, n)
    for values in table.totals:
        cells = _cells(ws, values, kinds, aligns)
        for c in cells:
            c.font, c.fill = BOLD, TOTAL_FILL
        ws.append(cells)
        if not isinstance(ws, Worksheet):
            continue
        for c in ws[ws.max_row]:  # the whole width of the sheet, as a band of colour
            c.font, c.fill = BOLD, TOTAL_FILL


def _cells(ws: Worksheet, values: Sequence[object], kinds: Sequence[str],
           aligns: Sequence[Alignment | None]) -> list[Cell]:
    cells = []
    for i, v in enumerate(values):
        kind = kinds[i] if i < len(kinds) else None
        c = cell(ws, v, as_text=kind == ID)
        if kind == RATE and isinstance(v, int | float) and not isinstance(v, bool):
            c.number_format = RATE_FORMAT
        if i < len(aligns) and aligns[i] is not None:
            c.alignment = aligns[i]
        cells.append(c)
    return cells


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


def _fit(ws: Worksheet, table: Table, fit: Fit) -> None:
    """Column widths from the longest value (header included) of each column of `table`;
    identifier columns as wide as their longest value whatever it takes."""
    body = [*table.rows, *table.totals]
    if fit.sample is not None:
        body = body[:fit.sample]
    rows: list[Sequence[object]] = [[c.name for c in table.columns]] if table.header else []
    rows += body
    exact = {i for i, c in enumerate(table.columns) if c.kind == ID}
    fit_widths(ws, rows, minimum=fit.minimum, maximum=fit.maximum, exact=exact)


def fit_widths(ws: Worksheet, rows: Sequence[Sequence[object]], *, minimum: int = 6,
               maximum: int = MAX_WIDTH, exact: Iterable[int] = ()) -> None:
    exact = set(exact)
    width = max((len(r) for r in rows), default=0)
    for i in range(width):
        longest = max((text_width(r[i]) for r in rows if i < len(r)), default=0)
        top = max(maximum, longest) if i in exact else maximum
        ws.column_dimensions[get_column_letter(i + 1)].width = \
            min(top, max(minimum, longest + 2))


def _print_setup(ws: Worksheet, header_row: int | None, width: int) -> None:
    """A4, one page wide (as many pages down as it takes), the header row on every page,
    landscape when the table has more than WIDE_COLUMNS columns."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if width > WIDE_COLUMNS else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if header_row is not None:
        ws.print_title_rows = f"{header_row}:{header_row}"


_W3CDTF = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _fix_times(data: bytes, when: datetime) -> bytes:
    """Re-zip with `when` as every entry's time and as the workbook's modified time
    (openpyxl stamps the save time into the workbook and into every zip entry)."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = _W3CDTF.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            info = zipfile.ZipInfo(item.filename, date_time=(max(when.year, 1980), when.month,
                                                             when.day, when.hour, when.minute,
                                                             when.second))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, content)
    return out.getvalue()
