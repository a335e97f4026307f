"""How a school term is written: one helper for every screen and report.

A term is (school year's first calendar year, 1 or 2). Teachers read
"2026-2027学年第一学期"; files and command lines use the short "2026-2027-1" (the form
the district period already uses).
"""

from __future__ import annotations

from datetime import date

TERM_WORDS: dict[int, str] = {1: "一", 2: "二"}


def term_text(year: int, term: int) -> str:
    """(2026, 1) → "2026-2027学年第一学期"; without a year, just "第一学期"."""
    words = f"第{TERM_WORDS.get(term, str(term))}学期"
    return f"{year}-{year + 1}学年{words}" if year else words


def term_code(year: int, term: int) -> str:
    """(2026, 1) → "2026-2027-1"."""
    return f"{year}-{year + 1}-{term}"


def parse_term_code(code: str) -> tuple[int, int]:
    """"2026-2027-1" → (2026, 1). The caller checks the form (app.seal.manifest.check_period
    for a district period); a malformed code raises ValueError."""
    first, second, term = code.split("-")
    year = int(first)
    if int(second) != year + 1 or term not in ("1", "2"):
        raise ValueError(code)
    return year, int(term)


def period_text(code: str) -> str:
    """"2026-2027-1" → "2026-2027学年第一学期"; anything else as it is (a file from
    elsewhere may name its period oddly, and is shown rather than refused here)."""
    try:
        return term_text(*parse_term_code(code))
    except ValueError:
        return code


def school_year_text(year: int) -> str:
    """2026 → "2026-2027学年"."""
    return f"{year}-{year + 1}学年"


def current_term(today: date) -> tuple[int, int]:
    """(school year start, term), as `term_dates` draws them: the autumn term from August
    to January (January is the autumn term's end: its exams and 寒假 start), the spring
    term February to July."""
    if today.month >= 8:
        return today.year, 1
    return (today.year - 1, 1) if today.month == 1 else (today.year - 1, 2)


def term_dates(year: int, term: int) -> tuple[date, date]:
    """The first and last day of a term, as `current_term` divides the year: the autumn
    term from 1 August to 31 January, the spring term from 1 February to 31 July."""
    if term == 1:
        return date(year, 8, 1), date(year + 1, 1, 31)
    return date(year + 1, 2, 1), date(year + 1, 7, 31)
