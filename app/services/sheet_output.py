"""CSV files and stdout: the one place a spreadsheet's text leaves the program outside a
workbook. The rules every cell follows (formula-safe text, IDs as text, numbers as numbers)
live with the renderers in `app/reports/sheets.py`; `csv_text` and `rate` are theirs,
named here too for the command line, which imports services and not the renderers.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from app.atomic import write_atomic
from app.reports.sheets import csv_text, rate

__all__ = ["BOM", "csv_text", "needs_bom", "rate", "write_csv"]

BOM = "\ufeff"


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
