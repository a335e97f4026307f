"""What the renderers are given: plain frozen rows, built by app/services/reports/.

A renderer (`render_*(data, …) -> bytes`) lays out what it is handed and asks nothing:
no session, no permission, no deployment, no file. So these types live here, beside
the renderers, and import neither reportlab nor anything of the services — a service
builds them at the top of its module without paying for reportlab, and the renderers
stay testable with hand-made rows. Numbers that a copy leaving the school hides are
already text here ("<5", "*"): the suppression is the services' decision, not layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from app.instruments import Instrument

SECRET, INTERNAL, UNMARKED = "机密", "内部", ""
"""Confidentiality levels a report's header prints (layout.LEVELS has their foot notes):
机密 for named documents kept by staff, 内部 for group reports without names, none for
what goes home to a family. Each kind's level is set in services.reports.kinds.REPORTS."""

Rows = tuple[tuple[str, ...], ...]
"""A table as it is printed, header row first."""


@dataclass(frozen=True)
class PrintContext:
    """What every report says about itself: which school, who printed it, when, and the
    school key's fingerprint — so a page found on a desk can be traced to its printing
    in the audit log, and a page claiming to come from the school can be checked against
    the fingerprint the district registered."""

    school_name: str
    printed_by: str
    printed_at: datetime
    key_fingerprint: str | None

    @property
    def stamp(self) -> str:
        key = f"　学校密钥指纹 {self.key_fingerprint}" if self.key_fingerprint else ""
        return (f"打印：{self.printed_by}　{self.printed_at:%Y-%m-%d %H:%M}{key}")


# --- 团体报告 -----------------------------------------------------------------------

@dataclass(frozen=True)
class Bars:
    """A bar chart: one bar per label for each series, in the order drawn (this campaign
    first, the previous one second); None is a hidden or empty share."""

    labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]


@dataclass(frozen=True)
class BandShare:
    label: str
    warning: str
    share: float | None
    """Of the scale's scored sheets; None where the count is hidden."""


@dataclass(frozen=True)
class UnitShares:
    """One scale's bands for all students, a bar of the overview chart; `counted` is
    False when its scored total is hidden or zero (the bar is left empty)."""

    name: str
    bands: tuple[BandShare, ...]
    counted: bool


@dataclass(frozen=True)
class GroupReport:
    """A campaign's group report for one scope, every count already shown as printed."""

    scope_label: str
    about: Rows
    participation: Rows
    completion: Bars | None
    overview: tuple[UnitShares, ...]
    units: tuple[tuple[str, Rows], ...]
    levels: Rows
    flagged: tuple[tuple[str, Bars], ...]
    """(按班级 / 按年级, each group's share of flagged sheets)."""
    previous: str | None
    """The previous campaign of the same instrument as its name and start, or None."""
    change: Rows
    change_bars: Bars | None
    cells_note: str
    """How small cells are treated: the legend of a copy leaving the school, or that the
    school's own copy shows real counts."""


# --- 个人报告 -----------------------------------------------------------------------

@dataclass(frozen=True)
class Sheet:
    """One student's stored result with what the page header needs."""

    student_id: int
    student_no: str
    name: str
    gender: str
    class_name: str
    taken_at: datetime | None
    source: str
    valid: bool
    validity_note: str
    record: dict
    answers: list[float | None]


@dataclass(frozen=True)
class IndividualReports:
    campaign_name: str
    instrument: Instrument
    sheets: tuple[Sheet, ...]


# --- 转介文书 -----------------------------------------------------------------------

@dataclass(frozen=True)
class LetterStudent:
    name: str
    gender: str
    birth_date: date | None
    student_no: str
    class_name: str
    level_code: str
    guardians: tuple[tuple[str, str, str], ...]
    """(name, relation, phone)."""
    measures: str
    """The open plan's measures (学校已采取的措施), "" without a plan."""


@dataclass(frozen=True)
class LetterStep:
    """What one referral step recorded, as the letters print it (which step's marks a
    letter shows is the step's row in services.referral.steps.STEP_TABLE)."""

    step: str
    done: bool
    note: str
    certificate_seen: bool
    meeting_on: date | None
    arrangements: str
    outcome: str
    """The 就诊反馈 outcome's wording (住院 …), not its code."""
    diagnosis: str


@dataclass(frozen=True)
class LetterReferral:
    id: int
    opened_on: date
    indications: tuple[tuple[str, str], ...]
    recommendation: str
    reasons: tuple[str, ...]
    hospital: str
    steps: tuple[LetterStep, ...]


@dataclass(frozen=True)
class LetterContext:
    school_name: str
    student: LetterStudent
    referral: LetterReferral | None
    today: date
    counselor: str
    """The counselling teacher to contact: the referral's, else the one printing."""
    counselor_phone: str = ""
    actions: tuple[str, ...] = ()
    """What the school has done, dated, oldest first ("11月3日 危机评估" …): the referral's
    steps and the file's records since shortly before it."""
    hotlines: tuple[str, ...] = ()
    """Help lines for the family (deploy.toml [letters].hotlines)."""


# --- 区级报送摘要 -------------------------------------------------------------------

Value = str | int | float | date | None


class SummaryTable(Protocol):
    """One table of a district export as the summary PDF prints it (the services'
    `district.tables.ExportTable` is one): `keys` are the columns' machine names (codes
    are left out of the PDF), `columns` their headings."""

    @property
    def code(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def keys(self) -> tuple[str, ...]: ...
    @property
    def columns(self) -> tuple[str, ...]: ...
    @property
    def rows(self) -> tuple[tuple[Value, ...], ...]: ...
    @property
    def note(self) -> str: ...


# --- 一生一策档案（打印） -------------------------------------------------------------

@dataclass(frozen=True)
class FileSection:
    """One part of a printed file: a table with its header, or `empty` when it has none."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    """Each column's share of the page width (they add up to 1)."""
    empty: str = "无"


@dataclass(frozen=True)
class PrintedFile:
    school_name: str
    student_line: str
    """"李明轩　男　初一(3)班　学籍号 G1　在读"."""
    printed_line: str
    """When and by whom, and whether confidential content is included."""
    sections: tuple[FileSection, ...]
