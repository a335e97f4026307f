"""Charts drawn with reportlab.graphics, in the embedded CJK font.

Colours follow the suggested warning of a band — greens for none, yellow for 一般关注,
orange for 重点关注, red for 危机 — the same on every chart, so a teacher reads the
colour before the numbers. Every segment carries its text as well, since a report may
be printed in black and white.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from app.reports.fonts import register_cjk_font

# Okabe & Ito's colour-blind-safe palette (2008): bluish green, yellow, orange and
# vermillion stay apart for every common colour-vision deficiency; a second band of the
# same warning is a lighter tint of its hue, never a neighbouring orange.
WARNING_COLOURS: dict[str, tuple[str, ...]] = {
    "none": ("#B3E2D5", "#66C5AB", "#009E73"),
    "general": ("#F0E442", "#F7EF8E"),
    "key": ("#E69F00", "#F0C566"),
    "crisis": ("#D55E00", "#E68E4D"),
}
HIDDEN = colors.HexColor("#BBBBBB")
#: This screening and the one before, completion and flagged counts: Okabe-Ito blues.
NOW_COLOUR, BEFORE_COLOUR = colors.HexColor("#0072B2"), colors.HexColor("#56B4E9")
INK = colors.HexColor("#1F2A44")
GRID = colors.HexColor("#999999")


def band_colours(warnings: Sequence[str]) -> list[Color]:
    """One colour per band: its warning's hue, a shade further for each band before it
    with the same warning (low / normal are both "none" but must differ)."""
    seen: dict[str, int] = {}
    out = []
    for w in warnings:
        shades = WARNING_COLOURS.get(w, WARNING_COLOURS["none"])
        out.append(colors.HexColor(shades[min(seen.get(w, 0), len(shades) - 1)]))
        seen[w] = seen.get(w, 0) + 1
    return out


def _text(x: float, y: float, text: str, size: float = 8, anchor: str = "start",
          colour: Color = INK) -> String:
    return String(x, y, text, fontName=register_cjk_font(), fontSize=size,
                  textAnchor=anchor, fillColor=colour)


def _drawing(width: float, height: float) -> Drawing:
    """A drawing whose initial font is ours: reportlab would otherwise select Helvetica
    for it, and the PDF would name a font it does not embed."""
    return Drawing(width, height, initialFontName=register_cjk_font())


def _width(text: str, size: float) -> float:
    return stringWidth(text, register_cjk_font(), size)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Track:
    """One scale of one student: its range, its bands, and the score to mark."""

    name: str
    low: float
    high: float
    bands: tuple[tuple[float, float, str, str], ...]  # (min, below, warning, label)
    score: float | None


TRACK_ROW = 19.0
_LABEL_W, _VALUE_W = 78.0, 40.0


def _track_geometry(tracks: Sequence[Track], width: float):  # type: ignore[no-untyped-def]
    """(drawing height, per track: its baseline y and a value → x mapping)."""
    x0, x1 = _LABEL_W, width - _VALUE_W
    height = TRACK_ROW * len(tracks) + 4
    out = []
    for i, t in enumerate(tracks):
        y = height - (i + 1) * TRACK_ROW + 8
        span = (t.high - t.low) or 1.0

        def at(v: float, t: Track = t, span: float = span) -> float:
            return x0 + (min(max(v, t.low), t.high) - t.low) / span * (x1 - x0)

        out.append((y, at))
    return height, out


def track_background(tracks: Sequence[Track], width: float) -> Drawing:
    """What every student's chart of one instrument shares: names, the bands as coloured
    segments, the cut-offs written under each track. Drawn once per PDF (a form)."""
    height, geometry = _track_geometry(tracks, width)
    x1 = width - _VALUE_W
    d = _drawing(width, height)
    for t, (y, at) in zip(tracks, geometry, strict=True):
        d.add(_text(0, y + 2, t.name, 8.5))
        colours = band_colours([b[2] for b in t.bands])
        for (low, below, _w, _label), colour in zip(t.bands, colours, strict=True):
            left = at(low if math.isfinite(low) else t.low)
            right = at(below if math.isfinite(below) else t.high)
            d.add(Rect(left, y, max(right - left, 0.5), 9, fillColor=colour, strokeColor=None))
        cuts = sorted({b[0] for b in t.bands if math.isfinite(b[0]) and t.low < b[0] < t.high})
        for c in cuts:
            d.add(Line(at(c), y - 1, at(c), y + 10, strokeColor=GRID, strokeWidth=0.6))
            d.add(_text(at(c), y - 6.5, _num(c), 5.5, "middle", GRID))
        d.add(_text(_LABEL_W, y - 6.5, _num(t.low), 5.5, "start", GRID))
        d.add(_text(x1, y - 6.5, _num(t.high), 5.5, "end", GRID))
    return d


def track_marks(tracks: Sequence[Track], width: float) -> Drawing:
    """One student's scores over the background: a dark bar from the track's start, a
    tick at the score, and the score written at the right."""
    height, geometry = _track_geometry(tracks, width)
    x1 = width - _VALUE_W
    d = _drawing(width, height)
    for t, (y, at) in zip(tracks, geometry, strict=True):
        if t.score is None:
            d.add(_text(x1 + 4, y + 2, "未计分", 8))
            continue
        d.add(Rect(_LABEL_W, y + 3, max(at(t.score) - _LABEL_W, 1.2), 3.2, fillColor=INK,
                   strokeColor=None))
        d.add(Line(at(t.score), y - 1, at(t.score), y + 10, strokeColor=INK, strokeWidth=1.6))
        d.add(_text(x1 + 4, y + 2, _num(t.score), 9))
    return d


class TrackChart(Flowable):
    """Each scale as a horizontal track coloured by its bands, cut-offs under it, the
    student's score as a dark bar over it — scales of different ranges side by side.
    The background is a PDF form drawn once per document and referenced on every page,
    which keeps a 3,000-student PDF fast to make and small."""

    def __init__(self, key: str, background: Drawing, marks: Drawing) -> None:
        super().__init__()
        self.key, self.background, self.marks = key, background, marks
        self.width, self.height = background.width, background.height

    def wrap(self, _avail_w: float, _avail_h: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        name = f"qxtracks-{self.key}"
        if not canvas.hasForm(name):
            canvas.beginForm(name, 0, 0, self.width, self.height)
            renderPDF.draw(self.background, canvas, 0, 0)
            canvas.endForm()
        canvas.doForm(name)
        renderPDF.draw(self.marks, canvas, 0, 0)


@dataclass(frozen=True)
class Segment:
    share: float  # 0..1
    colour: Color
    text: str = ""
    short: str = ""
    """Written instead of `text` when the segment is too narrow for it."""


def share_bars(rows: Sequence[tuple[str, Sequence[Segment]]],
               legend: Sequence[tuple[str, Color]], width: float) -> Drawing:
    """100 % stacked horizontal bars: one row per scale (or group), one segment per band,
    hidden small cells merged into one grey segment."""
    label_w, row_h, legend_h = 92.0, 17.0, 16.0
    x0, x1 = label_w, width - 6
    height = row_h * len(rows) + legend_h + 14
    d = _drawing(width, height)
    for i, (label, segments) in enumerate(rows):
        y = height - legend_h - (i + 1) * row_h
        d.add(_text(0, y + 4, label, 8))
        x = x0
        for seg in segments:
            w = seg.share * (x1 - x0)
            if w <= 0:
                continue
            d.add(Rect(x, y, w, row_h - 4, fillColor=seg.colour, strokeColor=colors.white,
                       strokeWidth=0.5))
            fits = [t for t in (seg.text, seg.short) if t and w > _width(t, 6.5) + 4]
            if fits:
                d.add(_text(x + w / 2, y + 4, fits[0], 6.5, "middle"))
            x += w
    for pct in (0, 0.25, 0.5, 0.75, 1.0):
        x = x0 + pct * (x1 - x0)
        d.add(_text(x, 2, f"{int(pct * 100)}%", 6, "middle", GRID))
    x = x0
    for text, colour in legend:
        d.add(Rect(x, height - 11, 8, 8, fillColor=colour, strokeColor=None))
        d.add(_text(x + 10, height - 10, text, 7))
        x += 16 + 7.5 * len(text)
    return d


def paired_bars(categories: Sequence[str], series: Sequence[tuple[str, Sequence[float | None],
                                                                   Color]],
                width: float, top: float = 100.0, unit: str = "%") -> Drawing:
    """Vertical bars, one group per category (this campaign beside the previous one, or
    completion per class). A None value (hidden or absent) leaves a gap marked "—"."""
    height, base, left = 130.0, 28.0, 26.0
    plot_h = height - base - 22
    d = _drawing(width, height)
    n = max(len(categories), 1)
    group_w = (width - left - 4) / n
    bar_w = min(18.0, group_w * 0.8 / max(len(series), 1))
    for k in range(5):
        v = top * k / 4
        y = base + plot_h * k / 4
        d.add(Line(left, y, width - 4, y, strokeColor=colors.HexColor("#E0E0E0"),
                   strokeWidth=0.4))
        d.add(_text(left - 3, y - 2, f"{_num(round(v, 1))}{unit}", 6, "end", GRID))
    for i, cat in enumerate(categories):
        gx = left + i * group_w + (group_w - bar_w * len(series)) / 2
        for j, (_name, values, colour) in enumerate(series):
            v = values[i]
            x = gx + j * bar_w
            if v is None:
                d.add(_text(x + bar_w / 2, base + 2, "—", 7, "middle", GRID))
                continue
            h = plot_h * min(v, top) / top if top else 0
            d.add(Rect(x, base, bar_w - 1, h, fillColor=colour, strokeColor=None))
            d.add(_text(x + bar_w / 2, base + h + 2, _num(round(v, 1)), 5.5, "middle"))
        d.add(_text(left + i * group_w + group_w / 2, base - 10, cat[:8], 6.5, "middle"))
    x = left
    for name, _values, colour in series:
        d.add(Rect(x, height - 10, 8, 8, fillColor=colour, strokeColor=None))
        d.add(_text(x + 10, height - 9, name, 7))
        x += 18 + 7.5 * len(name)
    return d
