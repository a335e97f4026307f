"""知情同意书: one page per student of a class in a campaign, to send home before the
screening, with the campaign, what is asked and why, how answers are kept, and the
choice 同意 / 不同意 to tick and sign.

It goes home, so it carries no confidentiality stamp (like the 告知书). The returned
choices are recorded as participation consent (参测状态 → 知情同意), which the
deployment's consent policy then applies (app/services/screening/consent.py). The
renderer gets the names and words only; app/services/reports/consent_form.py reads
them and writes the file with its audit entry.
"""

from __future__ import annotations

from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from app.errors import BadInputError
from app.reports.data import UNMARKED
from app.reports.layout import CONTENT_WIDTH, Styles, build_pdf, checkbox, form_table, styles
from app.reports.letters import cn_date

TITLE = "学生心理健康测评知情同意书"


def _page(school: str, campaign: str, instrument: str, student: str, class_name: str,
          opt_in: bool, today: date, st: Styles) -> list[Flowable]:
    w = CONTENT_WIDTH
    refuse = ("如您不同意，孩子将不参加本次测评，学校不会因此对孩子有任何不利对待。"
              if not opt_in else
              "只有家长勾选“同意”并签字交回的，孩子才参加本次测评；未交回视为不参加。")
    return [
        Paragraph(TITLE, st.title),
        Paragraph("尊敬的家长：", st.heading),
        Paragraph(f"您好！为了解学生的心理健康状况、及早发现需要关心和帮助的学生，{school}将开展"
                  f"“{campaign}”心理健康测评，使用的问卷是《{instrument}》。测评在学校统一组织"
                  "下进行，问卷询问孩子近期的情绪、睡眠、学习和人际等方面的感受，"
                  "没有对错之分。", st.body),
        Paragraph("测评结果只用于学校心理健康教育工作：由学校心理教师查看和解释，不公开、不排名、"
                  "不作为评优和升学的依据，按规定加密保存。结果提示孩子可能需要关心时，心理教师会"
                  "与孩子谈话，并与您联系。", st.body),
        Paragraph(f"参加测评是自愿的。{refuse}请您与孩子沟通后，在下方选择并签字，于开测前交回"
                  "班主任。", st.body),
        Spacer(1, 4 * mm),
        form_table([["学生姓名", student, "班级", class_name]],
                   [0.18 * w, 0.32 * w, 0.18 * w, 0.32 * w], st),
        Spacer(1, 4 * mm),
        Paragraph(checkbox(False, "同意孩子参加本次心理健康测评"), st.body),
        Paragraph(checkbox(False, "不同意孩子参加本次心理健康测评"), st.body),
        Spacer(1, 6 * mm),
        form_table([["家长签名", "", "与学生关系", ""], ["联系电话", "", "日期", cn_date(None)]],
                   [0.18 * w, 0.32 * w, 0.18 * w, 0.32 * w], st, heights=[12 * mm, None]),
        Spacer(1, 8 * mm),
        Paragraph(school, st.right),
        Paragraph(cn_date(today), st.right),
    ]


def render_consent_forms(school: str, campaign: str, instrument: str, class_name: str,
                         students: list[str], opt_in: bool, today: date,
                         level: str = UNMARKED) -> bytes:
    """`opt_in`: only a returned 同意 takes part (deploy.toml consent = "opt-in"), which
    the form says, since a form not returned then means not taking part."""
    if not students:
        raise BadInputError(f"{class_name}在这次测评中没有应测的学生。")
    st = styles()
    story: list[Flowable] = []
    for n, name in enumerate(students):
        if n:
            story.append(PageBreak())
        story += _page(school, campaign, instrument, name, class_name, opt_in, today, st)
    return build_pdf(story, school, TITLE, level=level)
