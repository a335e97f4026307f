"""The group report (团体报告) of a campaign for a class, a grade or the whole school.

Participation (应测/完成/请假/免测) with completion by class, each scale's bands with
numbers and shares for all students, by gender and by grade, the suggested and decided
warning levels, where the flagged students are (by class and grade), and the change
since the previous campaign of the same instrument.

This module lays the report out from `data.GroupReport`, every count already text as
it is to be printed (app/services/reports/group.py counts, hides small cells, checks the
permission and writes the file). A chart is drawn only when it answers something: the
data carries completion by class only when some class is incomplete. One "需关注" is used
throughout and defined under the first table; every chart's legend names the grey 隐去
segment when a copy for outside the school hides cells. It names no student: its
level (kinds.REPORTS) is 内部.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph

from app.reports.charts import (
    BEFORE_COLOUR,
    HIDDEN,
    NOW_COLOUR,
    Segment,
    band_colours,
    paired_bars,
    share_bars,
)
from app.reports.data import Bars, GroupReport, PrintContext, UnitShares
from app.reports.layout import (
    CONTENT_WIDTH,
    Styles,
    build_pdf,
    compact_styles,
    data_grid,
    even_widths,
)

CONCERN = ("“需关注”：得分落在建议预警区间（一般关注、重点关注或危机）的人数，按量表分界值计，"
           "本报告各处同此；关键题另见“三、预警等级”。")
SERIES_COLOURS = (NOW_COLOUR, BEFORE_COLOUR)


def _bars(bars: Bars, scaled: bool) -> Flowable:
    """`scaled`: the axis ends a little above the largest share (flagged shares are
    small) rather than at 100 %."""
    top = 100.0
    if scaled:
        values = [v for _, series in bars.series for v in series if v is not None]
        top = min(100.0, math.ceil(max([*values, 10.0]) * 1.2 / 10) * 10)
    series = [(name, list(values), colour)
              for (name, values), colour in zip(bars.series, SERIES_COLOURS, strict=False)]
    return paired_bars(list(bars.labels), series, CONTENT_WIDTH, top=top)


def participation(report: GroupReport, st: Styles) -> list[Flowable]:
    head = report.participation[0]
    out: list[Flowable] = [Paragraph("一、参测情况", st.heading),
                           data_grid(report.participation, even_widths(len(head), 0.18)),
                           Paragraph("请假、免测、已排除的学生不计入应测，完成率 = 完成 ÷ 应测。",
                                     st.small)]
    if report.completion is not None:
        out.append(_bars(report.completion, scaled=False))
    return out


def _overview(units: Sequence[UnitShares]) -> Flowable:
    """Every scale's bands for all students in one stacked chart, hidden cells merged."""
    rows = []
    legend_items: dict[str, colors.Color] = {}
    for unit in units:
        segments, shown = [], 0.0
        colours = band_colours([b.warning for b in unit.bands])
        for band, colour in zip(unit.bands, colours, strict=True):
            legend_items.setdefault(band.label, colour)
            if unit.counted and band.share is not None:
                segments.append(Segment(band.share, colour, f"{band.label} {100 * band.share:.0f}%",
                                        f"{100 * band.share:.0f}%"))
                shown += band.share
        if unit.counted and shown < 0.9999:
            segments.append(Segment(1 - shown, HIDDEN, "隐去"))
        rows.append((unit.name, segments))
    if any(seg.colour == HIDDEN for _, segments in rows for seg in segments):
        legend_items["隐去"] = HIDDEN
    return share_bars(rows, list(legend_items.items()), CONTENT_WIDTH)


def _flagged(report: GroupReport, st: Styles) -> list[Flowable]:
    out: list[Flowable] = []
    for title, bars in report.flagged:
        out += [Paragraph(f"筛查提示需关注的学生占答卷的比例（{title}）：", st.cell),
                _bars(bars, scaled=True)]
    if out:
        out.append(Paragraph("“提示”指系统按分界值和关键题给出的建议等级在一般关注及以上"
                             "（与“三、预警等级”中“本次筛查建议”一致）。", st.small))
    return out


def _unit_block(name: str, rows: Sequence[Sequence[str]], st: Styles) -> Flowable:
    grid = data_grid(rows, even_widths(len(rows[0]), 0.12), size=8)
    return KeepTogether([Paragraph(name, st.cell), grid])


def _levels(report: GroupReport, st: Styles) -> list[Flowable]:
    return [CondPageBreak(90), Paragraph("三、预警等级", st.heading),
            data_grid(report.levels, even_widths(6, 0.2)),
            Paragraph("“本次筛查建议”是系统按分界值和关键题对本次答卷给出的建议；“当前确定等级”是"
                      "心理教师对本次名单内学生目前确定的等级（含其他来源的信息）。", st.small)]


def _change(report: GroupReport, st: Styles) -> list[Flowable]:
    out: list[Flowable] = [Paragraph("四、与上次测评比较", st.heading)]
    if report.previous is None:
        return [*out, Paragraph("此前没有同一量表的测评，无法比较。", st.body)]
    out.append(Paragraph(f"上次：{report.previous}。比较的是同一范围内的学生"
                         "（按现在的班级）。", st.body))
    out.append(data_grid(report.change, even_widths(6, 0.2)))
    if report.change_bars is not None:
        out.append(_bars(report.change_bars, scaled=True))
    return out


def group_story(report: GroupReport, st: Styles) -> list[Flowable]:
    story: list[Flowable] = [
        Paragraph(f"心理测评团体报告（{report.scope_label}）", st.title),
        data_grid(report.about,
                  [0.14 * CONTENT_WIDTH, 0.36 * CONTENT_WIDTH, 0.14 * CONTENT_WIDTH,
                   0.36 * CONTENT_WIDTH], size=9, header_rows=0),
        *participation(report, st),
        CondPageBreak(120),
        Paragraph("二、各量表分级人数与占比", st.heading),
    ]
    if report.overview:
        story += [Paragraph("全体学生各等级占比：", st.cell), _overview(report.overview)]
    story += [_unit_block(name, rows, st) for name, rows in report.units]
    if report.units:
        story.append(Paragraph(CONCERN, st.small))
    story += _levels(report, st)
    story += _flagged(report, st)
    story += _change(report, st)
    story.append(Paragraph("说明：" + report.cells_note + "筛查结果不是诊断。", st.small))
    return story


def render_group(report: GroupReport, ctx: PrintContext, level: str) -> bytes:
    return build_pdf(group_story(report, compact_styles()), ctx.school_name,
                     "心理测评团体报告", stamp=ctx.stamp, level=level)
