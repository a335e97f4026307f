"""A student's 一生一策 file printed whole, for a handover or an inspection.

Laid out from `data.PrintedFile`: a title, who the student is, who printed it and
whether confidential content is in it, then one boxed table per part of the file (a part
with nothing in it says so rather than disappearing, so a reader knows it was not left
out). app/services/reports/casefile.py decides what the printing role may see.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from app.reports.data import FileSection, PrintedFile
from app.reports.layout import CONTENT_WIDTH, Styles, build_pdf, form_table, styles

TITLE = "学生心理成长档案（一生一策）"


def _section(section: FileSection, st: Styles) -> list[Flowable]:
    heading = Paragraph(section.title, st.heading)
    if not section.rows:
        return [KeepTogether([heading, Paragraph(section.empty, st.body)])]
    widths = [CONTENT_WIDTH * w for w in section.widths]
    rows = [[escape(cell).replace("\n", "<br/>") for cell in row]
            for row in (section.header, *section.rows)]  # teachers' text, not markup
    table = form_table(rows, widths, st, label_columns=())
    table.repeatRows = 1
    return [heading, table]


def render_file(doc: PrintedFile, level: str) -> bytes:
    st = styles()
    story: list[Flowable] = [Paragraph(TITLE, st.title),
                             Paragraph(doc.student_line, st.heading),
                             Paragraph(doc.printed_line, st.small),
                             Spacer(1, 2 * mm)]
    for section in doc.sections:
        story += _section(section, st)
    return build_pdf(story, doc.school_name, TITLE, level=level)
