"""A campaign's results counted for a group: the class, grade and school reports and the
district export all read these numbers, so they agree with each other.

Counts only — no student appears in them. They are exact here; small cells are hidden
where they are printed or exported (statistics/suppression.py), because the same count may be safe
in one layout and identifying in another.

Groups follow the students' *current* class, as every list in the app does: a class
report compares this campaign with the previous one of the same instrument for the same
students (a cohort), not for whoever sat in that room a year ago. The school report
counts everyone in the campaign, including students who have since left.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.errors import BadInputError
from app.instruments import Instrument, load_instrument
from app.instruments.warning import WARNING_LABELS
from app.models import Campaign, Participation, SchoolClass, ScreeningResult, Student
from app.services.roster.normalize import (
    class_display_name,
    grade_display_name,
    parse_class,
    parse_grade,
)
from app.services.warning.levels import NONE, current_levels

GENDER_ROWS = (("M", "男"), ("F", "女"))


@dataclass(frozen=True)
class Scope:
    kind: str  # "school", "grade" or "class"
    label: str
    grade: int | None = None
    class_id: int | None = None

    @property
    def code(self) -> str:
        return {"school": "school", "grade": f"grade:{self.grade}",
                "class": f"class:{self.class_id}"}[self.kind]


SCHOOL = Scope("school", "全校")


def parse_scope(session: Session, text: str) -> Scope:
    """A scope as a teacher writes it — "全校", "初一" / "七年级" / "高一" / "一年级",
    "初一(3)班" / "七年级3班" — or in the older coded forms, which keep working:
    "school", "grade:7", "class:12" (a class id) or "class:7-3" (grade 7, class 3)."""
    written = text.strip()
    kind, _, value = written.partition(":")
    if written in ("school", "全校"):
        return SCHOOL
    if kind == "grade" and value.isdigit():
        return _grade_scope(int(value))
    if kind == "class" and value:
        query = select(SchoolClass).where(SchoolClass.archived_year == 0)
        if value.isdigit():
            query = select(SchoolClass).where(SchoolClass.id == int(value))
        elif "-" in value and all(p.isdigit() for p in value.split("-", 1)):
            grade, number = (int(p) for p in value.split("-", 1))
            query = query.where(SchoolClass.grade == grade, SchoolClass.number == number)
        else:
            query = None
        return _class_scope(session, query, value)
    grade = parse_grade(written) if "班" not in written else None
    if grade is not None:
        return _grade_scope(grade)
    parts = parse_class(written) if not written.isdigit() else None
    if parts is not None and parts[0] is not None:
        return _class_scope(session, select(SchoolClass).where(
            SchoolClass.archived_year == 0, SchoolClass.grade == parts[0],
            SchoolClass.number == parts[1]), written)
    raise BadInputError(f"范围“{text}”无法识别：请写 全校、年级（如 初一、七年级、高一）或班级"
                        "（如 初一(3)班），也可用 school、grade:7、class:7-3。")


def _grade_scope(grade: int) -> Scope:
    return Scope("grade", f"{grade_display_name(grade)}年级" if grade > 6
                 else grade_display_name(grade), grade=grade)


def _class_scope(session: Session, query: Select | None, written: str) -> Scope:
    found = session.scalar(query) if query is not None else None
    if found is None:
        raise BadInputError(f"找不到班级 {written}（已毕业的班级不能选）。")
    return Scope("class", class_display_name(found.grade, found.number),
                 class_id=found.id, grade=found.grade)


@dataclass(frozen=True)
class Attendance:
    """应测 (due) and 完成 (done, among the due), and who does not count: 请假, 免测, 已排除."""

    due: int = 0
    done: int = 0
    leave: int = 0
    exempt: int = 0
    excluded: int = 0

    @property
    def listed(self) -> int:
        return self.due + self.leave + self.exempt + self.excluded

    def __add__(self, other: Attendance) -> Attendance:
        return Attendance(self.due + other.due, self.done + other.done,
                          self.leave + other.leave, self.exempt + other.exempt,
                          self.excluded + other.excluded)


@dataclass(frozen=True)
class GroupBands:
    """One row of a unit's table: a group (all, a gender, a grade) counted into bands."""

    kind: str  # "all", "gender" or "grade"
    value: str  # "", "M"/"F", or the grade number
    label: str
    counts: tuple[int, ...]
    unscored: int
    mean: float | None

    @property
    def scored(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class BandInfo:
    code: str
    label: str
    warning: str


@dataclass(frozen=True)
class UnitStats:
    code: str
    name: str
    bands: tuple[BandInfo, ...]
    groups: tuple[GroupBands, ...]

    @property
    def everyone(self) -> GroupBands:
        return self.groups[0]

    def concern(self, group: GroupBands | None = None) -> int:
        """Students in a band whose suggested warning is above none ("需关注")."""
        group = group or self.everyone
        return sum(n for n, b in zip(group.counts, self.bands, strict=True) if b.warning != NONE)


@dataclass(frozen=True)
class CampaignInfo:
    id: int
    name: str
    instrument_code: str
    instrument_label: str
    school_year: int
    term: int
    starts_on: date | None
    ends_on: date | None


@dataclass(frozen=True)
class CampaignStats:
    campaign: CampaignInfo
    scope: Scope
    attendance: Attendance
    by_class: tuple[tuple[str, Attendance], ...]
    by_grade: tuple[tuple[str, Attendance], ...]
    results: int
    invalid: int
    units: tuple[UnitStats, ...]
    suggested: dict[str, int]
    """Levels the rules suggested from this campaign's sheets (every level code present)."""
    decided: dict[str, int]
    """Levels teachers have decided, now, for the students listed in the campaign."""
    grades: tuple[int, ...]
    previous: CampaignStats | None = None
    flagged_by_class: tuple[Flagged, ...] = ()
    """Per class (a school or grade scope), then per grade (a school scope): how many
    sheets the rules flagged (any suggested level above 无) of how many."""
    flagged_by_grade: tuple[Flagged, ...] = ()


@dataclass(frozen=True)
class Flagged:
    label: str
    flagged: int
    sheets: int

    @property
    def share(self) -> float:
        return 100 * self.flagged / self.sheets if self.sheets else 0.0


def instrument_for(code: str) -> Instrument:
    """load_instrument caches each definition until the school's instruments folder
    changes: 3,000 individual reports do not parse TOML 3,000 times."""
    return load_instrument(code)


def campaign_info(session: Session, campaign_id: int) -> CampaignInfo:
    c = session.get(Campaign, campaign_id)
    if c is None:
        raise BadInputError("找不到该测评批次。")
    return CampaignInfo(c.id, c.name, c.instrument_code, instrument_for(c.instrument_code).label,
                        c.school_year, c.term, c.starts_on, c.ends_on)


def previous_campaign(session: Session, info: CampaignInfo) -> int | None:
    """The latest earlier campaign of the same instrument (by school year, term, start)."""
    rows = session.execute(select(Campaign.id, Campaign.school_year, Campaign.term,
                                  Campaign.starts_on)
                           .where(Campaign.instrument_code == info.instrument_code)).all()

    def order(r) -> tuple:  # type: ignore[no-untyped-def]
        return (r[1], r[2], r[3] or date.min, r[0])

    mine = next(order(r) for r in rows if r[0] == info.id)
    earlier = [r for r in rows if order(r) < mine]
    return max(earlier, key=order)[0] if earlier else None


def in_scope(query: Select, scope: Scope) -> Select:
    """Narrow a query joined to SchoolClass to a scope's current classes; the group and
    individual reports share it so both count the same students."""
    if scope.kind == "grade":
        return query.where(SchoolClass.grade == scope.grade, SchoolClass.archived_year == 0)
    if scope.kind == "class":
        return query.where(SchoolClass.id == scope.class_id)
    return query


def campaign_stats(session: Session, campaign_id: int, scope: Scope = SCHOOL,
                   with_previous: bool = True) -> CampaignStats:
    info = campaign_info(session, campaign_id)
    attend_rows = session.execute(in_scope(
        select(Participation.student_id, Participation.status, SchoolClass.grade,
               SchoolClass.number, ScreeningResult.id)
        .join(Student, Student.id == Participation.student_id)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .outerjoin(ScreeningResult, (ScreeningResult.student_id == Participation.student_id)
                   & (ScreeningResult.campaign_id == campaign_id))
        .where(Participation.campaign_id == campaign_id), scope)).all()
    people = [(sid, status, grade, number, status == "due" and result_id is not None)
              for sid, status, grade, number, result_id in attend_rows]
    result_rows = session.execute(in_scope(
        select(ScreeningResult.scores, ScreeningResult.valid, ScreeningResult.suggested_level,
               Student.gender, SchoolClass.grade, SchoolClass.number)
        .join(Student, Student.id == ScreeningResult.student_id)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(ScreeningResult.campaign_id == campaign_id), scope)).all()
    sheets = [(json.loads(scores), valid, level, gender, grade, number)
              for scores, valid, level, gender, grade, number in result_rows]
    stats = replace(
        counted_stats(session, info, scope, people, sheets, sum(1 for s in sheets if not s[1])),
        flagged_by_class=_flagged(sheets, lambda s: (s[4], s[5]),
                                  lambda k: class_display_name(*k))
        if scope.kind != "class" else (),
        flagged_by_grade=_flagged(sheets, lambda s: s[4], grade_display_name)
        if scope.kind == "school" else ())
    if with_previous:
        prev_id = previous_campaign(session, info)
        if prev_id is not None:
            prev = campaign_stats(session, prev_id, scope, with_previous=False)
            return replace(stats, previous=prev)
    return stats



Person = tuple[int, str, int, int, bool]
"""(student id, status, grade, class number, done) — one listed student."""


def counted_stats(session: Session, info: CampaignInfo, scope: Scope, people: list[Person],
                  sheets: list[tuple], invalid: int) -> CampaignStats:
    """Count listed students and their sheets ((scores, valid, suggested level, gender,
    grade)) into a CampaignStats. A campaign counts its own listing and sheets; a term
    (statistics/term.py) first reduces its campaigns to one listing and one sheet per student,
    so both are counted by this one function.

    The grouping is pandas' (class × status counts, value counts, one long table of
    sheet × scale grouped by everyone, gender and grade), imported here: start-up and the
    screening import never load it (docs/PERFORMANCE.md, "Statistics tables and pandas")."""
    import pandas as pd

    listed = pd.DataFrame(people, columns=["student", "status", "grade", "number", "done"])
    per_class = _attendance_table(listed)
    by_class = tuple((class_display_name(g, n), _attendance(row))
                     for (g, n), row in per_class.iterrows())
    per_grade = per_class.groupby(level="grade").sum()
    attendance = _attendance(per_class.sum())
    instrument = instrument_for(info.instrument_code)
    grades = tuple(sorted({int(s[4]) for s in sheets}))
    levels = current_levels(session)
    decided = listed["student"].map(
        lambda sid: levels[sid].level if sid in levels else NONE).value_counts()
    suggested = pd.Series([s[2] for s in sheets], dtype=object).value_counts()
    return CampaignStats(
        campaign=info, scope=scope, attendance=attendance,
        by_class=by_class if scope.kind != "class" else (),
        by_grade=tuple((grade_display_name(int(g)), _attendance(row))
                       for g, row in per_grade.iterrows()),
        results=len(sheets), invalid=invalid,
        units=_unit_stats(instrument, sheets, grades),
        suggested={code: int(suggested.get(code, 0)) for code in WARNING_LABELS},
        decided={code: int(decided.get(code, 0)) for code in WARNING_LABELS},
        grades=grades)


STATUSES = ("due", "leave", "exempt", "excluded")


def _attendance_table(listed):  # type: ignore[no-untyped-def]
    """Class (grade, number) × status counts, and "done", one row per class in order."""
    table = listed.groupby(["grade", "number", "status"]).size().unstack(fill_value=0)
    table = table.reindex(columns=list(STATUSES), fill_value=0)
    table["done"] = listed.groupby(["grade", "number"])["done"].sum()
    return table


def _scale_table(instrument: Instrument, sheets: list[tuple]):  # type: ignore[no-untyped-def]
    """One row per sheet and banded scale, in the sheets' order scale by scale: the
    scale, its band (None when the sheet has none of the scale's bands: unscored), its
    score, and the sheet's gender and grade."""
    import pandas as pd

    rows = []
    for unit in instrument.units:
        if unit.code not in _banded_units(instrument):
            continue
        known = {b.code for b in unit.bands}
        for scores, _valid, _level, gender, grade, *_ in sheets:
            band = scores.get("bands", {}).get(unit.code)
            score = scores.get("total") if unit.code == "total" else \
                scores.get("scales", {}).get(unit.code)
            rows.append((unit.code, band if band in known else None,
                         float("nan") if score is None else float(score), gender, grade, ""))
    return pd.DataFrame(rows, columns=["unit", "band", "score", "gender", "grade", "all"])


def _flagged(sheets: list[tuple], key, name) -> tuple[Flagged, ...]:  # type: ignore[no-untyped-def]
    """Sheets the rules flagged (suggested level above 无) per group, of all sheets."""
    flagged: Counter = Counter()
    total: Counter = Counter()
    for s in sheets:
        total[key(s)] += 1
        flagged[key(s)] += int(s[2] != NONE)
    return tuple(Flagged(name(k), flagged[k], total[k]) for k in sorted(total))


def _attendance(row) -> Attendance:  # type: ignore[no-untyped-def]
    return Attendance(*(int(row[k]) for k in ("due", "done", "leave", "exempt", "excluded")))


def _banded_units(instrument: Instrument) -> list[str]:
    return [u.code for u in instrument.units if u.bands and u.kind != "validity"]


def _unit_stats(instrument: Instrument, sheets: list[tuple],
                grades: tuple[int, ...]) -> tuple[UnitStats, ...]:
    """Each banded scale's table: everyone, each gender and each grade counted into its
    bands (an empty band counts 0), the sheets without a band of it (unscored), and the
    mean score of the sheets with a score — three groupbys of the long table, one per
    kind of group."""
    table = _scale_table(instrument, sheets)
    unscored_rows = table[table["band"].isna()]
    scores = table["score"].to_numpy()
    by_kind = {}
    for column in ("all", "gender", "grade"):
        keys = ["unit", column]
        by_kind[column] = (table.groupby([*keys, "band"]).size().to_dict(),
                           unscored_rows.groupby(keys).size().to_dict(),
                           table.groupby(keys).indices)
    out = []
    for code in _banded_units(instrument):
        unit = instrument.unit(code)
        bands = tuple(BandInfo(b.code, b.label, b.warning.value) for b in unit.bands)
        groups = [("all", "", "全体", "all", "")]
        groups += [("gender", g, label, "gender", g) for g, label in GENDER_ROWS]
        groups += [("grade", str(gr), grade_display_name(gr), "grade", gr) for gr in grades]
        rows = []
        for kind, value, label, column, member in groups:
            counts, unscored, positions = by_kind[column]
            at = positions.get((code, member))
            rows.append(GroupBands(
                kind, value, label, tuple(counts.get((code, member, b.code), 0) for b in bands),
                unscored.get((code, member), 0),
                _sequential_mean(scores[at]) if at is not None else None))
        out.append(UnitStats(code, unit.name, bands, tuple(rows)))
    return tuple(out)


def _sequential_mean(values) -> float | None:  # type: ignore[no-untyped-def]
    """The mean summed left to right, in the sheets' order, as every figure printed so far
    was: pandas' own mean compensates its sums (Kahan), which moves the last bits of a
    fractional mean, and a report must print the same number it printed last term.
    numpy's cumsum adds strictly in order. None without a score."""
    present = values[~np.isnan(values)]
    return float(present.cumsum()[-1] / len(present)) if len(present) else None
