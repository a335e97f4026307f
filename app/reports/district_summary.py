"""The PDF summary of a district export: the same tables as the workbook, laid out to read.

It holds nothing the workbook does not (the key-student list never appears in it, even
under the "named" policy: a summary is passed around more freely than a list). Scale
bands are pivoted back to one small table per scale — groups down, bands across — and
machine codes are left out. The PDF is made in reportlab's invariant mode, so the same
export made twice is the same file.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable, KeepTogether, Paragraph

from app.reports.data import SummaryTable, Value
from app.reports.layout import (
    CONTENT_WIDTH,
    Styles,
    build_pdf,
    compact_styles,
    data_grid,
    even_widths,
)
from app.reports.wrap import wrap_text

CODE_KEYS = {"instrument", "campaigns", "group_kind", "group_kind_label", "group_value",
             "unit", "band", "warning", "level", "measure", "outcome"}
MAX_COLUMNS = 9
FOOT = "本材料为不含学生姓名的统计汇总，供学校和区教育局心理健康工作使用，不对外发布。"
"""The summary carries no student's name (the key-student list never appears in it): it
is 内部, not 机密 — but read by the district as well as the school."""


def _text(v: Value) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.1f}"
    return str(v)


def _generic(t: SummaryTable, st: Styles) -> list[Flowable]:
    keep = [i for i, k in enumerate(t.keys) if k not in CODE_KEYS][:MAX_COLUMNS]
    widths = even_widths(len(keep), min(0.3, 1.6 / len(keep)))
    rows = [[wrap_text(t.columns[i], w - 6, 7.5) for i, w in zip(keep, widths, strict=True)]]
    rows += [[wrap_text(_text(r[i]), w - 6, 7.5) for i, w in zip(keep, widths, strict=True)]
             for r in t.rows]
    return [data_grid(rows, widths, size=7.5)]


def _bands(t: SummaryTable, st: Styles) -> list[Flowable]:
    """Back to groups × bands, one table per instrument and scale."""
    k = {key: i for i, key in enumerate(t.keys)}
    blocks: dict[tuple, dict[str, list]] = {}
    order: dict[tuple, list[str]] = {}
    for r in t.rows:
        block = (r[k["instrument_name"]], r[k["unit_name"]])
        groups = blocks.setdefault(block, {})
        labels = order.setdefault(block, [])
        if r[k["band_label"]] not in labels:
            labels.append(r[k["band_label"]])
        cell = _text(r[k["count"]])
        if r[k["share_pct"]] is not None and r[k["count"]]:
            cell += f"（{r[k['share_pct']]:.1f}%）"
        groups.setdefault(r[k["group"]], [_text(r[k["scored"]])]).append(cell)
    out: list[Flowable] = []
    for (instrument, unit), groups in blocks.items():
        head = ["", *order[(instrument, unit)], "计分人数"]
        rows = [head] + [[g, *cells[1:], cells[0]] for g, cells in groups.items()]
        out.append(KeepTogether([Paragraph(f"{instrument} · {unit}", st.cell),
                                 data_grid(rows, even_widths(len(head), 0.12), size=7.5)]))
    return out


def render_summary(title: str, school_name: str, about: Sequence[tuple[str, str]],
                   tables: Sequence[SummaryTable], stamp: str, level: str) -> bytes:
    st = compact_styles()
    story: list[Flowable] = [
        Paragraph(title, st.title),
        data_grid([[k, wrap_text(v, 0.8 * CONTENT_WIDTH - 8, 8.5)] for k, v in about],
                  [0.2 * CONTENT_WIDTH, 0.8 * CONTENT_WIDTH], size=8.5, header_rows=0),
    ]
    for n, t in enumerate(tables, start=1):
        story.append(Paragraph(f"{n}. {t.title}", st.heading))
        if not t.rows:
            story.append(Paragraph("（本学期无数据）", st.body))
            continue
        story += _bands(t, st) if t.code == "bands" else _generic(t, st)
        if t.note:
            story.append(Paragraph(t.note, st.small))
    return build_pdf(story, school_name, title, stamp=stamp, invariant=True, level=level,
                     foot=FOOT)
