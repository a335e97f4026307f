"""Finding the header row of a roster and which column holds what.

School offices put title rows above the header ("XX中学2026级学生名册", a date, a blank
row) and name columns their own way (学生姓名, 全国学籍号, 班别, 出生年月 …), often with
"*" or "(必填)" on them. The header is the first of the top rows that names every
required column. A 身份证号 column is recognised only to be refused: the app does not
keep identity-card numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.errors import BadInputError
from app.services.roster.normalize import normalize_text
from app.tables import Grid

HEADER_SEARCH_ROWS = 30
REQUIRED = ("student_no", "name", "gender", "class_number")
FIELD_LABELS = {"student_no": "学籍号", "name": "姓名", "gender": "性别", "grade": "年级",
                "class_number": "班级", "birth_date": "出生日期", "guardian_name": "家长姓名",
                "guardian_phone": "家长电话"}

# The first alias of a field wins when a file has several: 学籍号 before 学号, which in
# many schools is only a seat number within the class.
_ALIASES = {
    "student_no": ("学籍号", "全国学籍号", "学生学籍号", "国家学籍号", "学籍号码", "学籍辅号",
                   "学生编号", "学号"),
    "name": ("姓名", "学生姓名", "学生名字", "名字"),
    "gender": ("性别", "学生性别"),
    "grade": ("年级", "所在年级", "年级名称"),
    "class_number": ("班级", "班别", "班", "班级名称", "所在班级", "年级班级", "班号", "行政班"),
    "birth_date": ("出生日期", "出生年月", "生日", "出生年月日", "出生时间"),
    "guardian_name": ("家长姓名", "监护人", "监护人姓名", "家长", "父母姓名", "联系人",
                      "父亲姓名", "母亲姓名", "紧急联系人"),
    "guardian_phone": ("联系电话", "家长电话", "监护人电话", "家长联系电话", "家长手机",
                       "家长手机号", "监护人手机", "监护人联系电话", "联系方式", "电话",
                       "手机", "手机号", "手机号码", "家庭电话", "父亲电话", "母亲电话",
                       "紧急联系人电话"),
}
_FIELD_OF = {alias: f for f, aliases in _ALIASES.items() for alias in aliases}
_RANK = {alias: i for aliases in _ALIASES.values() for i, alias in enumerate(aliases)}
_ID_CARD = re.compile(r"身份证|身份号码|证件号")
_DECORATION = re.compile(r"[*＊:：]|\([^)]*\)|\[[^]]*\]|【[^】]*】|\s")


@dataclass
class Columns:
    """Where the header is and which column index holds each field."""

    header_row: int  # grid index (spreadsheet row - 1)
    index: dict[str, int]
    headers: dict[int, str]  # column index → header text as the file shows it
    ignored: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def header(self, name: str) -> str:
        """The header text of a field's column ("" when the file has none)."""
        return self.headers[self.index[name]] if name in self.index else ""


def header_key(text: object) -> str:
    """"学籍号*", "学籍号（必填）", "学 籍 号" → "学籍号"."""
    return _DECORATION.sub("", normalize_text(text))


def find_columns(grid: Grid) -> Columns:
    """The header row and column map; BadInputError when a required column is missing."""
    best: Columns | None = None
    for r in range(min(HEADER_SEARCH_ROWS, len(grid.cells))):
        columns = _map_row(_labels(grid, r), r)
        if all(f in columns.index for f in REQUIRED):
            return _two_row_header(grid, columns)
        if best is None or len(columns.index) > len(best.index):
            best = columns
    missing = "、".join(f"「{FIELD_LABELS[f]}」" for f in REQUIRED
                       if best is None or f not in best.index)
    found = list(best.headers.values())[:20] if best is not None else []
    where = f"第 {best.header_row + 1} 行" if best is not None and best.index else "表头"
    raise BadInputError(
        f"名册缺少必需的列：{missing}。{where}找到的列："
        + ("、".join(f"「{h}」" for h in found) if found else "（无）")
        + "。请确认表头写有「学籍号」「姓名」「性别」「班级」。")


def _labels(grid: Grid, row: int) -> dict[int, str]:
    """Column index → header text as the teacher sees it (full-width brackets kept), so
    a problem's column can be found by eye."""
    labels = {}
    for c, cell in enumerate(grid.cells[row]):
        text = " ".join(cell.split()) if isinstance(cell, str) else normalize_text(cell)
        if text:
            labels[c] = text
    return labels


def _two_row_header(grid: Grid, columns: Columns) -> Columns:
    """A header over two rows: "家长信息" above "姓名" and "电话", the other headers merged
    down over both rows (or blank in the second). The columns are then named
    "家长信息·姓名", and the data starts below the second row."""
    r = columns.header_row
    if r + 1 >= len(grid.cells):
        return columns
    top, below = _labels(grid, r), _labels(grid, r + 1)
    required = {columns.index[f] for f in REQUIRED}
    if any(below.get(c, top[c]) != top[c] for c in required):
        return columns
    extra = {c: text for c, text in below.items() if c not in required and text != top.get(c)}
    if not extra or any(_classify(text)[0] is None for text in extra.values()):
        return columns  # a row of data, not of column names
    combined = {**top, **{c: f"{top[c]}·{t}" if c in top else t for c, t in extra.items()}}
    return _map_row(dict(sorted(combined.items())), r + 1)


_GUARDIAN_GROUP = re.compile(r"家长|监护人|父|母|联系人|家庭")
_PHONE = re.compile(r"电话|手机|联系方式")


def _classify(text: str) -> tuple[str | None, int]:
    """(field or None, rank of the alias: lower is preferred); "id_card" for a 身份证 column.
    "家长信息·姓名" is the guardian's name, not the student's."""
    key = header_key(text)
    if _ID_CARD.search(key):
        return "id_card", 0
    group, _, child = key.rpartition("·")
    if group and _GUARDIAN_GROUP.search(group):
        if child in ("姓名", "名字"):
            return "guardian_name", len(_ALIASES["guardian_name"])
        if _PHONE.search(child):
            return "guardian_phone", len(_ALIASES["guardian_phone"])
    return _FIELD_OF.get(child), _RANK.get(child, 0)


def _map_row(labels: dict[int, str], row: int) -> Columns:
    columns = Columns(header_row=row, index={}, headers=labels)
    unused = []
    ranks: dict[str, int] = {}
    for c, text in labels.items():
        name, rank = _classify(text)
        if name == "id_card":
            columns.ignored.append(text)
            columns.notes.append(f"「{text}」列没有读取：本软件不保存学生的身份证号。")
        elif name is None:
            columns.ignored.append(text)
            unused.append(text)
        elif name not in columns.index:
            columns.index[name], ranks[name] = c, rank
        else:
            held, dropped = (c, columns.index[name]) if rank < ranks[name] else \
                (columns.index[name], c)
            columns.index[name], ranks[name] = held, min(rank, ranks[name])
            columns.ignored.append(labels[dropped])
            columns.notes.append(f"有多个「{FIELD_LABELS[name]}」列：使用「{labels[held]}」，"
                                 f"「{labels[dropped]}」列没有读取。")
    if unused:
        columns.notes.append(f"以下列没有用到：{'、'.join(unused)}。")
    return columns
