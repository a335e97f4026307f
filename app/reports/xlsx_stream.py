"""A second xlsx renderer, for books of one large sheet: `render_large(book) -> bytes`
writes the same cells as `workbook.render_workbook` without openpyxl's cell objects.

openpyxl builds a Python object per cell and serialises each through ElementTree
(≈ 12 µs a cell, in normal or write-only mode): the district's merged key-student list —
400 schools × 218 students × 14 columns, 1.2 million cells — took half of a `district
aggregate`. Here each row is one formatted string, text goes to the shared-string table
once, and the sheet streams into its zip entry as it is made.

The rules are sheets.py's, as render_workbook applies them (a test renders one book both
ways and compares every cell): text is text, quote-prefixed where it starts like a
formula; `ID` columns are text formatted 文本 ("@"); numbers are numbers, `RATE` numbers
show one decimal; dates are dates; booleans 是/否; blanks blank; a title line bold and
large; a table's header bold on grey; `Fit` widths; the main table's filter and print
titles; A4 one page wide. Characters XML cannot hold are written as Excel's _xHHHH_
escapes (openpyxl refuses the whole file). What this renderer does not lay out — several
sheets, frozen panes, wrapped columns, total rows, fixed creation times — it refuses with
ValueError, so a book that needs them goes to render_workbook.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from xml.sax.saxutils import escape, quoteattr

from app.reports.sheets import (
    FORMULA_START,
    HEADING,
    ID,
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

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff]")
_DATE_FMT, _DATETIME_FMT, _RATE_FMT, _TEXT_FMT = 164, 165, 166, 49  # 49: Excel's "@"
_PLAIN, _BOLD, _TITLE, _HEADING = 0, 1, 2, 3  # fonts
_NO_FILL, _HEADER_FILL = 0, 2


def _column_letter(n: int) -> str:
    """1 → A, 27 → AA (no openpyxl here: this renderer is the one that does without)."""
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def render_large(book: Book) -> bytes:
    if len(book.sheets) != 1 or book.created is not None:
        raise ValueError("render_large: one sheet, no fixed creation time")
    sheet = book.sheets[0]
    if sheet.freeze or any(isinstance(p, Table) and (p.totals or any(c.wrap for c in p.columns))
                           for p in sheet.parts):
        raise ValueError("render_large: no frozen panes, total rows or wrapped columns")
    title = sheet_title(sheet.title, (), sheet.fallback)
    main = sheet.main_table()
    header_row = last_row = None
    row = 0
    for part in sheet.parts:
        if isinstance(part, Line):
            row += 1
            continue
        first = row + 1
        row += int(part.header) + len(part.rows)
        if part is main:
            header_row, last_row = first, row
    width = max((len(p.values) if isinstance(p, Line) else len(p.columns)
                 for p in sheet.parts), default=0)
    widths = _widths(sheet, main)
    filter_ref = ""
    if main is not None and header_row is not None:
        filter_ref = (f"A{header_row}:{_column_letter(len(main.columns))}"
                      f"{max(last_row or header_row, header_row)}")
    printed = (header_row, len(main.columns) if main is not None else width) \
        if sheet.printed else None
    styles = _Styles()
    strings: dict[str, int] = {}
    buffer = io.BytesIO()
    # Deflate level 1: a quarter of level 6's time for a third more bytes (5.1 MB against
    # 3.8 MB for 87,200 listed students).
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open("xl/worksheets/sheet1.xml", "w") as out:
            out.write(_sheet_head(widths, printed is not None).encode("utf-8"))
            writer = _Rows(out, strings, styles)
            for part in sheet.parts:
                if isinstance(part, Line):
                    font = _TITLE if part.style == TITLE else \
                        _HEADING if part.style == HEADING else _PLAIN
                    writer.row(part.values, (), first_font=font)
                    continue
                if part.header:
                    writer.row([c.name for c in part.columns], (), header=True)
                kinds = tuple(c.kind for c in part.columns)
                for values in part.rows:
                    writer.row(values, kinds)
            writer.flush()
            out.write(_sheet_tail(filter_ref, printed).encode("utf-8"))
        shared = "".join(f'<si><t xml:space="preserve">{_xml_text(s)}</t></si>'
                         for s in strings)
        zf.writestr("xl/sharedStrings.xml", (
            f'{_XML}<sst xmlns="{_MAIN}" uniqueCount="{len(strings)}">{shared}</sst>'))
        zf.writestr("xl/styles.xml", styles.xml())
        zf.writestr("xl/workbook.xml", _workbook_xml(title, header_row if printed else None,
                                                     filter_ref))
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
    return buffer.getvalue()


def _widths(sheet: Sheet, main: Table | None) -> dict[int, float]:
    """render_workbook's widths: fixed ones, or `Fit` over the main table (its header and
    body, or the first `sample` rows), identifiers as wide as their longest value."""
    if not isinstance(sheet.widths, Fit):
        return {i + 1: w for i, w in enumerate(sheet.widths)}
    if main is None:
        return {}
    fit = sheet.widths
    body = list(main.rows if fit.sample is None else main.rows[:fit.sample])
    rows: list[Sequence[object]] = [[c.name for c in main.columns]] if main.header else []
    distinct: list[set[tuple[type, object]]] = []
    for values in [*rows, *body]:
        while len(distinct) < len(values):
            distinct.append(set())
        for seen, v in zip(distinct, values, strict=False):
            seen.add((v.__class__, v))  # True and 1 are one set member otherwise
    exact = {i for i, c in enumerate(main.columns) if c.kind == ID}
    out = {}
    for i, seen in enumerate(distinct):
        longest = max((_width(v) for _, v in seen), default=0)
        top = max(fit.maximum, longest) if i in exact else fit.maximum
        out[i + 1] = min(top, max(fit.minimum, longest + 2))
    return out


def _width(value: object) -> int:
    if isinstance(value, str) and value.isascii():
        return len(value)
    return text_width(value)


def _xml_text(text: str) -> str:
    text = escape(text)
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text


def _serial(value: date) -> str:
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - datetime(1899, 12, 30)
        return repr(delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6)
    return str((value - date(1899, 12, 30)).days)


class _Rows:
    """Rows as XML strings, written out in chunks."""

    def __init__(self, out: io.RawIOBase, strings: dict[str, int], styles: _Styles) -> None:
        self.out, self.strings, self.styles = out, strings, styles
        self.n = 0
        self.chunk: list[str] = []
        self.letters: list[str] = []

    def row(self, values: Sequence[object], kinds: Sequence[str], *, header: bool = False,
            first_font: int = _PLAIN) -> None:
        self.n += 1
        n, styles, strings, letters = self.n, self.styles, self.strings, self.letters
        while len(letters) < len(values):
            letters.append(_column_letter(len(letters) + 1))
        font, fill = (_BOLD, _HEADER_FILL) if header else (_PLAIN, _NO_FILL)
        cells = []
        for i, value in enumerate(values):
            kind = kinds[i] if i < len(kinds) else None
            f = first_font if i == 0 and first_font != _PLAIN else font
            if value is None or value == "":
                if header or f != _PLAIN:
                    cells.append(f'<c r="{letters[i]}{n}" s="{styles(f, fill, 0, False)}"/>')
                continue
            cls = value.__class__
            if kind == ID and cls is not str:
                value, cls = str(value), str
            elif cls is bool:
                value, cls = ("是" if value else "否"), str
            if cls is str:
                index = strings.get(value)  # type: ignore[arg-type]
                if index is None:
                    index = strings[value] = len(strings)  # type: ignore[index]
                s = styles(f, fill, _TEXT_FMT if kind == ID else 0,
                           value.startswith(FORMULA_START))  # type: ignore[union-attr]
                cells.append(f'<c r="{letters[i]}{n}" s="{s}" t="s"><v>{index}</v></c>')
            elif isinstance(value, date):
                s = styles(f, fill, _DATETIME_FMT if isinstance(value, datetime)
                           else _DATE_FMT, False)
                cells.append(f'<c r="{letters[i]}{n}" s="{s}"><v>{_serial(value)}</v></c>')
            elif isinstance(value, int | float):
                s = styles(f, fill, _RATE_FMT if kind == RATE else 0, False)
                cells.append(f'<c r="{letters[i]}{n}" s="{s}" t="n"><v>{value!r}</v></c>')
            else:
                raise TypeError(f"cell of type {cls.__name__}")
        self.chunk.append(f'<row r="{n}">{"".join(cells)}</row>')
        if len(self.chunk) >= 2000:
            self.flush()

    def flush(self) -> None:
        self.out.write("".join(self.chunk).encode("utf-8"))
        self.chunk = []


class _Styles:
    """Cell formats (font, fill, number format, quote prefix), numbered as they are met."""

    def __init__(self) -> None:
        self.index: dict[tuple[int, int, int, bool], int] = {(0, 0, 0, False): 0}

    def __call__(self, font: int, fill: int, numfmt: int, quote: bool) -> int:
        key = (font, fill, numfmt, quote)
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.index)
        return found

    def xml(self) -> str:
        xfs = []
        for font, fill, numfmt, quote in self.index:
            attrs = f'numFmtId="{numfmt}" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"'
            attrs += ' applyNumberFormat="1"' if numfmt else ""
            attrs += ' applyFont="1"' if font else ""
            attrs += ' applyFill="1"' if fill else ""
            attrs += ' quotePrefix="1"' if quote else ""
            xfs.append(f"<xf {attrs}/>")
        font = '<font>{}<sz val="{}"/><name val="Calibri"/><family val="2"/></font>'
        return (
            f'{_XML}<styleSheet xmlns="{_MAIN}"><numFmts count="3">'
            f'<numFmt numFmtId="{_DATE_FMT}" formatCode="yyyy-mm-dd"/>'
            f'<numFmt numFmtId="{_DATETIME_FMT}" formatCode="yyyy-mm-dd hh:mm:ss"/>'
            f'<numFmt numFmtId="{_RATE_FMT}" formatCode="0.0"/></numFmts>'
            f'<fonts count="4">{font.format("", 11)}{font.format("<b/>", 11)}'
            f'{font.format("<b/>", 14)}{font.format("<b/>", 12)}</fonts>'
            '<fills count="3"><fill><patternFill/></fill><fill><patternFill patternType='
            '"gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb='
            '"00EFEFEF"/><bgColor/></patternFill></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
            f'borderId="0"/></cellStyleXfs><cellXfs count="{len(xfs)}">{"".join(xfs)}'
            '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            '</cellStyles></styleSheet>')


_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def _sheet_head(widths: dict[int, float], printed: bool) -> str:
    cols = "".join(f'<col min="{c}" max="{c}" width="{w}" customWidth="1"/>'
                   for c, w in sorted(widths.items()))
    return (f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
            + ('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if printed else "")
            + '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
            '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>")


def _sheet_tail(filter_ref: str, printed: tuple[int | None, int] | None) -> str:
    tail = "</sheetData>" + (f'<autoFilter ref="{filter_ref}"/>' if filter_ref else "")
    tail += ('<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" '
             'footer="0.5"/>')
    if printed is not None:
        orientation = "landscape" if printed[1] > WIDE_COLUMNS else "portrait"
        tail += (f'<pageSetup orientation="{orientation}" paperSize="9" fitToHeight="0" '
                 'fitToWidth="1"/>')
    return tail + "</worksheet>"


def _workbook_xml(title: str, header_row: int | None, filter_ref: str) -> str:
    quoted = "'" + title.replace("'", "''") + "'"
    names = []
    if header_row is not None:
        names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="0">'
                     f"{escape(quoted)}!${header_row}:${header_row}</definedName>")
    if filter_ref:
        ref = re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", filter_ref)
        names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="0" '
                     f'hidden="1">{escape(quoted)}!{ref}</definedName>')
    defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
    return (f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/>'
            f'</bookViews><sheets><sheet name={quoteattr(title)} sheetId="1" r:id="rId1"/>'
            f"</sheets>{defined}</workbook>")


_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{_REL}/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK_RELS = (
    f'{_XML}<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>")
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CONTENT_TYPES = (
    f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
    "</Types>")
