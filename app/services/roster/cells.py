"""Checking single roster cells: 学籍号, names, phones, and the wording of grade problems.

Each checker returns the value to keep, or "" after reporting through `problem` why the
cell cannot be kept, so one row can collect all its problems before it is refused.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from app.instruments.identity import EXACT_NUMBER_LIMIT, read_id
from app.services.roster.normalize import (
    ENTRY_YEAR,
    grade_number,
    normalize_name,
)

Report = Callable[[str, str], None]  # (field, message): one problem in the current row

MAX_NAME = 30
MAX_STUDENT_NO = 40
MAX_PHONE = 40
_SCIENTIFIC = re.compile(r"[0-9](?:\.[0-9]+)?E[+-]?[0-9]+")
_STUDENT_NO = re.compile(r"[0-9A-Z][0-9A-Z_-]*")
_LOST_DIGITS = "是科学计数法，后几位数字已经丢失：请把该列设为「文本」格式，重新填写后再导入"


def grade_problem(label: str, text: str) -> str:
    """Why a 年级 (or the grade in a 班级) is not 1–12: out of range, an entry year such
    as "2026级" (which needs the school year to mean anything), or unreadable."""
    if label == "班级" or grade_number(text) is not None:
        return (f"{label}「{text}」{'中的年级' if label == '班级' else ''}超出范围（应为 1–12："
                "小学为 1–6，初一至初三为 7–9，高一至高三为 10–12）")
    if ENTRY_YEAR.fullmatch(text.replace(" ", "")):
        return f"年级「{text}」是入学年份，换算不出现在的年级：请写成“初一”“七年级”这样的年级"
    return f"年级「{text}」无法识别（可写作“七年级”“初一”“高一”“7”等）"


def student_no_cell(raw: object, problem: Report) -> str:
    """The 学籍号 every import matches on, read by the one ID reader (identity.read_id):
    damage is refused, never repaired. The roster keeps IDs upper-case, so "g2026…" and
    "G2026…" are one student."""
    read = read_id(raw)
    if read.problem:
        problem("student_no", read.problem)
        return ""
    text = read.text.upper()
    if not text:
        problem("student_no", "没有学籍号")
        return ""
    if len(text) > MAX_STUDENT_NO:
        problem("student_no", f"学籍号过长（{len(text)} 位，最多 {MAX_STUDENT_NO} 位）")
        return ""
    if not _STUDENT_NO.fullmatch(text):
        problem("student_no", f"学籍号「{text}」含有不能用于编号的字符（只能是字母、数字和“-”）")
        return ""
    return text


def person_name(text: str, label: str, name: str, problem: Report, required: bool = False) -> str:
    """A student's or guardian's name; a cell with no letter in it ("123", "---") is a
    slip of the column, not a name."""
    value = normalize_name(text)
    if not value:
        if required:
            problem(name, f"{label}为空")
        return ""
    if len(value) > MAX_NAME:
        problem(name, f"{label}过长（{len(value)} 个字，最多 {MAX_NAME} 个字）")
        return ""
    if not any(ch.isalpha() for ch in value):
        problem(name, f"{label}「{value}」不像是人名")
        return ""
    return value


def phone_cell(raw: object, text: str, problem: Report) -> str:
    """A phone number kept as typed (it may hold two numbers or an extension), unless
    Excel has turned it into scientific notation."""
    value = text.replace(" ", "")
    if _SCIENTIFIC.fullmatch(value.upper()) or lost_digits(raw):
        problem("guardian_phone", f"电话「{value}」{_LOST_DIGITS}")
        return ""
    if len(value) > MAX_PHONE:
        problem("guardian_phone", f"电话过长（{len(value)} 个字符，最多 {MAX_PHONE} 个）")
        return ""
    return value


def lost_digits(raw: object) -> bool:
    """A number cell too long for Excel's 15 significant digits: the tail is gone."""
    return (isinstance(raw, int | float) and not isinstance(raw, bool)
            and math.isfinite(raw) and abs(raw) >= EXACT_NUMBER_LIMIT)
