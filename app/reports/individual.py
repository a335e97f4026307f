"""The individual screening report (个人测评报告): one student's sheet on one page.

Each scale is drawn against its cut-offs, then read out in the definition's own words
(band wording and suggestion), with the validity verdict, unanswered items and critical
items spelt out, and the suggested warning level — marked as a suggestion a teacher
decides. Short instruments (PHQ-9, GAD-7) list every item's answer, so a critical
item's answer is on the page. A whole campaign (3,000 students) prints as one PDF for
the counselling room's files (app/services/reports/individual.py reads the sheets,
checks the permission and writes the file with a "student_print" entry per student).

Each student's report is one A4 page for the shipped instruments: a report that runs a
little long is shrunk to the page rather than spilling a disclaimer onto a page of its
own. A school's own instrument whose report cannot fit flows on, and then every page
names the student and is numbered within the student (layout.PersonStart), the
findings and disclaimer kept together.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepInFrame,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.instruments import Instrument
from app.instruments.model import TOTAL, Scale
from app.instruments.warning import WARNING_LABELS
from app.labels import GENDERS, RESULT_SOURCES, label
from app.reports.charts import Track, TrackChart, track_background, track_marks
from app.reports.data import IndividualReports, PrintContext, Sheet
from app.reports.fonts import register_cjk_font
from app.reports.layout import (
    CONTENT_WIDTH,
    PersonEnd,
    PersonStart,
    Styles,
    build_pdf,
    compact_styles,
    frame_height,
)
from app.reports.wrap import wrap_text

CHART_NOTE = ("色块为各等级的分数区间（绿色无需预警，黄色一般关注，橙色重点关注），竖线处为分界值，"
              "深色条和右侧数字为本人得分。")
DISCLAIMER = ("本报告是心理筛查的结果，不是诊断。得分反映学生作答时的自我感受，会受当时情绪和"
              "作答态度影响；请结合面谈和日常观察理解，不向无关人员出示。")


def unit_range(instrument: Instrument, unit: Scale) -> tuple[float, float]:
    """The scale a track is drawn on: the scores the unit can take, or for standard-score
    bands the span of their cut-offs."""
    if unit.band_basis == "standard":
        cuts = [x for b in unit.bands for x in (b.min, b.below) if math.isfinite(x)]
        low, high = (min(cuts), max(cuts)) if cuts else (0.0, 100.0)
        return min(low, 0.0), high + (high - min(low, 0.0)) * 0.15
    low, high = instrument.value_range
    if unit.items:
        n = len(unit.items) if unit.method == "sum" else 1
        return low * n * unit.multiplier, high * n * unit.multiplier
    parts = [unit_range(instrument, instrument.unit(c)) for c in unit.scales]
    k = 1 if unit.method == "sum" else len(parts) or 1
    return (sum(p[0] for p in parts) / k * unit.multiplier,
            sum(p[1] for p in parts) / k * unit.multiplier)


def _score(record: dict, unit: Scale) -> float | None:
    if unit.band_basis == "standard":
        return record.get("standard", {}).get(unit.code)
    return record.get("total") if unit.code == TOTAL else record.get("scales", {}).get(unit.code)


def _tracks(instrument: Instrument, record: dict) -> list[Track]:
    return [Track(u.name, *unit_range(instrument, u),
                  tuple((b.min, b.below, b.warning.value, b.label) for b in u.bands),
                  _score(record, u))
            for u in instrument.units if u.bands]


def _num(x: float | None) -> str:
    if x is None:
        return "—"
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"


@dataclass(frozen=True)
class Reading:
    """One unit's line in the score table; its wording is printed once per distinct
    text (eight scales at 轻度 share one paragraph, not eight rows)."""

    name: str
    score: str
    level: str
    text: str


def _readings(instrument: Instrument, sheet: Sheet) -> list[Reading]:
    record = sheet.record
    out = []
    for u in instrument.units:
        raw = record.get("total") if u.code == TOTAL else record.get("scales", {}).get(u.code)
        score = _num(raw)
        std = record.get("standard", {}).get(u.code)
        if std is not None:
            score += f"（标准分 {_num(std)}）"
        code = record.get("bands", {}).get(u.code)
        band = next((b for b in u.bands if b.code == code), None)
        if u.kind == "validity":
            level = "有效" if sheet.valid else "疑似无效"
            text = u.note if sheet.valid else (sheet.validity_note or u.note)
        elif band is None:
            text, level = ("未计分（未答题目过多）" if raw is None else u.note), "—"
        else:
            text = band.wording + (f"建议：{band.suggestion}" if band.suggestion else "")
            level = band.label
        out.append(Reading(u.name, score, level, text))
    return out


_SCORE_WIDTHS = tuple(f * CONTENT_WIDTH for f in (0.2, 0.13, 0.14) * 2)


def _score_table(readings: list[Reading]) -> Table:
    """量表 | 得分 | 等级, two units to a row: eleven MHT units take six lines."""
    pairs = len(readings) > 2
    widths = _SCORE_WIDTHS if pairs else _SCORE_WIDTHS[:3]
    half = (len(readings) + 1) // 2 if pairs else len(readings)
    rows = [["量表", "得分", "等级"] * (2 if pairs else 1)]
    for left, right in zip(readings[:half], [*readings[half:], None], strict=False):
        cells = [left.name, left.score, left.level]
        if pairs:
            cells += [right.name, right.score, right.level] if right else ["", "", ""]
        rows.append([wrap_text(c, w - 6, 8.5) for c, w in zip(cells, widths, strict=True)])
    table = Table(rows, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), register_cjk_font(), 8.5, 10.5),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EFEFEF")),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
        ("LINEAFTER", (2, 0), (2, -1), 1.2, colors.HexColor("#555555")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]))
    return table


def _reading_paragraphs(readings: list[Reading], st: Styles) -> list[Flowable]:
    """Each distinct wording once, after the units it applies to."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for r in readings:
        grouped.setdefault((r.level, r.text), []).append(r.name)
    return [Paragraph(f"<b>{'、'.join(names)}</b>（{level}）：{text}", st.cell)
            for (level, text), names in grouped.items() if text]


def _header_table(sheet: Sheet, campaign_name: str, instrument: Instrument) -> Table:
    w = CONTENT_WIDTH
    taken = f"{sheet.taken_at:%Y-%m-%d}" if sheet.taken_at else "—"
    table = Table([
        ["姓名", sheet.name, "性别", label(GENDERS, sheet.gender)],
        ["班级", sheet.class_name, "学籍号", sheet.student_no],
        ["测评批次", wrap_text(campaign_name, 0.37 * w, 10), "测评日期", taken],
        ["量表", wrap_text(instrument.label, 0.37 * w, 10), "作答方式",
         label(RESULT_SOURCES, sheet.source)],
    ], colWidths=[0.15 * w, 0.38 * w, 0.15 * w, 0.32 * w])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), register_cjk_font(), 10, 13),
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#EFEFEF")),
        ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#EFEFEF")),
    ]))
    return table


LEVEL_COLOURS = {"crisis": "#B00020", "key": "#C25E00", "general": "#8A6D00", "none": "#2E6B30"}


def _findings(instrument: Instrument, sheet: Sheet, st: Styles) -> list[Flowable]:
    """Validity, the notes scoring wrote (missing items, prorating), critical items in
    red — each said once (a validity reason already in the 效度 row is not repeated) —
    and the suggested level."""
    record = sheet.record
    critical = [c for c in instrument.critical if c.item in record.get("critical", [])]
    reasons = sheet.validity_note.split("；") if sheet.validity_note else []
    in_row = _has_validity_row(instrument)
    said = {c.message for c in critical} | set(reasons)
    lines = ["答卷有效。" if sheet.valid else
             "<font color='#B00020'>答卷疑似无效</font>"
             + ("（原因见上文效度一项）" if in_row else f"（{'；'.join(reasons) or '—'}）")
             + "：以上分数仅供参考，建议择期重测。"]
    lines += [f"· {note}" for note in record.get("notes", []) if note not in said]
    lines += [f"<font color='#B00020'>关键题提示：{c.message}。</font>" for c in critical]
    level = record.get("warning", "none")
    colour = LEVEL_COLOURS.get(level, "#000000")
    lines.append(f"建议预警等级：<font color='{colour}'>{WARNING_LABELS.get(level, level)}</font>"
                 "（系统根据分界值和关键题给出的建议，由心理教师结合面谈确定）")
    if instrument.overrides:
        lines.append("分界值采用本校设置：" + "；".join(instrument.overrides) + "。")
    return [Paragraph(line, st.cell) for line in lines]


class StudentMark(PersonEnd):
    """The end of a student's pages, numbered, so the layout pass can report progress
    (and honour cancel) student by student."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index


def _has_validity_row(instrument: Instrument) -> bool:
    return any(u.kind == "validity" for u in instrument.units)


ITEM_TABLE_MAX = 20
"""Instruments with at most this many items (with their wording) list every answer."""


def _answers_table(instrument: Instrument, sheet: Sheet) -> Table:
    """题号 | 题目 | 作答, a critical item's row in red: item 9 of PHQ-9 is read, not
    inferred from a total."""
    critical = {c.item for c in instrument.critical}
    rows = [["题号", "题目", "作答"]]
    for item in instrument.items:
        k = item.number - 1
        value = sheet.answers[k] if k < len(sheet.answers) else None
        answer = "未作答" if value is None else \
            f"{instrument.option_label(value) or _num(value)}（{_num(value)}）"
        rows.append([str(item.number), wrap_text(item.text, _ITEM_TEXT_W, 8.5), answer])
    table = Table(rows, colWidths=list(_ITEM_WIDTHS), repeatRows=1)
    commands: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), register_cjk_font(), 8.5, 10.5),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EFEFEF")),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
        ("ALIGN", (0, 0), (0, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    commands += [("TEXTCOLOR", (0, row), (-1, row), colors.HexColor(LEVEL_COLOURS["crisis"]))
                 for row, item in enumerate(instrument.items, start=1) if item.number in critical]
    table.setStyle(TableStyle(commands))
    return table


_ITEM_WIDTHS = tuple(f * CONTENT_WIDTH for f in (0.08, 0.64, 0.28))
_ITEM_TEXT_W = _ITEM_WIDTHS[1] - 8


def _shows_items(instrument: Instrument) -> bool:
    return instrument.item_count <= ITEM_TABLE_MAX and instrument.has_item_texts


SHRINK_LIMIT = 0.75
"""A report up to 1/0.75 of a page (the fullest sheet of a shipped instrument) is shrunk
onto one page, its smallest text still 6 pt; a longer one flows on."""


def student_story(sheet: Sheet, instrument: Instrument, campaign_name: str, st: Styles,
                  background: Drawing, end: PersonEnd) -> list[Flowable]:
    """One student's report between a PersonStart mark and `end`."""
    w = CONTENT_WIDTH
    numbered = iter("一二三四")
    readings = _readings(instrument, sheet)
    body: list[Flowable] = [
        Paragraph("学生心理测评个人报告", st.title),
        _header_table(sheet, campaign_name, instrument),
        Paragraph(f"{next(numbered)}、各量表得分与分界", st.heading),
        TrackChart(f"{instrument.code}-{instrument.version}", background,
                   track_marks(_tracks(instrument, sheet.record), w)),
        Paragraph(CHART_NOTE, st.small),
    ]
    if _shows_items(instrument):
        body += [Paragraph(f"{next(numbered)}、各题作答", st.heading),
                 _answers_table(instrument, sheet)]
    body += [
        Paragraph(f"{next(numbered)}、结果解读", st.heading),
        _score_table(readings),
        *_reading_paragraphs(readings, st),
    ]
    tail = [Paragraph(f"{next(numbered)}、效度、关键题与建议预警", st.heading),
            *_findings(instrument, sheet, st), Spacer(1, 3), Paragraph(DISCLAIMER, st.small)]
    page = frame_height(stamp=True)
    if _height(body + tail) <= page / SHRINK_LIMIT:
        body = [KeepInFrame(w, page, body + tail, mode="shrink")]
    else:
        body.append(KeepTogether(tail))
    label = f"{sheet.name}　{sheet.class_name}　学籍号 {sheet.student_no}"
    return [PersonStart(label), *body, end]


def _height(flowables: list[Flowable]) -> float:
    """The story's height laid out at full width on an endless page."""
    canvas = Canvas(io.BytesIO())
    return sum(f.wrapOn(canvas, CONTENT_WIDTH, 1e6)[1] + f.getSpaceBefore()
               + f.getSpaceAfter() for f in flowables)


def _ignore(_done: int, _total: int) -> None:
    return None


def render_individual(reports: IndividualReports, ctx: PrintContext, level: str,
                      on_student: Callable[[int, int], None] = _ignore) -> bytes:
    """Every sheet on its own page(s), in one PDF. `on_student(done, total)` is called as
    each student's pages are laid out: the caller's progress, and its cancel by raising."""
    instrument = reports.instrument
    st = compact_styles()
    background = track_background(_tracks(instrument, {}), CONTENT_WIDTH)
    story: list[Flowable] = []
    for i, sheet in enumerate(reports.sheets):
        if i:
            story.append(PageBreak())
        story += student_story(sheet, instrument, reports.campaign_name, st, background,
                               StudentMark(i + 1))
    total = len(reports.sheets)

    def after(flowable: Flowable) -> None:
        if isinstance(flowable, StudentMark):
            on_student(flowable.index, total)

    return build_pdf(story, ctx.school_name, "学生心理测评个人报告", stamp=ctx.stamp,
                     after_flowable=after, level=level)
