"""Hostile spreadsheets and CSVs are refused before a reader allocates for them.

The files are written by hand (sheet XML in a zip, BIFF12 records) so each stays a few
hundred bytes: the attack is a tiny file that declares or reaches a huge range.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from app.deployment import parse_deployment
from app.errors import BadInputError
from app.sheet_limits import DEFAULT_LIMITS, SheetLimits, check_workbook
from app.tables import read_grids

ROOT = Path(__file__).resolve().parent.parent
NS = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
SMALL = SheetLimits(rows=5, columns=3, megabytes=1)


def xlsx(path: Path, sheet_xml: str, sheet_name: str = "sheet1.xml") -> Path:
    """A minimal workbook around one worksheet's XML."""
    types = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
             '2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
             'openxmlformats-package.relationships+xml"/><Default Extension="xml" '
             'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
             'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
             'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
             '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
             '</Types>')
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>')
    book = ('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>')
    book_rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.'
                 'org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
                 'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                 'Target="worksheets/sheet1.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", book)
        z.writestr("xl/_rels/workbook.xml.rels", book_rels)
        z.writestr(f"xl/worksheets/{sheet_name}", sheet_xml)
    return path


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


FAR = (NS + '<sheetData><row r="1">' + _cell("A1", "学籍号") + '</row><row r="1048576">'
       + _cell("XFD1048576", "x") + "</row></sheetData></worksheet>")


def test_a_cell_at_xfd1048576_is_refused(tmp_path):
    path = xlsx(tmp_path / "far.xlsx", FAR)
    assert path.stat().st_size < 5000
    with pytest.raises(BadInputError) as info:
        read_grids(path)
    assert "太大" in info.value.message and "1,048,576 行 × 16,384 列" in info.value.message


def test_the_commands_end_with_exit_2_instead_of_aborting(tmp_path):
    """In a child process: before the check, this file killed the process (exit 134)."""
    path = xlsx(tmp_path / "far.xlsx", FAR)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QINGXIN_PASSWORD": "x"}
    run = subprocess.run([sys.executable, "-m", "app", "score", "--instrument", "phq9",
                          str(path)], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 2, run.stderr
    assert "太大" in run.stderr


def test_declared_dimension_alone_is_refused(tmp_path):
    sheet = (NS + '<dimension ref="A1:XFD1048576"/><sheetData><row r="1">'
             + _cell("A1", "x") + "</row></sheetData></worksheet>")
    with pytest.raises(BadInputError, match="声明的范围"):
        read_grids(xlsx(tmp_path / "dim.xlsx", sheet))


def test_cells_without_references_are_counted(tmp_path):
    """`r` is optional on rows and cells; they then follow the previous one."""
    rows = "".join("<row>" + "<c><v>1</v></c>" * 3 + "</row>" for _ in range(6))
    path = xlsx(tmp_path / "norefs.xlsx", NS + f"<sheetData>{rows}</sheetData></worksheet>")
    with pytest.raises(BadInputError, match="6 行 × 3 列"):
        read_grids(path, SMALL)
    wide = NS + "<sheetData><row>" + "<c><v>1</v></c>" * 4 + "</row></sheetData></worksheet>"
    with pytest.raises(BadInputError, match="1 行 × 4 列"):
        read_grids(xlsx(tmp_path / "wide.xlsx", wide), SMALL)


def test_a_workbook_within_the_limits_reads_as_before(tmp_path):
    sheet = (NS + '<dimension ref="A1:C5"/><sheetData>'
             + "".join(f'<row r="{r}">' + _cell(f"C{r}", str(r)) + "</row>" for r in range(1, 6))
             + "</sheetData></worksheet>")
    grid = read_grids(xlsx(tmp_path / "ok.xlsx", sheet), SMALL)[0][0].cells
    assert len(grid) == 5 and grid[4][2] == "5"


def test_uncompressed_size_is_bounded(tmp_path):
    """2 MB of XML compresses to a few KB; the limit is on what it inflates to."""
    padding = "<!--" + " " * (2 << 20) + "-->"
    path = xlsx(tmp_path / "bomb.xlsx", NS + padding + "<sheetData/></worksheet>")
    assert path.stat().st_size < 20_000
    with pytest.raises(BadInputError, match="解压后"):
        read_grids(path, SMALL)


def _record(kind: int, body: bytes) -> bytes:
    def varint(n: int) -> bytes:
        out = b""
        while True:
            byte, n = n & 0x7F, n >> 7
            out += bytes([byte | (0x80 if n else 0)])
            if not n:
                return out
    return varint(kind) + varint(len(body)) + body


def _xlsb(records: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/worksheets/sheet1.bin", records)
    return buf.getvalue()


def test_xlsb_declared_and_real_extent():
    declared = _record(148, struct.pack("<4I", 0, 1_048_575, 0, 16_383))
    with pytest.raises(BadInputError, match="声明的范围"):
        check_workbook(_xlsb(declared), "a.xlsb", DEFAULT_LIMITS)
    far_cell = _record(0, struct.pack("<I", 999_999) + b"\0" * 8) + _record(
        5, struct.pack("<I", 2) + b"\0" * 12)
    with pytest.raises(BadInputError, match="1,000,000 行 × 3 列"):
        check_workbook(_xlsb(far_cell), "a.xlsb", DEFAULT_LIMITS)
    check_workbook(_xlsb(_record(0, b"\0" * 12) + _record(5, b"\0" * 16)), "a.xlsb",
                   DEFAULT_LIMITS)


def _ods(body: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", '<office:document-content xmlns:office="o" '
                   'xmlns:table="t"><table:table>' + body + "</table:table>"
                   "</office:document-content>")
    return buf.getvalue()


def test_ods_repeated_cells_count_only_when_they_hold_something():
    empty_tail = ('<table:table-row><table:table-cell office:value-type="string"><text:p>x'
                  '</text:p></table:table-cell><table:table-cell table:number-columns-'
                  'repeated="16383"/></table:table-row><table:table-row table:number-rows-'
                  'repeated="1048575"><table:table-cell table:number-columns-repeated='
                  '"16384"/></table:table-row>')
    check_workbook(_ods(empty_tail), "a.ods", DEFAULT_LIMITS)
    filled = ('<table:table-row table:number-rows-repeated="30000"><table:table-cell '
              'office:value-type="float" office:value="1"/></table:table-row>')
    with pytest.raises(BadInputError, match="30,000 行"):
        check_workbook(_ods(filled), "a.ods", DEFAULT_LIMITS)


def test_xls_rows_are_counted_from_its_records():
    data = (ROOT / "tests" / "data" / "answers" / "gad7.xls").read_bytes()
    check_workbook(data, "gad7.xls", DEFAULT_LIMITS)
    with pytest.raises(BadInputError, match="太大"):
        check_workbook(data, "gad7.xls", SMALL)


def test_csv_rows_columns_and_bytes(tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("a,b\n" * 6, encoding="utf-8")
    cols = tmp_path / "cols.csv"
    cols.write_text("a,b,c,d\n", encoding="utf-8")
    big = tmp_path / "big.csv"
    big.write_bytes(b"a" * ((1 << 20) + 1))
    with pytest.raises(BadInputError, match="超过 5 行"):
        read_grids(rows, SMALL)
    with pytest.raises(BadInputError, match="第 1 行有 4 列"):
        read_grids(cols, SMALL)
    with pytest.raises(BadInputError, match="1 MB"):
        read_grids(big, SMALL)


def test_a_million_row_roster_is_refused_quickly_in_little_memory(tmp_path):
    path = tmp_path / "junk.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("学号,姓名,性别,班级\n")
        fh.writelines(f"{i},学生{i},男,初一(1)班\n" for i in range(1_000_000))
    code = ("import resource, sys, time\n"
            "from app.errors import BadInputError\n"
            "from app.services.roster.file import read_roster\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
            "t = time.perf_counter()\n"
            "try:\n"
            f"    read_roster({str(path)!r})\n"
            "except BadInputError as err:\n"
            "    print(err.message)\n"
            "print(time.perf_counter() - t)\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    rss_before, message, seconds, rss_after = run.stdout.strip().splitlines()
    assert "超过 20,000 行" in message, run.stderr
    assert float(seconds) < 10 and time.perf_counter() - started < 60
    # The file is ~34 MB (and its text twice that); a million-row grid would be ~400 MB.
    assert int(rss_after) - int(rss_before) < 150 * 1024


def test_limits_come_from_the_deployment_file(tmp_path):
    text = "[import]\nmax_rows = 50000\nmax_columns = 200\nmax_megabytes = 64\n"
    limits = parse_deployment(text, tmp_path / "deploy.toml").sheet_limits
    assert limits == SheetLimits(rows=50_000, columns=200, megabytes=64)
    with pytest.raises(BadInputError, match=r"\[import\]\.max_rows"):
        parse_deployment("[import]\nmax_rows = 0\n", tmp_path / "deploy.toml")
