"""The helpers other code reuses: text, grades, classes, genders, dates, display names."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services.roster.file import (
    class_display_name,
    grade_display_name,
    normalize_name,
    normalize_text,
    parse_class,
    parse_date,
    parse_gender,
    parse_grade,
)
from app.services.roster.normalize import class_parts, grade_number, parse_year_month


@pytest.mark.parametrize(("value", "expected"), [
    ("  张三  ", "张三"),
    ("１２３４５", "12345"),
    ("Ａｂｃ　ｄ", "Abc d"),
    ("（３）班", "(3)班"),
    ("a \t\n b", "a b"),
    ("\u200b学籍号\ufeff", "学籍号"),
    ("x\u00a0y", "x y"),
    (12345.0, "12345"),
    (12.5, "12.5"),
    (1.10105201203051e17, "1.10105201203051e+17"),
    (7, "7"),
    (None, ""),
    (float("nan"), ""),
    (date(2012, 3, 5), "2012-03-05"),
    (datetime(2012, 3, 5, 8, 30), "2012-03-05 08:30:00"),
])
def test_normalize_text(value: object, expected: str) -> None:
    assert normalize_text(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("张 三", "张三"),
    ("张　三", "张三"),
    (" 欧阳 明月 ", "欧阳明月"),
    ("阿依古丽 . 买买提", "阿依古丽·买买提"),
    ("阿依古丽•买买提", "阿依古丽·买买提"),
    ("阿依古丽 · 买买提", "阿依古丽·买买提"),
    ("John  Smith", "John Smith"),
    ("李 Lily", "李 Lily"),
])
def test_normalize_name(value: str, expected: str) -> None:
    assert normalize_name(value) == expected


@pytest.mark.parametrize(("text", "grade"), [
    ("七年级", 7), ("初一", 7), ("7", 7), ("07", 7), ("初中一年级", 7), ("初一年级", 7),
    ("初1", 7), ("八年级", 8), ("初三", 9), ("九年级", 9), ("高一", 10),
    ("高中一年级", 10), ("高二", 11), ("高三", 12), ("十二年级", 12), ("一年级", 1),
    ("小学六年级", 6), ("六年级", 6), ("７", 7), (" 初 一 ", 7), (7.0, 7), (12, 12),
    ("初四", None), ("高四", None), ("小学七年级", None), ("13", None), ("0", None),
    ("2026级", None), ("初", None), ("", None), ("七年级3班", None), (None, None),
])
def test_parse_grade(text: object, grade: int | None) -> None:
    assert parse_grade(text) == grade


def test_grade_number_is_not_range_checked() -> None:
    assert grade_number("13") == 13
    assert grade_number("十三年级") == 13
    assert grade_number("初四") is None


@pytest.mark.parametrize(("text", "hint", "expected"), [
    ("3班", None, (None, 3)),
    ("3班", 7, (7, 3)),
    ("(3)班", 7, (7, 3)),
    ("（3）班", 8, (8, 3)),
    ("3", 9, (9, 3)),
    ("03", None, (None, 3)),
    ("初一(3)班", None, (7, 3)),
    ("初一（３）班", None, (7, 3)),
    ("七年级3班", None, (7, 3)),
    ("七(3)班", None, (7, 3)),
    ("7(3)班", None, (7, 3)),
    ("高二5班", None, (11, 5)),
    ("三年级2班", None, (3, 2)),
    ("初中一年级3班", None, (7, 3)),
    ("高一十一班", None, (10, 11)),
    ("十二班", 7, (7, 12)),
    ("7.3", None, (7, 3)),
    ("7-3", None, (7, 3)),
    ("10.3", None, (10, 3)),
    ("703", None, (7, 3)),
    ("703", 7, (7, 3)),
    ("703班", None, (7, 3)),
    ("1203", None, (12, 3)),
    ("103", 7, (7, 3)),
    ("103", 10, (10, 3)),
    ("103", 1, (1, 3)),
    ("1(3)班", 10, (10, 3)),
    ("2026级3班", 7, (7, 3)),
    ("高2024级5班", None, (None, 5)),
    ("703", 8, (7, 3)),  # the text's grade wins; the caller reports the contradiction
    ("103", None, None),  # 一年级, 初一 or 高一: only a 年级 column can tell
    ("1.3", None, None),
    ("1303", None, None),
    ("0班", None, None),
    ("100班", None, None),
    ("12345", None, None),
    ("三班级", None, None),
    ("", None, None),
    ("实验班", None, None),
    (703.0, None, (7, 3)),
])
def test_parse_class(text: object, hint: int | None, expected: object) -> None:
    assert parse_class(text, hint) == expected


def test_class_parts_keeps_out_of_range_grades_for_messages() -> None:
    assert class_parts("1303") == (13, 3)
    assert class_parts("13(3)班") == (13, 3)


@pytest.mark.parametrize(("value", "gender"), [
    ("男", "M"), ("女", "F"), ("M", "M"), ("f", "F"), ("1", "M"), ("2", "F"), (1, "M"),
    (2.0, "F"), ("男性", "M"), ("女生", "F"), (" 男 ", "M"), ("Ｍ", "M"), ("male", "M"),
    ("X", None), ("3", None), ("", None), (None, None), ("男女", None),
])
def test_parse_gender(value: object, gender: str | None) -> None:
    assert parse_gender(value) == gender


@pytest.mark.parametrize(("value", "expected"), [
    ("2012-03-05", date(2012, 3, 5)),
    ("2012/3/5", date(2012, 3, 5)),
    ("2012年3月5日", date(2012, 3, 5)),
    ("2012年03月05号", date(2012, 3, 5)),
    ("20120305", date(2012, 3, 5)),
    ("2012.3.5", date(2012, 3, 5)),
    ("２０１２－０３－０５", date(2012, 3, 5)),
    ("2012-03-05 00:00:00", date(2012, 3, 5)),
    ("2012/3/5 8:30", date(2012, 3, 5)),
    ("2012-03-05T08:30:00", date(2012, 3, 5)),
    (date(2012, 3, 5), date(2012, 3, 5)),
    (datetime(2012, 3, 5, 10, 0), date(2012, 3, 5)),
    (41000, date(2012, 4, 1)),
    (41000.75, date(2012, 4, 1)),
    ("41000", date(2012, 4, 1)),
    (20120305, date(2012, 3, 5)),
    (20120305.0, date(2012, 3, 5)),
    ("2012-02-30", None),
    ("2012-13-01", None),
    ("03/05/2012", None),
    ("12-3-5", None),
    ("2012", None),
    ("2012-03", None),
    ("abc", None),
    ("", None),
    (None, None),
    (True, None),
    (time(8, 0), None),
    (timedelta(days=3), None),
    (float("inf"), None),
    (-5, None),
    (123, None),
])
def test_parse_date(value: object, expected: date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("2012-03", date(2012, 3, 1)), ("2012.3", date(2012, 3, 1)), ("2012年3月", date(2012, 3, 1)),
    ("201203", date(2012, 3, 1)), ("2012/03", date(2012, 3, 1)), ("2012-13", None),
    ("2012", None), ("abc", None),
])
def test_parse_year_month(value: str, expected: date | None) -> None:
    assert parse_year_month(value) == expected


@pytest.mark.parametrize(("grade", "name"), [
    (1, "一年级"), (3, "三年级"), (6, "六年级"), (7, "初一"), (8, "初二"), (9, "初三"),
    (10, "高一"), (11, "高二"), (12, "高三"), (13, "13年级"),
])
def test_grade_display_name(grade: int, name: str) -> None:
    assert grade_display_name(grade) == name


@pytest.mark.parametrize(("grade", "number", "name"), [
    (7, 3, "初一(3)班"), (3, 2, "三年级(2)班"), (11, 5, "高二(5)班"), (12, 15, "高三(15)班"),
])
def test_class_display_name(grade: int, number: int, name: str) -> None:
    assert class_display_name(grade, number) == name


@given(st.integers(1, 12), st.integers(1, 99))
def test_display_names_read_back(grade: int, number: int) -> None:
    """What the app writes (in exports, on screens) it can read again."""
    assert parse_class(class_display_name(grade, number)) == (grade, number)
    assert parse_grade(grade_display_name(grade)) == grade


CELLS = st.one_of(
    st.text(),
    st.text(alphabet="¹²٣۴０１", max_size=4),
    st.text(alphabet="0123456789一二三四五六七八九十初高年级班()（）.-/ 　"),
    st.integers(), st.floats(), st.none(), st.booleans(), st.dates(), st.datetimes(),
)


@given(CELLS, st.one_of(st.none(), st.integers(-5, 20)))
def test_parsers_never_raise(value: object, hint: int | None) -> None:
    normalize_text(value)
    normalize_name(value)
    grade = parse_grade(value)
    assert grade is None or 1 <= grade <= 12
    parsed = parse_class(value, hint)
    if parsed is not None:
        assert parsed[0] is None or 1 <= parsed[0] <= 12
        assert 1 <= parsed[1] <= 99
    assert parse_gender(value) in ("M", "F", None)
    assert parse_date(value) is None or isinstance(parse_date(value), date)
