"""Every kind of report the program prints, in one list (as casefile.entries.KINDS is
for a file's entries).

The reports page offers the kinds that cover a campaign (`for_campaigns()`) with the
options each declares, the CLI's `report` subcommands are made from the same entries,
the casefile's letter buttons and `casefile letter --kind` take theirs from
`letter_kinds()`, and each service prints with its kind's level. The renderer and the
service are named "module:function" and imported when first used, so that listing the
kinds loads neither reportlab nor the statistics. A new report is a renderer in
app/reports, a service in this package, and one entry below (docs/ARCHITECTURE.md,
"Where to add …").
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.reports.data import INTERNAL, SECRET, UNMARKED

if TYPE_CHECKING:
    from app.services.progress import Progress
    from app.services.reports.output import PrintedReport
    from app.store.handle import Store


@dataclass(frozen=True)
class CampaignPrint:
    """What the reports page and `qingxin report …` ask of a campaign's report."""

    campaign_id: int
    scope: str
    """As the services read it: "school", "grade:7", "class:<id>", or 全校/初一/初一(3)班."""
    out: Path
    min_cell: int | None = None
    """A copy leaving the school hides counts below this (kinds with `hides_small_cells`)."""
    student_ids: tuple[int, ...] | None = None
    """Only these students (kinds whose scopes include "student")."""


def resolve(target: str) -> Any:
    """The function a "module:function" name stands for, importing its module."""
    module, name = target.split(":")
    return getattr(import_module(module), name)


@dataclass(frozen=True)
class ReportKind:
    code: str
    label: str
    level: str
    """The confidentiality stamp its pages carry: 内部 (names no student), 机密, or none
    (what goes home to the family is theirs)."""
    audience: str
    scopes: tuple[str, ...]
    """What one report covers: school, grade, class, student (the named students), term."""
    renderer: str
    """"module:function" of its `render_*` in app/reports."""
    service: str
    """"module:function" of the service that builds its rows and writes it."""
    campaign_printer: str = ""
    """For a campaign's reports, "module:function" taking (store, CampaignPrint,
    progress) -> PrintedReport: what the page and the CLI call."""
    hides_small_cells: bool = False
    """A copy for outside the school can hide small counts (the district's min_cell)."""

    def print_campaign(self, store: Store, request: CampaignPrint,
                       progress: Progress) -> PrintedReport:
        return resolve(self.campaign_printer)(store, request, progress)


_SERVICES = "app.services.reports."
_LETTER = _SERVICES + "letters:print_letter"
_RENDER_LETTER = "app.reports.letters:render_letter"

REPORTS: tuple[ReportKind, ...] = (
    ReportKind("group", "团体报告", INTERNAL,
               "校内：班主任、学校会议；隐去小单元格的版本可给区里、家长会",
               ("school", "grade", "class"), "app.reports.group:render_group",
               _SERVICES + "group:print_group_report", _SERVICES + "group:print_campaign",
               hides_small_cells=True),
    ReportKind("individual", "个人报告", SECRET, "心理教师和需要知道的老师",
               ("school", "grade", "class", "student"),
               "app.reports.individual:render_individual",
               _SERVICES + "individual:print_individual_reports",
               _SERVICES + "individual:print_campaign"),
    ReportKind("notice", "学生心理健康情况告知书", UNMARKED, "学生家长（附回执）", ("student",),
               _RENDER_LETTER, _LETTER),
    ReportKind("referral", "心理危机学生转介单", SECRET, "转介医院", ("student",),
               _RENDER_LETTER, _LETTER),
    ReportKind("return", "学生复学评估表", SECRET, "复学评估会议", ("student",),
               _RENDER_LETTER, _LETTER),
    ReportKind("casefile", "学生心理成长档案（一生一策）", SECRET,
               "心理教师（移交、检查）；班主任打印的是本班学生的摘要", ("student",),
               "app.reports.casefile:render_file", _SERVICES + "casefile:print_file"),
    ReportKind("consent_form", "学生心理健康测评知情同意书", UNMARKED,
               "学生家长（测评前签字交回）", ("class",),
               "app.reports.consent_form:render_consent_forms",
               _SERVICES + "consent_form:print_consent_forms"),
    ReportKind("district_summary", "学期报送统计摘要", INTERNAL, "区教育局（随报送文件密封）",
               ("term",), "app.reports.district_summary:render_summary",
               "app.services.district.export:preview_export"),
)

BY_CODE = {kind.code: kind for kind in REPORTS}


def for_campaigns() -> tuple[ReportKind, ...]:
    """The kinds printed from a campaign's results, in the order the page offers them."""
    return tuple(kind for kind in REPORTS if kind.campaign_printer)


def letter_kinds() -> dict[str, ReportKind]:
    """The referral workflow's letters by code, printed from one student's file."""
    return {kind.code: kind for kind in REPORTS if kind.service == _LETTER}
