"""Reading a school office's roster file (.xlsx, .xls, .csv) into checked rows.

Pure parsing, no database: the roster service compares the result with the store. A
row is either taken whole (a RosterRow) or refused with one RowProblem per reason, each
naming the spreadsheet row and column, so the teacher can fix the file in one pass.
Nothing is guessed silently: what was skipped or assumed is said in `notes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from app.errors import BadInputError
from app.services.roster.cells import (
    Report,
    grade_problem,
    person_name,
    phone_cell,
    student_no_cell,
)
from app.services.roster.columns import Columns, find_columns, header_key
from app.services.roster.normalize import (
    Gender,
    class_display_name,
    class_parts,
    grade_display_name,
    normalize_name,
    normalize_text,
    parse_class,
    parse_date,
    parse_gender,
    parse_grade,
    parse_year_month,
)
from app.tables import Grid, read_grids, sheet_note

__all__ = [
    "RosterFile",
    "RosterRow",
    "RowProblem",
    "class_display_name",
    "grade_display_name",
    "normalize_name",
    "normalize_text",
    "parse_class",
    "parse_date",
    "parse_gender",
    "parse_grade",
    "read_roster",
]

OPTIONAL = ("birth_date", "guardian_name", "guardian_phone")
_PLACEHOLDERS = {"无", "暂无", "不详", "空", "/", "\\", "-", "--", "—", "——", "null", "none", "n/a"}
MAX_AGE = 25
MIN_AGE = 3


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One student as the file gives them, every field already checked: the roster
    service can write it without looking at the file again."""

    row_number: int  # as the spreadsheet shows it, 1-based
    student_no: str
    name: str
    gender: Gender
    grade: int  # 1–12
    class_number: int
    birth_date: date | None
    guardian_name: str | None
    guardian_phone: str | None


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why a row was not taken, worded for the teacher who will fix the file."""

    row_number: int
    column: str  # the header text as the file shows it, "" for the whole row
    message: str
    # As the row wrote them, so the teacher can find the student; not part of what the
    # problem is (two reports of one problem are equal whatever the row held).
    student_no: str = field(default="", compare=False)
    name: str = field(default="", compare=False)


@dataclass
class RosterFile:
    """What a roster file gave: the rows to take, the rows refused and why, and what the
    reader did on its own (columns used and left out, rows skipped) for the preview.

    `column_map` maps RosterRow field names ("student_no", "name", "gender", "grade",
    "class_number", "birth_date", "guardian_name", "guardian_phone") to header texts.
    """

    rows: list[RosterRow]
    problems: list[RowProblem] = field(default_factory=list)
    column_map: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_roster(path: Path, *, today: date | None = None) -> RosterFile:
    """Every student row of the file, checked. `today` anchors the age checks (tests).

    Raises BadInputError, with a Chinese message saying what to do, when the file cannot
    be read at all (type, damage, password, encoding) or lacks a required column
    (学籍号, 姓名, 性别, 班级); everything wrong with single rows is in `problems`.
    """
    grids, notes = read_grids(Path(path), kind="名册")
    grid, columns = _roster_sheet(grids)
    notes += sheet_note(grid, grids)
    reader = _RowReader(columns, today or date.today(), _title_grade(grid, columns.header_row))
    for r in range(columns.header_row + 1, len(grid.cells)):
        reader.read(grid, r)
    rows, problems = reader.finish()
    if columns.header_row > 0:
        notes.append(f"表头在第 {columns.header_row + 1} 行，上面的标题行没有读取。")
    notes += columns.notes + reader.notes()
    return RosterFile(rows=rows, problems=problems,
                      column_map={f: columns.headers[c] for f, c in columns.index.items()},
                      ignored_columns=list(columns.ignored), notes=notes)


def _roster_sheet(grids: list[Grid]) -> tuple[Grid, Columns]:
    """The first worksheet with a roster header: a workbook may open on a 说明 sheet."""
    refusals = []
    for grid in grids:
        try:
            return grid, find_columns(grid)
        except BadInputError as err:
            refusals.append(err)
    raise refusals[0]


_TITLE_GRADE = re.compile(r"(?:小学|初中|高中)?[一二三四五六七八九十]{1,2}年级|[初高][一二三]")


def _title_grade(grid: Grid, header_row: int) -> int | None:
    """"XX中学七年级学生名册" above the header: the grade for classes written "3班"."""
    found = {parse_grade(m[0]) for r in range(header_row) for cell in grid.cells[r]
             for m in _TITLE_GRADE.finditer(normalize_text(cell))}
    found.discard(None)
    return found.pop() if len(found) == 1 else None


_STAGE_RELATIVE = re.compile(r"[1-3](?:[0-9]{2}|[-._/][0-9]{1,2})")
_AMBIGUOUS_MONTH = re.compile(r"[0-9]{4}\.1")


@dataclass
class _Candidate:
    row_number: int
    student_no: str
    row: RosterRow | None
    cells: tuple[str, ...]  # the mapped cells as text, to tell a pasted-twice row


class _RowReader:
    """Reads rows one by one, then settles duplicates once the whole file is known."""

    def __init__(self, columns: Columns, today: date, title_grade: int | None) -> None:
        self.columns = columns
        self.today = today
        self.title_grade = title_grade
        self.header_keys = {c: header_key(columns.headers[c]) for c in columns.index.values()}
        self.candidates: list[_Candidate] = []
        self.problems: list[RowProblem] = []
        self.repeated_headers: list[int] = []
        self.not_students: list[int] = []
        self.month_only = 0
        self.date_classes = 0
        self.title_grade_used = 0

    def read(self, grid: Grid, r: int) -> None:
        cells = {f: grid.cell(r, c) for f, c in self.columns.index.items()}
        texts = {f: normalize_text(v) for f, v in cells.items()}
        for f in OPTIONAL:
            if f in texts and texts[f].lower() in _PLACEHOLDERS:
                texts[f], cells[f] = "", None
        row_number = r + 1
        if not any(texts.values()):
            return
        if all(header_key(texts[f]) == self.header_keys[c]
               for f, c in self.columns.index.items()):
            self.repeated_headers.append(row_number)
            return
        filled = [t for t in texts.values() if t]
        if not (texts["student_no"] or texts["name"] or texts["class_number"]) or (
                len(filled) > 1 and len(set(filled)) == 1):  # a banner merged across
            self.not_students.append(row_number)
            return
        found: list[RowProblem] = []

        def problem(name: str, message: str) -> None:
            found.append(RowProblem(row_number, self.columns.header(name), message,
                                    texts.get("student_no", ""), texts.get("name", "")))

        student_no = student_no_cell(cells["student_no"], problem)
        name = person_name(texts["name"], "姓名", "name", problem, required=True)
        gender = parse_gender(texts["gender"])
        if gender is None:
            problem("gender", f"性别「{texts['gender']}」无法识别（应为“男”或“女”）"
                    if texts["gender"] else "性别为空")
        class_cell = cells["class_number"]
        if isinstance(class_cell, date):  # Excel turned "7-3" into 7月3日
            texts["class_number"] = f"{class_cell.month}-{class_cell.day}"
            self.date_classes += 1
        grade_class = self._grade_class(texts.get("grade", ""), texts["class_number"], problem)
        birth = self._birth_date(cells.get("birth_date"), texts.get("birth_date", ""), problem)
        guardian = person_name(texts.get("guardian_name", ""), "家长姓名", "guardian_name", problem)
        phone = phone_cell(cells.get("guardian_phone"), texts.get("guardian_phone", ""), problem)
        row = None
        if not found and student_no and name and gender and grade_class:
            row = RosterRow(row_number, student_no, name, gender, grade_class[0],
                            grade_class[1], birth, guardian or None, phone or None)
        self.problems += found
        if student_no:
            self.candidates.append(_Candidate(row_number, student_no, row,
                                              tuple(texts.values())))

    def _grade_class(self, grade_text: str, class_text: str,
                     problem: Report) -> tuple[int, int] | None:
        """The grade comes from the class text, else the 年级 column, else the title;
        when both the class and the 年级 column state one, they must agree."""
        grade = parse_grade(grade_text) if grade_text else None
        if grade_text and grade is None:
            problem("grade", grade_problem("年级", grade_text))
        if not class_text:
            problem("class_number", "班级为空")
            return None
        parts = class_parts(class_text, grade if grade_text else self.title_grade)
        if parts is None:
            problem("class_number", f"班级「{class_text}」分不清是小学、初中还是高中的年级，"
                    "请加「年级」列或写成“初一(3)班”这样的班级"
                    if _STAGE_RELATIVE.fullmatch(class_text) else
                    f"班级「{class_text}」无法识别（可写作“初一(3)班”“七年级3班”“3班”“703”等）")
            return None
        stated, number = parts
        if stated is not None and not 1 <= stated <= 12:
            problem("class_number", grade_problem("班级", class_text))
        elif grade is not None and stated != grade:
            problem("class_number", f"班级「{class_text}」与年级「{grade_text}」不一致")
        elif stated is None and not grade_text:
            problem("class_number", f"班级「{class_text}」没有写年级，" + (
                "年级也为空" if "grade" in self.columns.index else "文件里也没有「年级」列"))
        if stated is None or not 1 <= stated <= 12 or (grade_text and stated != grade):
            return None
        if not grade_text and (class_parts(class_text) or (None,))[0] is None:
            self.title_grade_used += 1
        return stated, number

    def _birth_date(self, raw: object, text: str, problem: Report) -> date | None:
        if not text:
            return None
        born = parse_date(raw)
        if born is None:
            if isinstance(raw, float) and _AMBIGUOUS_MONTH.fullmatch(text):
                problem("birth_date", f"出生年月「{text}」分不清是 1 月还是 10 月（数字格式去掉了"
                        "末尾的 0）：请写成 2012-01 或 2012-10 这样的文本")
                return None
            born = parse_year_month(raw)
            if born is None:
                problem("birth_date", f"出生日期「{text}」无法识别（可写作 2012-03-05）")
                return None
            self.month_only += 1
        age = self.today.year - born.year - ((self.today.month, self.today.day)
                                             < (born.month, born.day))
        if born > self.today:
            problem("birth_date", f"出生日期 {born:%Y-%m-%d} 晚于今天")
        elif age > MAX_AGE:
            problem("birth_date", f"出生日期 {born:%Y-%m-%d} 表示学生已 {age} 岁，"
                    f"超过 {MAX_AGE} 岁，请核对")
        elif age < MIN_AGE:
            problem("birth_date", f"出生日期 {born:%Y-%m-%d} 表示学生不足 {MIN_AGE} 岁，请核对")
        return born

    def finish(self) -> tuple[list[RosterRow], list[RowProblem]]:
        """Rows without problems, less duplicated 学籍号: both rows of a conflicting pair
        are refused (which one is right cannot be known); a row pasted twice is taken once."""
        by_no: dict[str, list[_Candidate]] = {}
        for candidate in self.candidates:
            by_no.setdefault(candidate.student_no, []).append(candidate)
        refused: set[int] = set()
        header = self.columns.header("student_no")
        for no, group in by_no.items():
            if len(group) == 1:
                continue
            first = group[0]
            if all(c.cells == first.cells for c in group):
                for c in group[1:]:
                    refused.add(c.row_number)
                    self.problems.append(RowProblem(
                        c.row_number, header, f"与第 {first.row_number} 行完全相同（重复录入），"
                        f"只导入第 {first.row_number} 行", no, c.row.name if c.row else ""))
                continue
            for c in group:
                others = "、".join(str(o.row_number) for o in group if o is not c)
                refused.add(c.row_number)
                self.problems.append(RowProblem(c.row_number, header,
                                                f"学籍号「{no}」与第 {others} 行重复", no,
                                                c.row.name if c.row else ""))
        self.problems.sort(key=lambda p: p.row_number)
        rows = [c.row for c in self.candidates
                if c.row is not None and c.row_number not in refused]
        return rows, self.problems

    def notes(self) -> list[str]:
        notes = []
        if self.title_grade is not None and self.title_grade_used:
            notes.append(f"标题写明了{grade_display_name(self.title_grade)}：{self.title_grade_used}"
                         "行的班级没有写年级，按此年级读取。")
        if self.date_classes:
            notes.append(f"{self.date_classes} 行的班级被 Excel 变成了日期（输入“7-3”会变成"
                         "7月3日），已按“年级-班”读取。")
        if self.month_only:
            notes.append(f"{self.month_only} 行的出生日期只写到月份，按当月 1 日记录。")
        if self.repeated_headers:
            notes.append(f"第 {_numbers(self.repeated_headers)} 行重复了表头，已跳过。")
        if self.not_students:
            notes.append(f"第 {_numbers(self.not_students)} 行不是学生记录（没有学籍号、姓名和"
                         "班级，或是跨列合并的标题、合计），已跳过。")
        return notes


def _numbers(row_numbers: list[int], limit: int = 10) -> str:
    shown = "、".join(str(n) for n in row_numbers[:limit])
    return shown + (f" 等 {len(row_numbers)} " if len(row_numbers) > limit else "")


