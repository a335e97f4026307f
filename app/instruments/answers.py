"""Read an answers file (问卷星 export, item grid or answer strings) into arrays.

The result is plain data for the services to match against the roster and store:
identity columns as text, the item value matrix, submit times and where each date came
from, and every problem placed by spreadsheet row (1-based, header rows counted) and
column header. Structural problems (an item column missing, doubled or extra) raise at
once; per-row problems are returned so a preview can show them all, and
`raise_for_errors` stops on the fatal ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app.errors import BadInputError
from app.gc_pause import gc_paused
from app.instruments.answer_cells import NumberMode, cells_to_values, coding_problem, numbers_in
from app.instruments.answer_strings import parse_answer_strings
from app.instruments.columns import (
    DURATION,
    START_TIME,
    ColumnPlan,
    header_text,
    is_known_header,
    plan_columns,
)
from app.instruments.identity import (
    cell_text,
    column_text,
    grade_numbers,
    id_column,
    is_id_column,
    row_ids,
)
from app.instruments.identity import gender_codes as _gender_codes
from app.instruments.model import Instrument
from app.instruments.problems import RowProblem, raise_problems
from app.instruments.times import parse_durations, parse_times
from app.tables import Grid, read_grids, sheet_note

DATE_SOURCES = {"submitted": "提交时间", "file_column": "文件中的日期列", "unknown": "未知"}
_HEADER_SCAN_ROWS = 10


@dataclass(frozen=True, eq=False)
class AnswerFile:
    """One file's answers; row i of every array is data row i (`rows[i]` in the sheet)."""

    path: Path
    instrument: str
    layout: str
    """"wjx" (问卷星-style export), "grid" (a column per item) or "strings"."""
    header_row: int
    rows: np.ndarray
    """(n,) spreadsheet row numbers of the data rows, 1-based."""
    identity: dict[str, list[str]]
    """Identity and other non-item columns by header, as text ("" when blank), row i of
    each list being sheet i."""
    values: np.ndarray
    """(n, items) option values, NaN = unanswered."""
    submitted_at: np.ndarray
    """(n,) datetime64[s]; NaT where unknown."""
    date_source: np.ndarray
    """(n,) "submitted" / "file_column" / "unknown" (see DATE_SOURCES)."""
    item_columns: tuple[str, ...]
    """Header text of item 1, 2 … (the answer-string column's header for each, if strings)."""
    problems: tuple[RowProblem, ...]
    seconds: np.ndarray
    """(n,) seconds each sheet took (问卷星's 所用时间, else submit minus start time);
    NaN where the file does not say."""
    bad_ids: dict[int, str] = field(default_factory=dict)
    """Spreadsheet row → why its student ID cannot be used (also among `problems`): such
    a row must never be matched to anyone."""
    inferred: str = ""
    """What was inferred about the file, in Chinese for the preview, one line each: the
    survey's own questions before item 1, the worksheet read when others hold
    something, a text table named .xls, the encoding; "" when nothing was."""

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def errors(self) -> list[RowProblem]:
        return [p for p in self.problems if p.fatal]

    @property
    def notices(self) -> list[RowProblem]:
        return [p for p in self.problems if not p.fatal]

    def raise_for_errors(self) -> None:
        errors = self.errors
        if errors:
            raise_problems(f"答卷文件 {self.path.name} 有 {len(errors)} 处错误，请改正后重新导入：",
                           errors)

    def ids(self) -> list[str | None]:
        return row_ids(self.identity, len(self))

    def gender_codes(self) -> np.ndarray:
        return _gender_codes(self.identity, len(self))

    def grades(self) -> np.ndarray:
        return grade_numbers(self.identity, len(self))


def read_answers(path: Path | str, instrument: Instrument, *, numbers: NumberMode = "values",
                 item_offset: int = 0) -> AnswerFile:
    """Read and map one file. `numbers` says whether numeric answers are option values
    or option positions (问卷星 can export either); `item_offset` is how many of the
    survey's own questions come before item 1. A file's rows are thousands of lists at
    once, so the garbage collector waits until they are read (app/gc_pause.py)."""
    with gc_paused():
        return _read_answers(Path(path), instrument, numbers, item_offset)


def _read_answers(path: Path, instrument: Instrument, numbers: NumberMode,
                  item_offset: int) -> AnswerFile:
    grids, notes = read_grids(path, kind="答卷")
    sheet, header_at, plan = _answer_sheet(grids, path, instrument, item_offset)
    grid = sheet.cells
    header_row = header_at + 1
    notes += sheet_note(sheet, grids)
    body, rows = _body(grid, header_at, len(plan.headers))
    if not body:
        raise_problems(f"答卷文件 {path.name} 在表头（第 {header_row} 行）之下没有答卷", [])
    if numbers == "values" and plan.layout != "strings":
        items = [c for c in plan.items if c is not None]
        problem = coding_problem(numbers_in(_cells(body, items), len(items)), instrument)
        if problem:
            raise_problems(f"答卷文件 {path.name} 的数字答案不像{instrument.label}的分值："
                           f"{problem}。文件里的数字若是选项序号（第几个选项），请改选"
                           "“按选项序号”（命令行加 --numbers positions）后重新导入；"
                           "未写入任何数据。", [])
    problems = list(plan.problems)
    values, item_headers = _values(body, rows, plan, instrument, numbers, problems)
    submitted, source = _dates(body, rows, plan, problems)
    id_problems: list[RowProblem] = []
    identity = _identity(body, rows, plan, id_problems)
    problems += id_problems
    return AnswerFile(
        path=path, instrument=instrument.code, layout=plan.layout, header_row=header_row,
        rows=rows, identity=identity, values=values,
        submitted_at=submitted, date_source=source, item_columns=item_headers,
        problems=tuple(sorted(problems, key=lambda p: p.row)),
        seconds=_seconds(body, plan, submitted),
        bad_ids={p.row: p.message for p in id_problems if p.fatal},
        inferred="\n".join(filter(None, [plan.inferred, *notes])),
    )


def _answer_sheet(grids: list[Grid], path: Path, instrument: Instrument, item_offset: int
                  ) -> tuple[Grid, int, ColumnPlan]:
    """The first worksheet whose header fits the instrument (a workbook may open on a
    说明 sheet), its header's index and its column plan; if none fits, the first
    sheet's refusal."""
    refusals = []
    for grid in grids:
        try:
            header_at = _header_index(grid.cells, path)
            plan = plan_columns(grid.cells[header_at], header_at + 1, instrument.item_count,
                                item_offset)
            fatal = [p for p in plan.problems if p.fatal]
            if fatal:
                raise_problems(f"答卷文件 {path.name} 的列与{instrument.label}不符：", fatal)
            return grid, header_at, plan
        except BadInputError as err:
            refusals.append(err)
    raise refusals[0]


def _identity(body: list[list[object]], rows: np.ndarray, plan: ColumnPlan,
              problems: list[RowProblem]) -> dict[str, list[str]]:
    """Identity columns as text; ID columns through the one ID reader, whose refusals
    (an ID a spreadsheet has damaged) are fatal problems of their rows."""
    identity = {}
    for name, col in plan.identity.items():
        cells = _column(body, col)
        if is_id_column(name):
            identity[name], found = id_column(cells, rows.tolist(), plan.headers[col], name)
            problems += found
        else:
            identity[name] = column_text(cells)
    return identity


def _header_index(grid: list[list[object]], path: Path) -> int:
    """The first row with two or more different filled cells, or one that names a known
    column (a file of answer strings may have just "答案"): a title row above is
    skipped, also when it is merged across the columns (every cell then shows it)."""
    for i, row in enumerate(grid[:_HEADER_SCAN_ROWS]):
        filled = [header_text(c) for c in row if c not in ("", None)]
        if len(set(filled)) >= 2 or (filled and is_known_header(filled[0])):
            return i
    raise_problems(f"文件 {path.name} 的前 {_HEADER_SCAN_ROWS} 行里找不到表头", [])
    raise AssertionError  # raise_problems always raises


def _body(grid: list[list[object]], header_at: int, width: int
          ) -> tuple[list[list[object]], np.ndarray]:
    """Data rows under the header, cut or padded to its width, blank rows dropped, and
    their spreadsheet row numbers.

    Only rows whose first cell is blank can be blank rows, so only those are checked
    cell by cell."""
    body: list[list[object]] = []
    numbers: list[int] = []
    for number, row in enumerate(grid[header_at + 1:], start=header_at + 2):
        if len(row) != width:
            row = [*row[:width], *[""] * (width - len(row))]
        first = row[0]
        if (first == "" or first is None or first != first) and all(map(_blank, row)):
            continue  # first != first: NaN
        body.append(row)
        numbers.append(number)
    return body, np.array(numbers, dtype=np.int64)


def _blank(cell: object) -> bool:
    return cell is None or cell == "" or (isinstance(cell, float) and np.isnan(cell))


def _column(body: list[list[object]], col: int) -> list[object]:
    return [row[col] for row in body]


def _cells(body: list[list[object]], cols: list[int]) -> list[object]:
    """The cells of `cols`, row after row, in one flat list."""
    return [row[c] for row in body for c in cols]


def _values(body: list[list[object]], rows: np.ndarray, plan: ColumnPlan,
            instrument: Instrument, numbers: NumberMode, problems: list[RowProblem]
            ) -> tuple[np.ndarray, tuple[str, ...]]:
    """Values, item headers, and problems: bad cells (fatal), unanswered ones (notices)."""
    row_numbers = rows.tolist()
    row_at = {row: i for i, row in enumerate(row_numbers)}
    if plan.layout == "strings":
        assert plan.answer_string is not None
        column = plan.headers[plan.answer_string]
        headers = (column,) * instrument.item_count
        values, found = parse_answer_strings(_column(body, plan.answer_string), instrument,
                                             row_numbers, column)
        covered = np.zeros(values.shape, dtype=bool)
        covered[[row_at[p.row] for p in found], :] = True
    else:
        items = [c for c in plan.items if c is not None]
        headers = tuple(plan.headers[c] for c in items)
        values, bad = cells_to_values(_cells(body, items), len(items), instrument, numbers,
                                      rows=row_numbers, columns=headers)
        found = [RowProblem(int(p.row), str(p.column), p.message) for p in bad]
        covered = np.zeros(values.shape, dtype=bool)
        column_at = {header: k for k, header in enumerate(headers)}
        for p in bad:
            covered[row_at[p.row], column_at[p.column]] = True
    problems += found
    unanswered = np.isnan(values) & ~covered
    for i in np.flatnonzero(unanswered.any(axis=1)).tolist():
        missing = np.flatnonzero(unanswered[i]).tolist()
        row = row_numbers[i]
        if len(missing) == 1:
            column = headers[missing[0]] if plan.layout != "strings" else headers[0]
            problems.append(RowProblem(row, column, f"第 {missing[0] + 1} 题未作答", fatal=False))
        else:
            listed = "、".join(str(k + 1) for k in missing[:20])
            more = " 等" if len(missing) > 20 else ""
            problems.append(RowProblem(row, "", f"{len(missing)} 题未作答：第 {listed}{more} 题",
                                       fatal=False))
    return values, headers


def _seconds(body: list[list[object]], plan: ColumnPlan, submitted: np.ndarray
             ) -> np.ndarray:
    """Time taken per sheet: 所用时间 where the file has it, else submit − start."""
    seconds = np.full(len(body), np.nan)
    if (column := plan.metadata.get(DURATION)) is not None:
        seconds = parse_durations(_column(body, column))
    if (start := plan.metadata.get(START_TIME)) is not None and plan.submit_time is not None:
        began = parse_times(_column(body, start))
        ended = parse_times(_column(body, plan.submit_time))
        known = ~np.isnat(began) & ~np.isnat(ended) & np.isnan(seconds)
        seconds[known] = (ended[known] - began[known]).astype(np.int64)
    return seconds


def _dates(body: list[list[object]], rows: np.ndarray, plan: ColumnPlan,
           problems: list[RowProblem]) -> tuple[np.ndarray, np.ndarray]:
    n = len(body)
    when = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    source = np.full(n, "unknown", dtype=object)
    for column, code in ((plan.submit_time, "submitted"), (plan.date_column, "file_column")):
        if column is None:
            continue
        cells = _column(body, column)
        parsed = parse_times(cells)
        fill = np.isnat(when) & ~np.isnat(parsed)
        when[fill], source[fill] = parsed[fill], code
        for i in np.flatnonzero(np.isnat(parsed)).tolist():
            text = cell_text(cells[i])
            if text:
                problems.append(RowProblem(int(rows[i]), plan.headers[column],
                                           f"“{text}”不是可识别的日期时间", fatal=False))
    return when, source
