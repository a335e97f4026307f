"""Spreadsheet and CSV files → a grid of cells, positioned as the spreadsheet shows them.

Row i of the grid is spreadsheet row i + 1 (leading empty rows are kept), so every
message can name the row a teacher sees. Excel files go through python-calamine (Rust;
reads .xlsx, .xlsm, .xlsb, .xls and .ods several times faster than openpyxl). CSV files
from Chinese Windows are often GBK: UTF-8 (with or without BOM) is tried first, then
GB18030, GBK's superset. Every file passes `app.sheet_limits` first: a hostile sheet
would otherwise make calamine allocate its whole declared range and abort the process.
"""

from __future__ import annotations

import csv
import io
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

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}


def read_grid(path: Path | str, limits: SheetLimits | None = None) -> list[list[object]]:
    """Rows of cells of the first worksheet (or the CSV); empty cells are "" or None."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise BadInputError(f"找不到文件：{path}")
    limits = limits or current_limits()
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, limits)
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, limits)
    raise BadInputError(f"不支持的文件类型「{path.suffix}」：请用 .xlsx、.xls 或 .csv")


def _read_excel(path: Path, limits: SheetLimits) -> list[list[object]]:
    data = _read_bytes(path, limits)
    check_workbook(data, path.name, limits)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [m.name for m in workbook.sheets_metadata
                  if m.typ == python_calamine.SheetTypeEnum.WorkSheet
                  and m.visible == python_calamine.SheetVisibleEnum.Visible]
        if not sheets:
            raise BadInputError(f"文件 {path.name} 里没有可见的工作表")
        return workbook.get_sheet_by_name(sheets[0]).to_python(skip_empty_area=False)
    except python_calamine.PasswordError:
        raise BadInputError(f"文件 {path.name} 有密码保护：请先在 Excel 中去掉密码") from None
    except (python_calamine.CalamineError, OSError, ValueError) as err:
        raise BadInputError(f"无法读取 Excel 文件 {path.name}：文件可能已损坏或不是 Excel 格式",
                            detail=type(err).__name__) from None


def _read_bytes(path: Path, limits: SheetLimits) -> bytes:
    try:
        check_file_size(path.stat().st_size, path.name, limits)
        return path.read_bytes()
    except OSError as err:
        raise BadInputError(f"无法读取文件 {path}：文件可能正被其他程序占用或没有读取权限。",
                            detail=type(err).__name__) from None


def _read_csv(path: Path, limits: SheetLimits) -> list[list[object]]:
    data = _read_bytes(path, limits)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BadInputError(f"无法识别文件 {path.name} 的编码：请另存为 UTF-8 或 GBK 编码的 CSV")
    first_line = head_lines(text, 1)[0] if text else ""
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    return limited_rows(csv.reader(text_lines(text), delimiter=delimiter), path.name, limits)
