"""Reading the values school offices type into rosters: text, grades, classes, genders, dates.

Shared by the roster reader, the screening import (matching a sheet's 班级 to the roster)
and every screen that names a class, so a class is spelled and parsed one way throughout.
The parsers return None for what they cannot read and never raise: the callers turn None
into a message that names the row and the cell.

Grades are integers 1–12: 小学 1–6, 初中 7–9 (初一..初三), 高中 10–12 (高一..高三).
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from typing import Literal

from app.instruments.identity import EXACT_NUMBER_LIMIT, HALF_WIDTH

Gender = Literal["M", "F"]

_SPACES = re.compile(r"\s+")
_NEEDS_WORK = re.compile(r"[\s\uff01-\uff5e\u200b-\u200d\u2060\ufeff]")


def normalize_text(value: object) -> str:
    """Cell → comparable text: full-width to half-width, spaces collapsed, ends stripped.

    Whole numbers lose Excel's ".0" (12345.0 → "12345"); None and NaN become "". Large
    numbers keep their float spelling ("1.10105201203051e+17") so callers can tell that
    Excel has dropped digits.
    """
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < EXACT_NUMBER_LIMIT:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    text = value if isinstance(value, str) else str(value)
    if not _NEEDS_WORK.search(text):  # most cells: one scan instead of three passes
        return text
    return _SPACES.sub(" ", text.translate(HALF_WIDTH)).strip()


_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_NAME = re.compile(rf"[{_CJK}·\s]+")
_NAME_DOTS = re.compile(rf"(?<=[{_CJK}])\s*[.•・‧∙]\s*(?=[{_CJK}])")


def normalize_name(value: object) -> str:
    """A person's name as the roster should keep it.

    Spaces inside a Chinese name are typing noise ("张 三" → "张三"); the dot in a minority
    name is written many ways and kept as "·". Latin names keep their single spaces.
    """
    text = _NAME_DOTS.sub("·", normalize_text(value))
    if _CJK_NAME.fullmatch(text):
        return text.replace(" ", "")
    return text


_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_DIGITS = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() also takes "¹" and "٣"
_NUMBER = r"[0-9]{1,2}|[一二两三四五六七八九十]{1,3}"


def _small_number(text: str) -> int | None:
    """ "7", "07", "七", "十二", "二十三" → int; anything else → None."""
    if _DIGITS.fullmatch(text):
        return int(text)
    if "十" not in text:
        return _CN_DIGITS.get(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if (tens and tens not in _CN_DIGITS) or (ones and ones not in _CN_DIGITS) or len(ones) > 1:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


_GRADE = re.compile(rf"(?P<stage>小学|初中|高中|初|高)?(?P<n>{_NUMBER})(?:年级|年)?")
_STAGES = {"小学": (0, 6), "初中": (6, 3), "初": (6, 3), "高中": (9, 3), "高": (9, 3)}
ENTRY_YEAR = re.compile(r"[初高]?[0-9]{4}[级届]")  # "2026级": an entry year, not a grade


def grade_number(text: object) -> int | None:
    """The grade a text names, without the 1–12 range check ("13" → 13, "初一" → 7).

    For callers that want to say "out of range" rather than "unreadable"; most want
    parse_grade.
    """
    match = _GRADE.fullmatch(normalize_text(text).replace(" ", ""))
    if match is None:
        return None
    number = _small_number(match["n"])
    if number is None:
        return None
    stage = match["stage"]
    if stage is None:
        return number
    offset, years = _STAGES[stage]
    return offset + number if 1 <= number <= years else None


def parse_grade(text: object) -> int | None:
    """七年级 / 初一 / 7 / 初中一年级 / 高一 / 高中一年级 / 一年级 → 1–12, else None."""
    grade = grade_number(text)
    return grade if grade is not None and 1 <= grade <= 12 else None


_CLASS_TAIL = re.compile(rf"[-._·/]?\(?(?P<n>{_NUMBER})\)?班?")
_CLASS_CODE = re.compile(r"(?P<g>[0-9]{1,2})[-._/](?P<n>[0-9]{1,2})")


def class_parts(text: object, grade_hint: int | None = None) -> tuple[int | None, int] | None:
    """Like parse_class, but the grade is not range-checked (so "1303" gives (13, 3))."""
    t = normalize_text(text).replace(" ", "")
    if _DIGITS.fullmatch(t):
        if len(t) <= 2:
            return _with_number(grade_hint, int(t))
        if len(t) in (3, 4):
            return _coded(int(t[:-2]), int(t[-2:]), grade_hint)
        return None
    code = _CLASS_CODE.fullmatch(t)
    if code:
        return _coded(int(code["g"]), int(code["n"]), grade_hint)
    for split in range(len(t)):
        tail = _CLASS_TAIL.fullmatch(t, split)
        if tail is None:
            continue
        head = t[:split]
        number = _small_number(tail["n"])
        if number is None:
            continue
        if not head or ENTRY_YEAR.fullmatch(head):
            return _with_number(grade_hint, number)
        stated = grade_number(head)
        if stated is not None:
            relative = _GRADE.fullmatch(head)
            if relative is not None and relative["stage"] is None:
                stated = _relative_grade(stated, grade_hint)
            return _with_number(stated, number)
    return None


def parse_class(text: object, grade_hint: int | None = None) -> tuple[int | None, int] | None:
    """A class cell → (grade or None, class number 1–99), or None when unreadable.

    Reads "3班", "(3)班", "（3）班", "初一(3)班", "七年级3班", "七(3)班", "高二5班",
    "三年级2班", "7.3", "703", "1203", "2026级3班". The grade is the one the text states,
    else `grade_hint` (from a 年级 column), which also settles codes written relative to
    the stage ("103" or "1(3)班" in a 初一 row is 初一(3)班). A caller that has a 年级
    column compares the result with it to catch contradictions. Bare 3-digit codes
    "103".."303" without a hint are refused: they could be primary, junior or senior.
    """
    parts = class_parts(text, grade_hint)
    if parts is None or (parts[0] is not None and not 1 <= parts[0] <= 12):
        return None
    return parts


def _with_number(grade: int | None, number: int) -> tuple[int | None, int] | None:
    return (grade, number) if 1 <= number <= 99 else None


def _coded(prefix: int, number: int, hint: int | None) -> tuple[int | None, int] | None:
    """A "grade + two-digit class" code: absolute (703 = 七年级3班) or, within a stage,
    relative (103 = 初一3班 in a junior school), which only the hint can tell apart."""
    if hint is None and 1 <= prefix <= 3:
        return None
    return _with_number(_relative_grade(prefix, hint), number)


def _relative_grade(stated: int, hint: int | None) -> int:
    """"1" in a 初一 or 高一 row means that stage's first year, not 一年级."""
    if hint is not None and 1 <= stated <= 3 and stated in (hint - 6, hint - 9):
        return hint
    return stated


_GRADE_NAMES = ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级",
                "初一", "初二", "初三", "高一", "高二", "高三")


def grade_display_name(grade: int) -> str:
    """1 → "一年级", 7 → "初一", 10 → "高一"; the names teachers use."""
    return _GRADE_NAMES[grade - 1] if 1 <= grade <= 12 else f"{grade}年级"


def class_display_name(grade: int, number: int) -> str:
    """(7, 3) → "初一(3)班", (3, 2) → "三年级(2)班", (11, 5) → "高二(5)班"."""
    return f"{grade_display_name(grade)}({number})班"


_MALE = {"男", "男性", "男生", "男孩", "m", "male", "1"}
_FEMALE = {"女", "女性", "女生", "女孩", "f", "female", "2"}


def parse_gender(value: object) -> Gender | None:
    """男/女/M/F/1/2 (1 = 男, 2 = 女, as 学籍 systems code them) → "M"/"F", else None."""
    text = normalize_text(value).replace(" ", "").lower()
    if text in _MALE:
        return "M"
    if text in _FEMALE:
        return "F"
    return None


EXCEL_EPOCH = date(1899, 12, 30)
_YMD = re.compile(r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})[日号]?")
_YM = re.compile(r"([0-9]{4})(?:[-/.年]([0-9]{1,2})月?|([0-9]{2}))")
_TIME_TAIL = re.compile(r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?")


def parse_date(value: object) -> date | None:
    """A full date from a cell, else None.

    Reads date and datetime cells, Excel serial numbers (41000), 8-digit numbers
    (20120305) and the texts "2012-03-05", "2012/3/5", "2012年3月5日", "2012.3.5",
    "20120305", also with a time after them as CSV exports write. Day-first and
    two-digit-year spellings are refused: "03/05/12" could be any of three dates.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool | time | timedelta) or value is None:
        return None
    if isinstance(value, int | float):
        return _date_from_number(float(value))
    text = normalize_text(value).replace(" 00:00:00", "")
    match = _YMD.match(text)
    if match and _TIME_TAIL.fullmatch(text, match.end()):
        return _make_date(int(match[1]), int(match[2]), int(match[3]))
    if re.fullmatch(r"[0-9]{8}|[0-9]{5}(?:\.[0-9]+)?", text):
        return _date_from_number(float(text))
    return None


def parse_year_month(value: object) -> date | None:
    """A 出生年月 written without the day ("2012-03", "2012年3月", "201203") → the 1st."""
    text = normalize_text(value)
    match = _YM.fullmatch(text)
    if match is None:
        return None
    return _make_date(int(match[1]), int(match[2] or match[3]), 1)


def _date_from_number(number: float) -> date | None:
    if not math.isfinite(number):
        return None
    if number.is_integer() and 19000101 <= number <= 21001231:
        whole = int(number)
        return _make_date(whole // 10000, whole // 100 % 100, whole % 100)
    if 10000 <= number < 100000:
        return EXCEL_EPOCH + timedelta(days=int(number))
    return None


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
