"""Page layout shared by letters, forms and reports.

A4 with the school's name at the top of every page and, by the document's audience, a
confidentiality level (`LEVELS`): 机密 for named documents kept by staff, 内部 for group
reports without names, none for what goes home to a family; the foot repeats how to
treat the page and numbers it. A document made of one section per student (individual
reports) names the student in every page's header and numbers pages within the student
(第 1/2 页), so a stack printed for a whole grade can be split per student without a
page getting lost or mixed. Paragraphs wrap Chinese text anywhere (reportlab's CJK
wrap); forms are boxed tables a teacher can fill in by hand. The PDF's metadata names
the form and the school, never the student.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from app.reports.data import INTERNAL, SECRET, UNMARKED
from app.reports.fonts import register_cjk_font

MARGIN = 18 * mm
CONTENT_WIDTH = A4[0] - 2 * MARGIN
TOP_MARGIN = MARGIN + 12 * mm
FRAME_PADDING = 6  # reportlab's Frame default, on each side


def frame_height(stamp: bool) -> float:
    """The height the story has on one page (less with the printed-by stamp)."""
    return A4[1] - TOP_MARGIN - _bottom_margin(stamp) - 2 * FRAME_PADDING


def _bottom_margin(stamp: bool) -> float:
    return MARGIN + (10 if stamp else 6) * mm


#: Confidentiality level → the note at every page's foot ("" for a document going home,
#: which carries no level: a parent's letter is theirs).
LEVELS: dict[str, str] = {
    SECRET: "本材料含学生个人敏感信息，仅限学生心理健康工作使用，请妥善保管，不得复印外传。",
    INTERNAL: "本材料为不含学生姓名的汇总，限校内教育教学工作使用，不对外发布。",
    UNMARKED: "",
}
CHECKED, UNCHECKED = "■", "□"
#: Paragraphs collapse runs of spaces (the ideographic one too): spacing is explicit.
GAP = "&nbsp;" * 4
CONFIDENTIAL_RED = colors.HexColor("#B00020")


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    right: ParagraphStyle
    cell: ParagraphStyle
    small: ParagraphStyle


def _style_maker(spacing: float) -> Callable[..., ParagraphStyle]:
    """Paragraph styles in the CJK font, wrapping between any two characters, the lines
    `spacing` × the size apart unless a style says otherwise."""
    font = register_cjk_font()

    def style(name: str, size: float, line: float = spacing, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * line,
                              wordWrap="CJK", **kw)

    return style


def styles() -> Styles:
    style = _style_maker(1.6)
    return Styles(
        title=style("title", 18, alignment=TA_CENTER, spaceAfter=5 * mm),
        heading=style("heading", 12, spaceBefore=3 * mm, spaceAfter=1.5 * mm),
        body=style("body", 11.5, firstLineIndent=23, spaceAfter=2 * mm),
        right=style("right", 11.5, alignment=TA_RIGHT),
        cell=style("cell", 10.5, 1.45),
        small=style("small", 9, textColor=colors.HexColor("#444444")),
    )


def compact_styles() -> Styles:
    """Reports pack a page with tables and charts: smaller title and tighter headings
    than a letter, the same font."""
    style = _style_maker(1.45)
    return Styles(
        title=style("title", 16, alignment=TA_CENTER, spaceAfter=3 * mm),
        heading=style("heading", 11, spaceBefore=2.5 * mm, spaceAfter=1.2 * mm),
        body=style("body", 10, spaceAfter=1.5 * mm),
        right=style("right", 10, alignment=TA_RIGHT),
        cell=style("cell", 9.5, 1.4),
        small=style("small", 8, textColor=colors.HexColor("#444444")),
    )


def checkbox(ticked: bool, text: str) -> str:
    return f"{CHECKED if ticked else UNCHECKED} {text}"


def form_table(rows: Sequence[Sequence[str | Flowable]], widths: Sequence[float],
               st: Styles, heights: Sequence[float | None] | None = None,
               label_columns: Sequence[int] = (0,)) -> Table:
    """A boxed grid; strings become wrapped paragraphs, label columns are shaded."""
    cells = [[Paragraph(c, st.cell) if isinstance(c, str) else c for c in row] for row in rows]
    table = Table(cells, colWidths=list(widths), rowHeights=heights)
    commands: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), register_cjk_font(), 10.5),
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    commands += [("BACKGROUND", (col, 0), (col, -1), colors.HexColor("#EFEFEF"))
                 for col in label_columns]
    table.setStyle(TableStyle(commands))
    return table


def data_grid(rows: Sequence[Sequence[str]], widths: Sequence[float], size: float = 8.5,
              header_rows: int = 1) -> Table:
    """A table of numbers as reports print them: plain cells (fast for long reports),
    shaded header and first column, numbers centred."""
    table = Table([list(r) for r in rows], colWidths=list(widths), repeatRows=header_rows)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), register_cjk_font(), size, size + 2.5),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#EFEFEF")),
        ("BACKGROUND", (0, header_rows), (0, -1), colors.HexColor("#F7F7F7")),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
        ("ALIGN", (1, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def even_widths(n: int, first: float = 0.16) -> list[float]:
    """`n` column widths over the page: the first a given share, the rest equal."""
    rest = (1 - first) / max(n - 1, 1)
    return [first * CONTENT_WIDTH] + [rest * CONTENT_WIDTH] * (n - 1)


def box(content: str | Flowable, height: float | None, st: Styles) -> Table:
    """A framed area to read or write in, top-aligned."""
    cell = Paragraph(content, st.cell) if isinstance(content, str) else content
    table = Table([[cell]], colWidths=[CONTENT_WIDTH], rowHeights=[height])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), register_cjk_font(), 10.5),
                               ("BOX", (0, 0), (-1, -1), 0.6, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def columns(texts: Sequence[str], n: int, st: Styles) -> Table:
    """Short items (a checklist) in `n` columns inside one frame, filled row by row."""
    rows = [[Paragraph(t, st.cell) for t in texts[i:i + n]] for i in range(0, len(texts), n)]
    rows[-1] += [""] * (n - len(rows[-1]))
    table = Table(rows, colWidths=[CONTENT_WIDTH / n] * n)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), register_cjk_font(), 10.5),
                               ("BOX", (0, 0), (-1, -1), 0.6, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


class PersonStart(Flowable):
    """An invisible mark: the pages from here to the next PersonEnd belong to one
    student, named (`label`: name, class, 学籍号) in each page's header and numbered
    within the student."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label
        self.width = self.height = 0

    def draw(self) -> None:
        return None


class PersonEnd(Flowable):
    """An invisible mark after a student's last flowable (see PersonStart)."""

    def __init__(self) -> None:
        super().__init__()
        self.width = self.height = 0

    def draw(self) -> None:
        return None


def build_pdf(story: list[Flowable], school_name: str, title: str, stamp: str = "",
              invariant: bool = False,
              after_flowable: Callable[[Flowable], None] | None = None,
              level: str = SECRET, foot: str | None = None) -> bytes:
    """The finished PDF. `stamp` is printed on every page above the foot (who printed it,
    when, the school key's fingerprint); `invariant` makes the bytes depend only on the
    content (fixed dates and document id), for exports that must be reproducible;
    `after_flowable` sees each flowable once laid out (progress for long reports);
    `level` is the confidentiality printed in the header (a key of LEVELS); `foot`
    replaces the level's usual note at the foot where the audience is another (a
    summary without names that goes to the district is 内部, but not the school's
    alone)."""
    buffer = io.BytesIO()
    per_person = any(isinstance(f, PersonStart) for f in story)
    doc = _Document(buffer, after_flowable, pagesize=A4, leftMargin=MARGIN,
                    rightMargin=MARGIN, topMargin=TOP_MARGIN,
                    bottomMargin=_bottom_margin(bool(stamp)),
                    title=title, author=school_name, subject=level,
                    creator="青心 心理辅导室学生心理档案", invariant=invariant,
                    # Every page starts in our font, so the PDF names no other.
                    initialFontName=register_cjk_font())

    def decorate(canvas: Canvas, _doc: object) -> None:
        font = register_cjk_font()
        width, height = A4
        top = height - MARGIN
        canvas.saveState()
        canvas.setFont(font, 10)
        canvas.drawString(MARGIN, top - 4 * mm, school_name)
        if level:
            canvas.setStrokeColor(CONFIDENTIAL_RED if level == SECRET else colors.black)
            canvas.setFillColor(CONFIDENTIAL_RED if level == SECRET else colors.black)
            canvas.setLineWidth(1.2)
            canvas.rect(width - MARGIN - 16 * mm, top - 6.5 * mm, 16 * mm, 8 * mm)
            canvas.setFont(font, 12)
            canvas.drawCentredString(width - MARGIN - 8 * mm, top - 4.5 * mm, " ".join(level))
        canvas.setStrokeColor(colors.black)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, top - 8.5 * mm, width - MARGIN, top - 8.5 * mm)
        canvas.setFillColor(colors.HexColor("#444444"))
        canvas.setFont(font, 8.5)
        canvas.drawString(MARGIN, MARGIN - 2 * mm, LEVELS[level] if foot is None else foot)
        if not per_person:
            canvas.drawRightString(width - MARGIN, MARGIN - 2 * mm,
                                   f"第 {canvas.getPageNumber()} 页")
        if stamp:
            canvas.setFont(font, 8)
            canvas.drawString(MARGIN, MARGIN + 2.5 * mm, stamp)
        canvas.restoreState()

    with _binary_streams():
        doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


@contextmanager
def _binary_streams() -> Iterator[None]:
    """Compressed streams without reportlab's ASCII85 layer: every PDF reader takes
    binary streams, and the pure-Python encoder is a tenth of the time of a 3,000-page
    print (the files are 20 % smaller too). reportlab reads the switch as it writes."""
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


class _Document(SimpleDocTemplate):
    """Follows PersonStart/PersonEnd marks: each page of a student names the student at
    its top and says 第 k/N 页, N being a PDF form filled in once the student's last page
    is known (one layout pass, not two)."""

    def __init__(self, buffer: io.BytesIO, after: Callable[[Flowable], None] | None,
                 **kw: object) -> None:
        super().__init__(buffer, **kw)
        self._after = after
        self._person = ""
        self._person_pages = 0
        self._person_count = 0
        self._person_ends = False

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, PersonStart):
            self._person, self._person_pages = flowable.label, 0
            self._person_count += 1
        elif isinstance(flowable, PersonEnd):
            self._person_ends = True
        if self._after is not None:
            self._after(flowable)

    def handle_pageEnd(self) -> None:
        if self._person:
            self._person_pages += 1
            self._person_foot()
        super().handle_pageEnd()

    def _person_foot(self) -> None:
        canvas, font = self.canv, register_cjk_font()
        width, _ = A4
        total = f"person-pages-{self._person_count}"
        numbered = f"第 {self._person_pages}/"
        canvas.saveState()
        canvas.setFont(font, 10)
        canvas.drawRightString(width - MARGIN - 20 * mm, A4[1] - MARGIN - 4 * mm, self._person)
        canvas.setFont(font, 8.5)
        canvas.setFillColor(colors.HexColor("#444444"))
        x = width - MARGIN - 16 * mm
        canvas.drawString(x, MARGIN - 2 * mm, numbered)
        canvas.translate(x + canvas.stringWidth(numbered, font, 8.5), MARGIN - 2 * mm)
        canvas.doForm(total)
        canvas.restoreState()
        if self._person_ends:
            canvas.beginForm(total)
            canvas.setFont(font, 8.5)
            canvas.setFillColor(colors.HexColor("#444444"))
            canvas.drawString(0, 0, f"{self._person_pages} 页")
            canvas.endForm()
            self._person, self._person_ends = "", False
