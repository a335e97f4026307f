"""Group reports (团体报告) for a class, a grade or the whole school, for one campaign.

Participation (应测/完成/请假/免测) with completion by class, each scale's bands with
numbers and shares for all students, by gender and by grade, the suggested and decided
warning levels, where the flagged students are (by class and grade), and the change
since the previous campaign of the same instrument. It names no student, so it is
marked 内部 (for use inside the school), not 机密.

The school's own copy shows its real counts: a counsellor planning for 13 crisis
students must see 13. A copy that leaves the school (`min_cell`, the district's policy)
hides small cells as "<5" (and "*" where a total would give them away), and every
chart's legend names the grey 隐去 segment. One "需关注" is used throughout and defined
under the first table. A chart is drawn only when it answers something: completion by
class only when some class is incomplete. Printing is audited ("student_print" on the
campaign): the numbers come from students' results even though none is shown.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from reportlab.lib import colors
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph

from app.deployment import load_deployment
from app.errors import BadInputError
from app.instruments.warning import WARNING_LABELS
from app.reports.charts import (
    BEFORE_COLOUR,
    HIDDEN,
    NOW_COLOUR,
    Segment,
    band_colours,
    paired_bars,
    share_bars,
)
from app.reports.layout import (
    CONTENT_WIDTH,
    INTERNAL,
    Styles,
    build_pdf,
    compact_styles,
    data_grid,
    even_widths,
)
from app.reports.output import write_audited
from app.reports.stamp import PrintContext, print_context
from app.services.capabilities import PRINT_REPORTS, require
from app.services.progress import NO_PROGRESS, Progress
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
CONCERN = ("“需关注”：得分落在建议预警区间（一般关注、重点关注或危机）的人数，按量表分界值计，"
           "本报告各处同此；关键题另见“三、预警等级”。")


@dataclass(frozen=True)
class PrintedGroupReport:
    path: Path
    scope: str
    students: int


def _participation(stats: CampaignStats, min_cell: int, st: Styles) -> list[Flowable]:
    table = attendance_table(stats, min_cell)
    fields = ["due", "done", "leave", "exempt", "excluded"]
    head = ["", *(ATTENDANCE_FIELDS[f] for f in fields[:2]), "未完成", "完成率",
            *(ATTENDANCE_FIELDS[f] for f in fields[2:])]
    rows = [head] + [[row, *(table.cells[(row, f)].text() for f in fields[:2]),
                      str(table.cells[(row, "due")].value - table.cells[(row, "done")].value),
                      table.rate(row) or "—",
                      *(table.cells[(row, f)].text() for f in fields[2:])]
                     for row in table.rows]
    out: list[Flowable] = [Paragraph("一、参测情况", st.heading),
                           data_grid(rows, even_widths(len(head), 0.18)),
                           Paragraph("请假、免测、已排除的学生不计入应测，完成率 = 完成 ÷ 应测。",
                                     st.small)]
    if len(table.rows) > 2 and any(a.done < a.due for _, a in stats.by_class):
        chart = table
        if len(table.rows) > MAX_BARS + 1:  # a school's 30 classes: chart the grades instead
            chart = attendance_table(replace(stats, by_class=stats.by_grade), min_cell)
        rates = [_rate(chart.cells[(r, "done")], chart.cells[(r, "due")]) for r in chart.rows[1:]]
        out.append(paired_bars(list(chart.rows[1:]), [("完成率 %", rates, NOW_COLOUR)],
                               CONTENT_WIDTH))
    return out


def _rate(done: Cell, due: Cell) -> float | None:
    if done.hidden or due.hidden or not due.value:
        return None
    return 100 * done.value / due.value


def _overview(tables: Sequence[UnitTable]) -> Flowable:
    """Every scale's bands for all students in one stacked chart, hidden cells merged."""
    rows = []
    for t in tables:
        total = t.cells[(0, "scored")]
        segments, shown = [], 0.0
        colours = band_colours([b.warning for b in t.unit.bands])
        for band, colour in zip(t.unit.bands, colours, strict=True):
            cell = t.band(0, band.code)
            if total.hidden or not total.value:
                continue
            if not cell.hidden:
                share = cell.value / total.value
                segments.append(Segment(share, colour, f"{band.label} {100 * share:.0f}%",
                                        f"{100 * share:.0f}%"))
                shown += share
        if not total.hidden and total.value and shown < 0.9999:
            segments.append(Segment(1 - shown, HIDDEN, "隐去"))
        rows.append((t.unit.name, segments))
    legend_items: dict[str, colors.Color] = {}
    for t in tables:
        for band, colour in zip(t.unit.bands, band_colours([b.warning for b in t.unit.bands]),
                                strict=True):
            legend_items.setdefault(band.label, colour)
    if any(seg.colour == HIDDEN for _, segments in rows for seg in segments):
        legend_items["隐去"] = HIDDEN
    return share_bars(rows, list(legend_items.items()), CONTENT_WIDTH)


def _flagged(stats: CampaignStats, min_cell: int, st: Styles) -> list[Flowable]:
    """Where the flagged sheets are: share of each class's (and grade's) sheets with a
    suggested level above 无. A copy leaving the school leaves out a group whose count
    is small."""
    out: list[Flowable] = []
    for title, groups in (("按班级", stats.flagged_by_class), ("按年级", stats.flagged_by_grade)):
        if len(groups) < 2 or len(groups) > MAX_BARS * 2:
            continue
        shares = [None if 0 < g.flagged < min_cell else g.share for g in groups]
        top = max([v for v in shares if v is not None] + [10.0])
        out += [Paragraph(f"筛查提示需关注的学生占答卷的比例（{title}）：", st.cell),
                paired_bars([g.label for g in groups], [("提示比例 %", shares, NOW_COLOUR)],
                            CONTENT_WIDTH, top=min(100.0, math.ceil(top * 1.2 / 10) * 10))]
    if out:
        out.append(Paragraph("“提示”指系统按分界值和关键题给出的建议等级在一般关注及以上"
                             "（与“三、预警等级”中“本次筛查建议”一致）。", st.small))
    return out


def _unit_block(t: UnitTable, st: Styles) -> Flowable:
    head = ["", *(b.label for b in t.unit.bands), "需关注", "计分人数", "平均分"]
    rows = [head]
    for g, group in enumerate(t.groups):
        total = t.cells[(g, "scored")]
        rows.append([group.label, *(count_text(t.band(g, b.code), total) for b in t.unit.bands),
                     count_text(t.cells[(g, "concern")], total), total.text(), t.mean(g)])
    grid = data_grid(rows, even_widths(len(head), 0.12), size=8)
    return KeepTogether([Paragraph(t.unit.name, st.cell), grid])


def _levels(stats: CampaignStats, min_cell: int, st: Styles) -> list[Flowable]:
    table = level_table(stats, min_cell)
    rows = [["", *(WARNING_LABELS[c] for c in LEVEL_ORDER), "合计"],
            ["本次筛查建议", *(count_text(table.suggested[c], table.suggested_total)
                            for c in LEVEL_ORDER), table.suggested_total.text()],
            ["当前确定等级", *(count_text(table.decided[c], table.decided_total)
                            for c in LEVEL_ORDER), table.decided_total.text()]]
    return [CondPageBreak(90), Paragraph("三、预警等级", st.heading),
            data_grid(rows, even_widths(6, 0.2)),
            Paragraph("“本次筛查建议”是系统按分界值和关键题对本次答卷给出的建议；“当前确定等级”是"
                      "心理教师对本次名单内学生目前确定的等级（含其他来源的信息）。", st.small)]


def _change(stats: CampaignStats, tables: Sequence[UnitTable], min_cell: int,
            st: Styles) -> list[Flowable]:
    out: list[Flowable] = [Paragraph("四、与上次测评比较", st.heading)]
    prev = stats.previous
    if prev is None:
        return [*out, Paragraph("此前没有同一量表的测评，无法比较。", st.body)]
    when = f"，{prev.campaign.starts_on:%Y-%m-%d}" if prev.campaign.starts_on else ""
    out.append(Paragraph(f"上次：{prev.campaign.name}{when}。比较的是同一范围内的学生"
                         "（按现在的班级）。", st.body))
    before = {u.code: unit_table(u, min_cell, ("all",)) for u in prev.units}
    rows = [["", "本次需关注", "上次需关注", "变化（百分点）", "本次平均分", "上次平均分"]]
    now_shares, before_shares, names = [], [], []
    for t in tables:
        b = before.get(t.unit.code)
        now_c, now_t = t.cells[(0, "concern")], t.cells[(0, "scored")]
        if b is None:
            rows.append([t.unit.name, count_text(now_c, now_t), "—", "", t.mean(0), "—"])
            continue
        b_c, b_t = b.cells[(0, "concern")], b.cells[(0, "scored")]
        rows.append([t.unit.name, count_text(now_c, now_t), count_text(b_c, b_t),
                     change_points(now_c, now_t, b_c, b_t), t.mean(0), b.mean(0)])
        names.append(t.unit.name)
        now_shares.append(_rate(now_c, now_t))
        before_shares.append(_rate(b_c, b_t))
    out.append(data_grid(rows, even_widths(6, 0.2)))
    if names:
        top = max([v for v in now_shares + before_shares if v is not None] + [10.0])
        out.append(paired_bars(names, [("本次需关注 %", now_shares, NOW_COLOUR),
                                       ("上次需关注 %", before_shares, BEFORE_COLOUR)],
                               CONTENT_WIDTH, top=min(100.0, math.ceil(top * 1.2 / 10) * 10)))
    return out


def group_story(stats: CampaignStats, min_cell: int, st: Styles) -> list[Flowable]:
    c = stats.campaign
    span = " 至 ".join(f"{d:%Y-%m-%d}" for d in (c.starts_on, c.ends_on) if d) or "—"
    tables = [unit_table(u, min_cell) for u in stats.units]
    story: list[Flowable] = [
        Paragraph(f"心理测评团体报告（{stats.scope.label}）", st.title),
        data_grid([["测评批次", c.name, "量表", c.instrument_label],
               ["学年学期", term_text(c.school_year, c.term) if c.school_year else "—",
                "测评时间", span],
               ["范围", stats.scope.label, "", ""],
               ["答卷", f"{stats.results} 份", "其中无效", count_text(
                   _cell(stats.invalid, min_cell))]],
              [0.14 * CONTENT_WIDTH, 0.36 * CONTENT_WIDTH, 0.14 * CONTENT_WIDTH,
               0.36 * CONTENT_WIDTH], size=9, header_rows=0),
        *_participation(stats, min_cell, st),
        CondPageBreak(120),
        Paragraph("二、各量表分级人数与占比", st.heading),
    ]
    if tables:
        story += [Paragraph("全体学生各等级占比：", st.cell), _overview(tables)]
    story += [_unit_block(t, st) for t in tables]
    if tables:
        story.append(Paragraph(CONCERN, st.small))
    story += _levels(stats, min_cell, st)
    story += _flagged(stats, min_cell, st)
    story += _change(stats, tables, min_cell, st)
    hidden = legend(min_cell) if min_cell > OWN_COPY else "本报告为学校自用，人数均为实数，不外传。"
    story.append(Paragraph("说明：" + hidden + "筛查结果不是诊断。", st.small))
    return story


def outside_min_cell() -> int:
    """The district's small-cell threshold, for a copy that leaves the school."""
    return load_deployment().policy.min_cell


def _cell(n: int, min_cell: int) -> Cell:
    return suppress_row([n], n, min_cell)[1]


def render_group(stats: CampaignStats, ctx: PrintContext, min_cell: int) -> bytes:
    return build_pdf(group_story(stats, min_cell, compact_styles()), ctx.school_name,
                     "心理测评团体报告", stamp=ctx.stamp, level=INTERNAL)


def print_group_report(store: Store, campaign_id: int, scope: str, out: Path,
                       min_cell: int | None = None, progress: Progress = NO_PROGRESS,
                       now: datetime | None = None) -> PrintedGroupReport:
    """`scope` as parse_scope reads it ("全校", "初一", "初一(3)班", "grade:7" …).
    Without `min_cell` this is the school's own copy, real counts; a copy that leaves the
    school passes the deployment policy's (`outside_min_cell`)."""
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
    pdf = render_group(stats, print_context(store, now), min_cell)
    progress.step(2, 3)
    write_audited(store, out, pdf, [("student_print", "campaign", campaign_id,
                                     f"团体报告（{parsed.label}）")])
    progress.step(3, 3)
    return PrintedGroupReport(out, parsed.label, stats.results)
