"""Printing a campaign's group report (团体报告): the permission, the counts, the file.

The school's own copy shows its real counts: a counsellor planning for 13 crisis
students must see 13. A copy that leaves the school (`min_cell`, the district's policy)
hides small cells as "<5" (and "*" where a total would give them away); the rows handed
to the renderer (app/reports/group.py) are already printed that way. Printing is
audited ("student_print" on the campaign): the numbers come from students' results even
though none is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from app.changes import NOTHING
from app.deployment import load_deployment
from app.errors import BadInputError
from app.instruments.warning import WARNING_LABELS
from app.reports.data import BandShare, Bars, GroupReport, UnitShares
from app.services.capabilities import PRINT_REPORTS, require
from app.services.progress import NO_PROGRESS, Progress
from app.services.reports.kinds import BY_CODE, CampaignPrint
from app.services.reports.output import PrintedReport, write_audited
from app.services.reports.stamp import print_context
from app.services.statistics.campaign import CampaignStats, campaign_stats, parse_scope
from app.services.statistics.suppression import Cell, legend, suppress_row
from app.services.statistics.tables import (
    ATTENDANCE_FIELDS,
    LEVEL_ORDER,
    UnitTable,
    attendance_table,
    change_points,
    count_text,
    level_table,
    unit_table,
)
from app.store.handle import Store
from app.terms import term_text

MAX_BARS = 14
OWN_COPY = 1
"""`min_cell` of the school's own copy: no count is below 1, so nothing is hidden."""


def _participation(stats: CampaignStats, min_cell: int) -> tuple[tuple, Bars | None]:
    table = attendance_table(stats, min_cell)
    fields = ["due", "done", "leave", "exempt", "excluded"]
    head = ("", *(ATTENDANCE_FIELDS[f] for f in fields[:2]), "未完成", "完成率",
            *(ATTENDANCE_FIELDS[f] for f in fields[2:]))
    rows = (head, *((row, *(table.cells[(row, f)].text() for f in fields[:2]),
                     str(table.cells[(row, "due")].value - table.cells[(row, "done")].value),
                     table.rate(row) or "—",
                     *(table.cells[(row, f)].text() for f in fields[2:]))
                    for row in table.rows))
    chart = None
    if len(table.rows) > 2 and any(a.done < a.due for _, a in stats.by_class):
        by = table
        if len(table.rows) > MAX_BARS + 1:  # a school's 30 classes: chart the grades instead
            by = attendance_table(replace(stats, by_class=stats.by_grade), min_cell)
        rates = tuple(_rate(by.cells[(r, "done")], by.cells[(r, "due")]) for r in by.rows[1:])
        chart = Bars(tuple(by.rows[1:]), (("完成率 %", rates),))
    return rows, chart


def _rate(done: Cell, due: Cell) -> float | None:
    if done.hidden or due.hidden or not due.value:
        return None
    return 100 * done.value / due.value


def _shares(t: UnitTable) -> UnitShares:
    total = t.cells[(0, "scored")]
    counted = not total.hidden and bool(total.value)
    bands = []
    for band in t.unit.bands:
        cell = t.band(0, band.code)
        share = cell.value / total.value if counted and not cell.hidden else None
        bands.append(BandShare(band.label, band.warning, share))
    return UnitShares(t.unit.name, tuple(bands), counted)


def _flagged(stats: CampaignStats, min_cell: int) -> tuple[tuple[str, Bars], ...]:
    """Where the flagged sheets are: share of each class's (and grade's) sheets with a
    suggested level above 无. A copy leaving the school leaves out a group whose count
    is small."""
    out = []
    for title, groups in (("按班级", stats.flagged_by_class), ("按年级", stats.flagged_by_grade)):
        if len(groups) < 2 or len(groups) > MAX_BARS * 2:
            continue
        shares = tuple(None if 0 < g.flagged < min_cell else g.share for g in groups)
        out.append((title, Bars(tuple(g.label for g in groups), (("提示比例 %", shares),))))
    return tuple(out)


def _unit_rows(t: UnitTable) -> tuple[tuple[str, ...], ...]:
    rows: list[tuple[str, ...]] = [("", *(b.label for b in t.unit.bands), "需关注", "计分人数",
                                    "平均分")]
    for g, group in enumerate(t.groups):
        total = t.cells[(g, "scored")]
        rows.append((group.label, *(count_text(t.band(g, b.code), total) for b in t.unit.bands),
                     count_text(t.cells[(g, "concern")], total), total.text(), t.mean(g)))
    return tuple(rows)


def _levels(stats: CampaignStats, min_cell: int) -> tuple[tuple[str, ...], ...]:
    table = level_table(stats, min_cell)
    return (("", *(WARNING_LABELS[c] for c in LEVEL_ORDER), "合计"),
            ("本次筛查建议", *(count_text(table.suggested[c], table.suggested_total)
                            for c in LEVEL_ORDER), table.suggested_total.text()),
            ("当前确定等级", *(count_text(table.decided[c], table.decided_total)
                            for c in LEVEL_ORDER), table.decided_total.text()))


def _change(stats: CampaignStats, tables: Sequence[UnitTable], min_cell: int
            ) -> tuple[str | None, tuple, Bars | None]:
    prev = stats.previous
    if prev is None:
        return None, (), None
    when = f"，{prev.campaign.starts_on:%Y-%m-%d}" if prev.campaign.starts_on else ""
    before = {u.code: unit_table(u, min_cell, ("all",)) for u in prev.units}
    rows: list[tuple[str, ...]] = [("", "本次需关注", "上次需关注", "变化（百分点）", "本次平均分",
                                    "上次平均分")]
    now_shares, before_shares, names = [], [], []
    for t in tables:
        b = before.get(t.unit.code)
        now_c, now_t = t.cells[(0, "concern")], t.cells[(0, "scored")]
        if b is None:
            rows.append((t.unit.name, count_text(now_c, now_t), "—", "", t.mean(0), "—"))
            continue
        b_c, b_t = b.cells[(0, "concern")], b.cells[(0, "scored")]
        rows.append((t.unit.name, count_text(now_c, now_t), count_text(b_c, b_t),
                     change_points(now_c, now_t, b_c, b_t), t.mean(0), b.mean(0)))
        names.append(t.unit.name)
        now_shares.append(_rate(now_c, now_t))
        before_shares.append(_rate(b_c, b_t))
    bars = Bars(tuple(names), (("本次需关注 %", tuple(now_shares)),
                               ("上次需关注 %", tuple(before_shares)))) if names else None
    return f"{prev.campaign.name}{when}", tuple(rows), bars


def _cell(n: int, min_cell: int) -> Cell:
    return suppress_row([n], n, min_cell)[1]


def group_report(stats: CampaignStats, min_cell: int) -> GroupReport:
    """The report's rows for `stats`, counts below `min_cell` hidden."""
    c = stats.campaign
    span = " 至 ".join(f"{d:%Y-%m-%d}" for d in (c.starts_on, c.ends_on) if d) or "—"
    tables = [unit_table(u, min_cell) for u in stats.units]
    participation, completion = _participation(stats, min_cell)
    previous, change, change_bars = _change(stats, tables, min_cell)
    return GroupReport(
        scope_label=stats.scope.label,
        about=(("测评批次", c.name, "量表", c.instrument_label),
               ("学年学期", term_text(c.school_year, c.term) if c.school_year else "—",
                "测评时间", span),
               ("范围", stats.scope.label, "", ""),
               ("答卷", f"{stats.results} 份", "其中无效",
                count_text(_cell(stats.invalid, min_cell)))),
        participation=participation, completion=completion,
        overview=tuple(_shares(t) for t in tables),
        units=tuple((t.unit.name, _unit_rows(t)) for t in tables),
        levels=_levels(stats, min_cell),
        flagged=_flagged(stats, min_cell),
        previous=previous, change=change, change_bars=change_bars,
        cells_note=legend(min_cell) if min_cell > OWN_COPY
        else "本报告为学校自用，人数均为实数，不外传。")


def outside_min_cell() -> int:
    """The district's small-cell threshold, for a copy that leaves the school."""
    return load_deployment().policy.min_cell


def print_group_report(store: Store, campaign_id: int, scope: str, out: Path,
                       min_cell: int | None = None, progress: Progress = NO_PROGRESS,
                       now: datetime | None = None) -> PrintedReport:
    """`scope` as parse_scope reads it ("全校", "初一", "初一(3)班", "grade:7" …).
    Without `min_cell` this is the school's own copy, real counts; a copy that leaves the
    school passes the deployment policy's (`outside_min_cell`)."""
    from app.reports.group import render_group  # reportlab: paid for when printing

    require(store, PRINT_REPORTS)
    if min_cell is None:
        min_cell = OWN_COPY
    progress.step(0, 3)
    with store.read() as session:
        parsed = parse_scope(session, scope)
        stats = campaign_stats(session, campaign_id, parsed)
    if stats.attendance.listed == 0 and stats.results == 0:
        raise BadInputError(f"{parsed.label}没有参加该测评批次的学生。")
    progress.step(1, 3)
    pdf = render_group(group_report(stats, min_cell), print_context(store, now),
                       BY_CODE["group"].level)
    progress.step(2, 3)
    write_audited(store, out, pdf, [("student_print", "campaign", campaign_id,
                                     f"团体报告（{parsed.label}）")])
    progress.step(3, 3)
    return PrintedReport("group", out, parsed.label, stats.results, changes=NOTHING)


def print_campaign(store: Store, request: CampaignPrint, progress: Progress) -> PrintedReport:
    """The reports page's and the CLI's call (kinds.REPORTS)."""
    return print_group_report(store, request.campaign_id, request.scope, request.out,
                              request.min_cell, progress)
