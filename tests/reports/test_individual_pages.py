"""One student per sheet: each shipped instrument's report fits one A4 page even for the
fullest sheet (critical items, unanswered items, an invalid sheet); every page names its
student and is numbered within the student; PHQ-9 and GAD-7 list every item's answer;
the validity row says 有效 or 疑似无效 with the reason.

Set QINGXIN_REPORTS_DIR to keep the PDFs (and PNGs of their first pages) for a person
to look at."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest
from reportlab.platypus import PageBreak, Paragraph

from app.instruments import load_instrument
from app.reports.layout import PersonEnd, PersonStart, build_pdf, compact_styles
from app.services.reports.individual import print_individual_reports
from app.services.screening.campaigns import create_campaign
from app.services.screening.importing import save_answers
from app.services.students import list_students
from tests.reports.reports_helpers import (
    _import,
    needs_poppler,
    pdf_pages,
    pdf_text,
    render_png,
)

NOW = datetime(2026, 11, 20, 14, 30)


def _keep(path: Path, name: str) -> None:
    folder = os.environ.get("QINGXIN_REPORTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(path.read_bytes())
        render_png(path, 1, Path(folder) / Path(name).stem, dpi=60)


def _worst_answers(code: str) -> list[float | None]:
    """Every critical item answered at its worst, a few items left blank (but scored),
    the highest option elsewhere: the most lines a report can have to say."""
    instrument = load_instrument(code)
    _low, high = instrument.value_range
    answers: list[float | None] = [high] * instrument.item_count
    blanks = [k for k in range(instrument.item_count)
              if k + 1 not in {c.item for c in instrument.critical}][:2]
    for k in blanks:
        answers[k] = None
    return answers


@needs_poppler
@pytest.mark.parametrize("code", ["mht", "mssmhs", "phq9", "gad7"])
def test_each_shipped_instrument_fits_one_page_per_student(store, screened_school, tmp_path, code):
    students = [s for s in list_students(store) if s.grade == 7][:6]
    campaign = create_campaign(store, f"页面 {code}", code,
                               class_ids=sorted({s.class_id for s in students}),
                               starts_on=date(2026, 11, 1))
    _import(store, campaign.id, code, students, 5, date(2026, 11, 2))
    save_answers(store, campaign.id, students[0].id, _worst_answers(code), "entry")
    out = tmp_path / f"{code}.pdf"
    print_individual_reports(store, campaign.id, out, [s.id for s in students[:3]], now=NOW)
    _keep(out, f"individual-{code}.pdf")
    assert pdf_pages(out) == 3
    for page, student in enumerate(students[:3], start=1):
        text = pdf_text(out, page, page)
        assert student.name in text and student.student_no in text
        assert "第 1/1 页" in text and "不是诊断" in text
    worst = pdf_text(out, 1, 1)
    instrument = load_instrument(code)
    for critical in instrument.critical:
        assert f"第 {critical.item} 题" in worst, critical.item


@needs_poppler
def test_phq9_lists_each_answer_and_item_9_is_visible(store, screened_school, tmp_path):
    out = tmp_path / "critical.pdf"
    print_individual_reports(store, screened_school.phq, out,
                             [screened_school.critical_student], now=NOW)
    text = pdf_text(out)
    assert "各题作答" in text
    # The sheet answered item 9 with 2 (一半以上的天数).
    line = next(line for line in text.splitlines() if line.strip().startswith("9 "))
    assert "不如死掉" in line and "一半以上的天数（2）" in line
    assert "有效" in text


@needs_poppler
def test_the_mht_validity_row_says_valid_or_names_the_reason(store, screened_school, tmp_path):
    [student] = [s for s in list_students(store) if s.grade == 7][:1]
    answers: list[float | None] = [0] * 100
    for item in (82, 84, 86, 88, 90, 92, 94, 96, 98, 100):
        answers[item - 1] = 1  # every lie-scale item: the sheet is 疑似无效
    save_answers(store, screened_school.mht, student.id, answers, "entry")
    out = tmp_path / "lie.pdf"
    print_individual_reports(store, screened_school.mht, out, [student.id], now=NOW)
    text = pdf_text(out)
    row = next(line for line in text.splitlines() if "效度（测谎）" in line)
    assert "疑似无效" in row and "效度" in row
    assert "测谎" in text and "偏高" in text
    other = next(s for s in list_students(store) if s.grade == 7 and s.id != student.id)
    print_individual_reports(store, screened_school.mht, out, [other.id], now=NOW)
    text = pdf_text(out)
    row = next(line for line in text.splitlines() if "效度（测谎）" in line)
    assert "有效" in row and "疑似无效" not in row


@needs_poppler
def test_a_long_report_names_the_student_on_every_page_numbered_within(tmp_path):
    """A school instrument whose report runs over a page: 第 1/3 页 … 第 3/3 页, the
    name on each page, and the next student starts again at 第 1/1 页."""
    st = compact_styles()
    story = [PersonStart("张三　初一(3)班　学籍号 G2026001"),
             *[Paragraph(f"第 {i} 段：较长的量表解读文字。" * 8, st.body) for i in range(60)],
             PersonEnd(), PageBreak(),
             PersonStart("李四　初一(3)班　学籍号 G2026002"),
             Paragraph("一页就够。", st.body), PersonEnd()]
    out = tmp_path / "long.pdf"
    out.write_bytes(build_pdf(story, "青心实验中学", "测试", stamp="打印：测试"))
    pages = pdf_pages(out)
    assert pages >= 3
    for page in range(1, pages):
        text = pdf_text(out, page, page)
        assert "张三" in text and f"第 {page}/{pages - 1} 页" in text
    last = pdf_text(out, pages, pages)
    assert "李四" in last and "张三" not in last and "第 1/1 页" in last
