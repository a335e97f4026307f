"""Size limits a spreadsheet or CSV must meet before any reader allocates for it.

python-calamine builds one dense grid from the first to the last cell it finds: a 5 KB
.xlsx with a cell in A1 and one in XFD1048576 asks for 512 GB and aborts the whole
process (a Rust allocation failure is not an exception). So the file is looked at first,
cheaply and with bounded memory: the zip members' uncompressed sizes (declared, and
counted while streaming, since a header can lie), each worksheet's declared dimension
and the real extent of its cells (.xlsx/.xlsm XML, .xlsb records, .ods content, .xls
BIFF records), and for text files the byte size, then rows and columns as they are
parsed. Anything above the limits is refused with a Chinese message (exit code 2).

The defaults are ample for a school (20,000 rows × 400 columns, 256 MB of content); a
deployment may change them in deploy.toml's `[import]` table.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from app.errors import BadInputError

CHUNK = 1 << 20
ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class SheetLimits:
    rows: int = 20_000
    columns: int = 400
    megabytes: int = 256
    """Uncompressed content: the sum of a workbook's parts, or a text file's bytes."""

    @property
    def max_bytes(self) -> int:
        return self.megabytes << 20


DEFAULT_LIMITS = SheetLimits()


def current_limits() -> SheetLimits:
    """The limits in force: deploy.toml's `[import]`, else the defaults."""
    from app.deployment import load_deployment

    return load_deployment().sheet_limits


def _too_big(file_name: str, what: str, limits: SheetLimits) -> BadInputError:
    return BadInputError(
        f"文件 {file_name} 太大，未读取：{what}。本程序一次最多读取 {limits.rows:,} 行、"
        f"{limits.columns} 列、{limits.megabytes} MB 内容。请确认选对了文件；确需导入，"
        "请把它分成几个较小的文件（或请管理员在部署文件 [import] 中调高上限）。",
        detail=f"over limits: {what}")


def check_file_size(size: int, file_name: str, limits: SheetLimits) -> None:
    if size > limits.max_bytes:
        raise _too_big(file_name, f"文件有 {size / 1048576:.0f} MB", limits)


def check_workbook(data: bytes, file_name: str, limits: SheetLimits) -> None:
    """Refuse a workbook whose sheets or content exceed `limits` (before calamine reads
    it). Content that is not a workbook at all is left for the reader to refuse."""
    check_file_size(len(data), file_name, limits)
    if data.startswith(ZIP):
        _check_zip(data, file_name, limits)
    elif data.startswith(OLE):
        _check_xls(data, file_name, limits)


def _check_extent(rows: int, columns: int, file_name: str, limits: SheetLimits,
                  declared: bool = False) -> None:
    if rows > limits.rows or columns > limits.columns:
        what = "工作表声明的范围" if declared else "工作表"
        raise _too_big(file_name, f"{what}有 {rows:,} 行 × {columns:,} 列", limits)


# ---------------------------------------------------------------- zip (xlsx, xlsb, ods)

def _check_zip(data: bytes, file_name: str, limits: SheetLimits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a readable zip: the reader says the file is damaged
    with archive:
        infos = archive.infolist()
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_bytes:
            raise _too_big(file_name, f"解压后有 {declared / 1048576:.0f} MB", limits)
        budget = [limits.max_bytes]
        for info in infos:
            name = info.filename.lower()
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                _check_xlsx_sheet(_stream(archive, info, budget, file_name, limits),
                                  file_name, limits)
            elif name.startswith("xl/worksheets/") and name.endswith(".bin"):
                _check_xlsb_sheet(b"".join(_stream(archive, info, budget, file_name, limits)),
                                  file_name, limits)
            elif name == "content.xml":
                _check_ods(_stream(archive, info, budget, file_name, limits),
                           file_name, limits)


def _stream(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int],
            file_name: str, limits: SheetLimits) -> Iterator[bytes]:
    """A member's bytes in chunks, counted as they are inflated: a zip header may
    understate the size, the inflated bytes cannot."""
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    raise _too_big(file_name, f"解压后超过 {limits.megabytes} MB", limits)
                yield chunk
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
        return  # damaged: the reader refuses it with its own message


_ROW_OPEN = re.compile(rb"<([\w.-]+:)?row\b([^>]*?)(/?)>")
_ROW_CLOSE = re.compile(rb"</(?:[\w.-]+:)?row>")
_ATTR_R = re.compile(rb"""\br\s*=\s*["']([A-Za-z]*)(\d*)["']""")
_DIM_REF = re.compile(
    rb"""<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*["']([A-Za-z]*)(\d*)(?::([A-Za-z]*)(\d*))?["']""")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _check_xlsx_sheet(chunks: Iterable[bytes], file_name: str, limits: SheetLimits) -> None:
    """Row by row, not cell by cell (a cell-level scan cost more than calamine's read):
    cells within a row come in column order, so a row's last cell is its widest. Rows
    and cells may omit `r` (they then follow the previous one), as calamine reads them;
    the extent is the last row and column that holds a cell."""
    buffer = b""
    row = max_row = max_column = 0
    before_data = True
    for chunk in chunks:
        buffer += chunk
        if before_data:
            dim = _DIM_REF.search(buffer)
            if dim:
                last_col, last_row = dim.group(3) or dim.group(1), dim.group(4) or dim.group(2)
                _check_extent(int(last_row or 0), _column_number(last_col), file_name, limits,
                              declared=True)
            before_data = b"sheetData" not in buffer
        pos = 0
        while (opened := _ROW_OPEN.search(buffer, pos)) is not None:
            ref = _ATTR_R.search(opened.group(2))
            number = int(ref.group(2)) if ref and ref.group(2) else row + 1
            if opened.group(3):  # <row/>: no cells
                row, pos = number, opened.end()
                continue
            closed = _ROW_CLOSE.search(buffer, opened.end())
            if closed is None:
                break  # the row continues in the next chunk
            row, pos = number, closed.end()
            width = _row_width(buffer[opened.end():closed.start()], opened.group(1) or b"")
            if width:
                max_row, max_column = max(max_row, row), max(max_column, width)
                if max_row > limits.rows or max_column > limits.columns:
                    _check_extent(max_row, max_column, file_name, limits)
        buffer = buffer[pos:]


def _row_width(body: bytes, prefix: bytes) -> int:
    """The column of a row's last cell (its `r`, or the count of cells without one)."""
    opening = b"<" + prefix + b"c"
    at = len(body)
    while (at := body.rfind(opening, 0, at)) != -1:
        after = body[at + len(opening):at + len(opening) + 1]
        if after in (b" ", b"/", b">", b"\t", b"\r", b"\n"):
            break
    if at == -1:
        return 0
    ref = _ATTR_R.search(body, at, body.find(b">", at))
    if ref and ref.group(1):
        return _column_number(ref.group(1))
    return len(re.findall(re.escape(opening) + rb"[\s/>]", body))


def _check_xlsb_sheet(data: bytes, file_name: str, limits: SheetLimits) -> None:
    """BIFF12 records: BrtWsDim (148) declares the range; BrtRowHdr (0) starts a row;
    cell records (1-13) begin with their column."""
    pos = row = max_row = max_column = 0
    end = len(data)
    while pos < end:
        kind, pos = _varint(data, pos, 2)
        size, pos = _varint(data, pos, 4)
        body = data[pos:pos + size]
        pos += size
        if kind == 148 and len(body) >= 16:
            _first_row, last_row, _first_col, last_col = struct.unpack_from("<4I", body)
            _check_extent(last_row + 1, last_col + 1, file_name, limits, declared=True)
        elif kind == 0 and len(body) >= 4:
            row = struct.unpack_from("<I", body)[0] + 1
        elif 1 <= kind <= 13 and len(body) >= 4:
            max_row = max(max_row, row)
            max_column = max(max_column, struct.unpack_from("<I", body)[0] + 1)
            _check_extent(max_row, max_column, file_name, limits)


def _varint(data: bytes, pos: int, most: int) -> tuple[int, int]:
    value = shift = 0
    for _ in range(most):
        if pos >= len(data):
            break
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return value, pos


_ODS_TAG = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?![\w-])([^>]*?)(/?)>")
_ODS_ROWS = re.compile(rb"""number-rows-repeated\s*=\s*["'](\d+)["']""")
_ODS_COLS = re.compile(rb"""number-columns-repeated\s*=\s*["'](\d+)["']""")


def _check_ods(chunks: Iterable[bytes], file_name: str, limits: SheetLimits) -> None:
    """Rows and cells repeat (`number-rows-repeated`, `number-columns-repeated`); only
    repeats that hold something count, as an empty tail of a sheet is not read."""
    tail = b""
    row = column = repeat_rows = 0
    row_filled = False
    max_row = max_column = 0
    for chunk in chunks:
        text = tail + chunk
        cut = text.rfind(b"<")
        if cut != -1 and text.find(b">", cut) == -1:
            text, tail = text[:cut], text[cut:]
        else:
            tail = b""
        for closing, name, attrs, empty in _ODS_TAG.findall(text):
            if name == b"table" and not closing:
                row = 0
            elif name == b"table-row" and not closing:
                found = _ODS_ROWS.search(attrs)
                repeat_rows = int(found.group(1)) if found else 1
                column, row_filled = 0, False
            elif name == b"table-row" and closing:
                if row_filled:
                    max_row = max(max_row, row + repeat_rows)
                row += repeat_rows
            elif name in (b"table-cell", b"covered-table-cell") and not closing:
                found = _ODS_COLS.search(attrs)
                repeat = int(found.group(1)) if found else 1
                if not empty or b"value-type" in attrs:
                    row_filled = True
                    max_column = max(max_column, column + repeat)
                    max_row = max(max_row, row + repeat_rows)
                column += repeat
            else:
                continue
            if max_row > limits.rows or max_column > limits.columns:
                _check_extent(max_row, max_column, file_name, limits)


# ---------------------------------------------------------------- xls (BIFF8 in OLE)

_CELL_RECORDS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0201, 0x0205, 0x0204, 0x00D6}
_MULTI_RECORDS = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column … last column
_DIMENSIONS = 0x0200


def _check_xls(data: bytes, file_name: str, limits: SheetLimits) -> None:
    stream = _workbook_stream(data)
    if stream is None:
        return
    pos, end = 0, len(stream) - 4
    max_row = max_column = 0
    while pos <= end:
        kind, size = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4:pos + 4 + size]
        pos += 4 + size
        if kind == _DIMENSIONS and len(body) >= 12:
            _first, last_row, _first_col, last_col = struct.unpack_from("<IIHH", body)
            _check_extent(last_row, last_col, file_name, limits, declared=True)
        elif kind in _CELL_RECORDS and len(body) >= 4:
            r, c = struct.unpack_from("<HH", body)
            max_row, max_column = max(max_row, r + 1), max(max_column, c + 1)
        elif kind in _MULTI_RECORDS and len(body) >= 6:
            r = struct.unpack_from("<H", body)[0]
            last = struct.unpack_from("<H", body, len(body) - 2)[0]
            max_row, max_column = max(max_row, r + 1), max(max_column, last + 1)
        else:
            continue
        _check_extent(max_row, max_column, file_name, limits)


def _workbook_stream(data: bytes) -> bytes | None:
    """The BIFF stream of an .xls (an OLE compound file), or None if it cannot be had
    (the reader then refuses the file with its own message)."""
    from xlrd.compdoc import CompDoc, CompDocError

    try:
        doc = CompDoc(data, logfile=io.StringIO())
        for name in ("Workbook", "Book"):
            stream = doc.get_named_stream(name)
            if stream is not None:
                return bytes(stream)
    except (CompDocError, struct.error, IndexError, ValueError):
        return None
    return None


# ---------------------------------------------------------------- text (CSV)

def text_lines(text: str) -> Iterator[str]:
    """The lines of `text` with their endings, one at a time, for csv.reader: no
    StringIO or splitlines copy of a file that may be refused after 20,001 rows."""
    head = text[:65536]
    newline = "\r" if "\n" not in head and "\r" in head else "\n"  # classic Mac CSV
    start, end = 0, len(text)
    while start < end:
        stop = text.find(newline, start)
        stop = end if stop == -1 else stop + 1
        yield text[start:stop]
        start = stop


def head_lines(text: str, count: int = 30) -> list[str]:
    """The first `count` lines (to guess the delimiter), without splitting the rest."""
    lines = []
    for line in text_lines(text):
        lines.append(line)
        if len(lines) == count:
            break
    return lines


def limited_rows(rows: Iterable[list[str]], file_name: str, limits: SheetLimits
                 ) -> list[list[object]]:
    """The parsed rows of a text file, stopping at the first row past the limits (a
    million-row file is refused after 20,001 rows, not after reading them all)."""
    out: list[list[object]] = []
    for row in rows:
        if len(out) >= limits.rows:
            raise _too_big(file_name, f"超过 {limits.rows:,} 行", limits)
        if len(row) > limits.columns:
            raise _too_big(file_name, f"第 {len(out) + 1} 行有 {len(row):,} 列", limits)
        out.append(list(row))
    return out
