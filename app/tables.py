"""A teacher's spreadsheet or text table → the grids of cells she sees in Excel.

The one reader of files teachers bring: rosters (app/services/roster/file.py), answer
files and item texts (app/instruments/answers.py, texts.py). The format is told by the
file's content, not its name: school systems export tab-separated text named .xls, and
people rename files. Every visible worksheet that holds something is returned, so the
caller can pick the one that fits (a workbook may open on a 说明 sheet) and say which it
read (`sheet_note`). Row i of a grid is spreadsheet row i + 1, so every message can name
the row a teacher sees. A merged cell (a 班级 merged down over its students, a title
merged across the top) shows its value in every cell it covers.

Excel files go through python-calamine (Rust, several times faster than openpyxl, and it
reports merged ranges for both .xlsx and .xls). Every reader failure becomes a
BadInputError with a Chinese message: the teacher needs to know what to do, not which
library complained. Every file passes `app.sheet_limits` before a reader allocates.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import python_calamine

from app.errors import BadInputError
from app.sheet_limits import (
    SheetLimits,
    check_file_size,
    check_workbook,
    current_limits,
    head_lines,
    limited_rows,
    text_lines,
)

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv", ".txt")
_TEXT_SUFFIXES = (".csv", ".txt")
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_SAVE_AS = "请用 Excel 打开后「另存为」.xlsx 再导入"


@dataclass
class Grid:
    """One worksheet (or the text file) as rows of raw cell values: str, float, int,
    bool, date, datetime; "" or None when empty."""

    cells: list[list[object]]
    sheet: str = ""  # the worksheet's name; "" for a text file

    def cell(self, row: int, column: int) -> object:
        line = self.cells[row]
        return line[column] if column < len(line) else None


def read_grids(path: Path | str, limits: SheetLimits | None = None, *, kind: str = "表格"
               ) -> tuple[list[Grid], list[str]]:
    """Every visible worksheet that holds something, in workbook order (one grid for a
    text file), and notes on how the file was read. `kind` names the file in the
    message for an unsupported type ("名册", "答卷" …)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise BadInputError(f"不支持的文件类型「{path.suffix or '无扩展名'}」："
                            f"{kind}请用 .xlsx、.xls 或 .csv 文件")
    limits = limits or current_limits()
    try:
        check_file_size(path.stat().st_size, path.name, limits)
        data = path.read_bytes()
    except FileNotFoundError:
        raise BadInputError(f"找不到文件：{path.name}") from None
    except OSError as err:
        raise BadInputError(f"无法打开文件 {path.name}：文件可能正被其他程序占用或没有读取权限",
                            detail=type(err).__name__) from None
    if not data.strip():
        raise BadInputError(f"文件 {path.name} 是空的")
    if data.startswith(_OLE) and _ENCRYPTED in data:
        raise BadInputError(f"文件 {path.name} 设置了打开密码：请在 Excel 中取消密码"
                            "（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后再导入")
    if data.startswith((_ZIP, _OLE)):
        notes = ([f"文件扩展名是 {suffix}，但内容是 Excel 工作簿，已按 Excel 读取。"]
                 if suffix in _TEXT_SUFFIXES else [])
        check_workbook(data, path.name, limits)
        return _read_excel(data, path.name), notes
    _refuse_markup(data, path.name)
    grid, notes = _read_text(data, path.name, limits)
    if suffix not in _TEXT_SUFFIXES:
        notes.append(f"文件扩展名是 {suffix}，但内容其实是文本表格（CSV），已按文本读取。")
    return [grid], notes


def _read_excel(data: bytes, file_name: str) -> list[Grid]:
    grids = []
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        for meta in workbook.sheets_metadata:
            if (meta.typ != python_calamine.SheetTypeEnum.WorkSheet
                    or meta.visible != python_calamine.SheetVisibleEnum.Visible):
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            cells = sheet.to_python(skip_empty_area=False)
            if any(any(c not in ("", None) for c in row) for row in cells):
                _fill_merged(cells, sheet.merged_cell_ranges or [])
                grids.append(Grid(cells, meta.name))
    except python_calamine.PasswordError:
        raise BadInputError(f"文件 {file_name} 设置了密码：请在 Excel 中取消密码后再导入") from None
    except (python_calamine.CalamineError, OSError, ValueError, IndexError) as err:
        raise BadInputError(f"无法读取 Excel 文件 {file_name}：文件可能已损坏，"
                            f"{_SAVE_AS}", detail=type(err).__name__) from None
    if not grids:
        raise BadInputError(f"文件 {file_name} 没有内容：可见的工作表都是空的")
    return grids


def sheet_note(used: Grid, grids: list[Grid]) -> list[str]:
    """The note naming the worksheet read when others held something too."""
    if len(grids) < 2:
        return []
    others = "」「".join(g.sheet for g in grids if g is not used)
    return [f"读取了工作表「{used.sheet}」；工作表「{others}」没有读取，"
            "如需导入请另存为单独的文件。"]


def _fill_merged(cells: list[list[object]],
                 ranges: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """Every cell of a merged range shows the top-left value, as Excel displays it."""
    for (top, left), (bottom, right) in ranges:
        if top >= len(cells) or left >= len(cells[top]):
            continue
        value = cells[top][left]
        for r in range(top, min(bottom, len(cells) - 1) + 1):
            row = cells[r]
            for c in range(left, min(right, len(row) - 1) + 1):
                row[c] = value


def _refuse_markup(data: bytes, file_name: str) -> None:
    """Web systems save HTML or Excel-2003 XML under .xls; say so instead of "unreadable"."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")):
        raise BadInputError(f"文件 {file_name} 其实是网页（HTML）格式，不是真正的 Excel 文件："
                            f"{_SAVE_AS}")
    if head.startswith(b"<?xml"):
        raise BadInputError(f"文件 {file_name} 是 XML 格式（如 Excel 2003 XML 表格）：{_SAVE_AS}")


def _read_text(data: bytes, file_name: str, limits: SheetLimits) -> tuple[Grid, list[str]]:
    text, encoding = _decode(data, file_name)
    if "\x00" in text:
        raise BadInputError(f"文件 {file_name} 不是文本表格（CSV），也不是 Excel 文件：{_SAVE_AS}")
    delimiter = _delimiter(head_lines(text))
    try:
        cells = limited_rows(csv.reader(text_lines(text), delimiter=delimiter), file_name,
                             limits)
    except csv.Error as err:
        raise BadInputError(f"CSV 文件 {file_name} 的格式有误（引号不配对或单元格过长）："
                            f"{_SAVE_AS}", detail=str(err)) from None
    notes = [] if encoding.startswith("UTF") else [f"CSV 文件按 {encoding} 编码读取。"]
    return Grid(cells), notes


def _delimiter(lines: list[str]) -> str:
    """The separator found on the most of the first lines, then the most often: a
    column of answer strings such as 1;2;3 must not outvote the comma on every line."""
    return max(",\t;", key=lambda d: (sum(d in line for line in lines),
                                       sum(line.count(d) for line in lines)))


def _decode(data: bytes, file_name: str) -> tuple[str, str]:
    """UTF-8 (with or without BOM) and UTF-16 with BOM first: a valid UTF-8 file is
    almost never anything else. Then GB18030, the superset of the GBK that Chinese
    Windows Excel writes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = [("utf-16", "UTF-16")]
    else:
        candidates = [("utf-8-sig", "UTF-8"), ("gb18030", "GBK/GB18030")]
    for codec, label in candidates:
        try:
            return data.decode(codec), label
        except UnicodeDecodeError:
            continue
    raise BadInputError(f"无法识别文件 {file_name} 的编码：请在 Excel 中另存为"
                        "「CSV UTF-8」或 .xlsx 后再导入")
