"""What each column of an answers file holds, judged from its header.

Exports seen in schools: 问卷星 (metadata 序号 / 提交答卷时间 / 所用时间 / 来源 / 来源详情 /
来自IP, then one column per question headed "1、题目…", "Q1", "第1题", "1." …), simple
grids (a column per item headed 1..N), and answer strings (one "1011…" per student).
A survey may put its own questions (姓名, 班级 …) before the instrument's items;
`item_offset` says how many, and those columns count as identity columns.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from app.instruments.problems import RowProblem

METADATA = ("序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "总分", "答卷编号",
            "开始答题时间", "结束答题时间", "IP")
DURATION = "所用时间"
START_TIME = "开始答题时间"
SUBMIT_TIME = ("提交答卷时间", "提交时间", "答题时间", "结束答题时间")
DATE_COLUMNS = ("测评日期", "测试日期", "施测日期", "填写日期", "测评时间", "日期")
ANSWER_STRING = ("答案串", "答案", "作答", "答题卡")
IDENTITY = ("学籍号", "学号", "考号", "身份证号", "姓名", "性别", "年级", "班级", "学校",
            "出生日期", "民族")
"""Recognised identity names, also found inside longer headers ("你的学籍号：")."""

_ITEM = re.compile(r"^(?:第\s*(\d+)\s*题|[QqTt]\s*(\d+)|题\s*(\d+)|(\d+))"
                   r"(?=$|[、.:)\]\s_\-—－，,]|题)")


def header_text(cell: object) -> str:
    """A header cell as text: 1.0 (Excel's number) is "1", full-width forms folded."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if cell is None:
        return ""
    return unicodedata.normalize("NFKC", str(cell)).strip()


def item_number(header: str) -> int | None:
    """The question number a header names ("1、…", "Q1", "第1题", "1."), else None."""
    m = _ITEM.match(header)
    if m is None:
        return None
    return int(next(g for g in m.groups() if g is not None))


def question_text(header: str) -> str:
    """The header without its leading question number ("3、你的班级：" → "你的班级")."""
    m = _ITEM.match(header)
    rest = header[m.end():] if m else header
    return rest.lstrip("、.:)]_-—－，, ").rstrip(":：*").strip()


def is_known_header(text: str) -> bool:
    """Whether a lone header cell is a column name rather than a title ("七年级测评")."""
    compact = text.replace(" ", "")
    return compact in ANSWER_STRING or compact in METADATA or compact in IDENTITY


@dataclass
class ColumnPlan:
    """Column indexes by role; `items[k]` is the column of item k + 1 (None if absent)."""

    headers: list[str]
    items: list[int | None]
    identity: dict[str, int] = field(default_factory=dict)
    metadata: dict[str, int] = field(default_factory=dict)
    submit_time: int | None = None
    date_column: int | None = None
    answer_string: int | None = None
    problems: list[RowProblem] = field(default_factory=list)
    inferred: str = ""
    """What was inferred, for the preview (the survey's own questions before item 1)."""

    @property
    def layout(self) -> str:
        if self.answer_string is not None and not any(c is not None for c in self.items):
            return "strings"
        return "wjx" if self.metadata else "grid"


def plan_columns(header: list[object], header_row: int, item_count: int,
                 item_offset: int = 0) -> ColumnPlan:
    """Give every column a role; structural problems (missing, duplicate or extra item
    columns) are fatal, an unrecognised column is kept as other information and noted."""
    headers = [header_text(c) for c in header]
    plan = ColumnPlan(headers=headers, items=[None] * item_count)
    if item_offset == 0:
        item_offset, plan.inferred = infer_offset(headers, item_count)
    extra: list[tuple[str, int]] = []
    for col, text in enumerate(headers):
        if not text:
            continue
        number = item_number(text)
        if number is not None and number > item_offset:
            item = number - item_offset
            if item > item_count:
                extra.append((text, number))
            elif plan.items[item - 1] is not None:
                first = headers[plan.items[item - 1]]
                plan.problems.append(RowProblem(header_row, text,
                                                f"与「{first}」都是第 {item} 题，请删去重复的一列"))
            else:
                plan.items[item - 1] = col
            continue
        name = question_text(text) if number is not None else text
        _place_other(plan, col, name, header_row)
    missing = [k + 1 for k, c in enumerate(plan.items) if c is None]
    if plan.answer_string is not None and len(missing) == item_count:
        return plan
    if extra:
        numbers = sorted(n for _, n in extra)
        plan.problems.append(RowProblem(
            header_row, extra[0][0],
            f"多出 {len(extra)} 个题目列（第 {_ranges(numbers)} 题）：本量表只有 {item_count} 题。"
            "若问卷在量表题之前另有题目，请设置“量表前的题目数”（命令行 --item-offset）；"
            "之后的题目请删去这些列"))
    if missing:
        plan.problems.append(RowProblem(header_row, "",
                                        f"缺少 {len(missing)} 个题目列：第 {_ranges(missing)} 题"))
    return plan


def infer_offset(headers: list[str], item_count: int) -> tuple[int, str]:
    """How many of a 问卷星 survey's own questions come before item 1, and the sentence
    saying so, when that is certain: the file has more numbered questions than the
    instrument has items, the first k of them (numbered 1..k) ask who the student is
    (学籍号, 姓名, 班级 …), and the remaining ones are exactly the items, numbered
    k+1..k+N. Anything else is left to the teacher (0, "")."""
    numbered = [(n, text) for text in headers if text and (n := item_number(text)) is not None]
    k = len(numbered) - item_count
    if k <= 0:
        return 0, ""
    lead, rest = numbered[:k], numbered[k:]
    names = [question_text(text) for _, text in lead]
    if ([n for n, _ in lead] != list(range(1, k + 1))
            or [n for n, _ in rest] != list(range(k + 1, k + item_count + 1))
            or not all(any(key in name for key in IDENTITY) for name in names)):
        return 0, ""
    return k, (f"已自动识别：问卷前 {k} 题（{'、'.join(names)}）是学生信息，量表第 1 题"
               f"从问卷第 {k + 1} 题开始（与“量表第 1 题之前的自设题数”填 {k}、"
               f"命令行 --item-offset {k} 相同）")


def _place_other(plan: ColumnPlan, col: int, name: str, header_row: int) -> None:
    compact = name.replace(" ", "")
    if compact in METADATA or compact.upper() == "IP":
        plan.metadata[compact] = col
        if compact in SUBMIT_TIME and plan.submit_time is None:
            plan.submit_time = col
        return
    if compact in SUBMIT_TIME and plan.submit_time is None:
        plan.submit_time = col
        plan.metadata[compact] = col
        return
    if compact in DATE_COLUMNS and plan.date_column is None:
        plan.date_column = col
        plan.identity[compact] = col
        return
    if compact in ANSWER_STRING and plan.answer_string is None:
        plan.answer_string = col
        return
    canonical = next((k for k in IDENTITY if k in compact), None)
    if canonical is None:
        plan.problems.append(RowProblem(header_row, name, "无法识别的列，已作为其他信息保留",
                                        fatal=False))
    key = canonical or name
    if key in plan.identity:
        key = f"{key}（第{_column_letter(col)}列）"
    plan.identity[key] = col


def _column_letter(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] → "1–3、7": a hundred missing columns fit on one line."""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    return "、".join(parts)
