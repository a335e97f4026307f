"""Letters and forms of the referral workflow, as PDFs marked 机密.

- notice (学生心理健康情况告知书): to the parents, with a receipt slip to cut off, sign
  and return — the signed slip is what the 告知家长 step records;
- referral (心理危机学生转介单): for the green-channel hospital, with the checklist as
  assessed, the school's measures, and a part for the doctor's feedback;
- return (学生复学评估表): the return-to-school assessment (病历证明, 评估会议, 复学安排).
They are laid out from `data.LetterContext`; app/services/reports/letters.py reads the
student's file and writes the letter with its audit entry.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from app.errors import BadInputError
from app.instruments.warning import WARNING_LABELS
from app.labels import GENDERS, REFERRAL_INDICATIONS, REFERRAL_RECOMMENDATIONS, label
from app.reports.data import LetterContext
from app.reports.layout import (
    CONTENT_WIDTH,
    GAP,
    Styles,
    box,
    build_pdf,
    checkbox,
    columns,
    form_table,
    styles,
)

BLANK = "_" * 14


def cn_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "________年_____月_____日"


def _who(ctx: LetterContext) -> str:
    return f"{ctx.student.name}（{ctx.student.class_name}）"


def _parents(ctx: LetterContext) -> str:
    """"王芳（母亲）、张建国（祖父）", or a blank line when none is on file."""
    return "、".join(f"{name}（{relation}）" if relation else name
                    for name, relation, _phone in ctx.student.guardians) or BLANK


def _contact(ctx: LetterContext) -> str:
    return (f"心理教师 {ctx.counselor or BLANK}，联系电话："
            f"{ctx.counselor_phone or BLANK}")


def _done(ctx: LetterContext) -> str:
    """The school's measures: the plan's, then what was done, one per line."""
    lines = [ctx.student.measures] if ctx.student.measures else []
    return "<br/>".join(lines + list(ctx.actions))


def notice(ctx: LetterContext, st: Styles) -> list[Flowable]:
    r = ctx.referral
    story: list[Flowable] = [
        Paragraph("学生心理健康情况告知书", st.title),
        Paragraph(f"尊敬的{_parents(ctx)}：", st.heading),
        Paragraph(f"您好！{ctx.school_name}高度重视每一位学生的心理健康。近期，学校心理健康教育"
                  f"工作人员在日常关注和谈话中了解到，您的孩子 {_who(ctx)} 目前的心理状况需要"
                  "引起重视。", st.body)]
    if r is not None and r.indications:
        story.append(Paragraph("学校观察到的主要情况：" + "；".join(t for _, t in r.indications)
                               + "。", st.body))
    if r is not None and r.recommendation != "school_support":
        where = f"（如{r.hospital}）" if r.hospital else "（精神或心理专科）"
        story.append(Paragraph(f"经学校评估，{REFERRAL_RECOMMENDATIONS[r.recommendation]}。"
                               f"请您尽快带孩子到专业医疗机构{where}就诊，接受专业的评估和"
                               "治疗。", st.body))
    else:
        story.append(Paragraph("建议您多陪伴、多倾听，留意孩子情绪、睡眠和饮食的变化，"
                               "必要时带孩子到专业医疗机构就诊。", st.body))
    if ctx.actions:
        story.append(Paragraph("学校已经做了以下工作：" + "；".join(ctx.actions) + "。", st.body))
    story += [
        Paragraph("在此期间，请您：（1）加强看护，确保孩子身边有人陪伴，妥善保管药品、刀具等"
                  "危险物品；（2）以平和的态度与孩子沟通，避免指责和打骂；（3）与班主任和心理教师"
                  "保持联系，及时反馈孩子的情况；（4）就诊后请将医院的意见告知学校，以便学校做好"
                  "相应的支持安排。", st.body),
        Paragraph("学校将对孩子的情况严格保密，并继续给予关心和支持。如有疑问，请联系"
                  f"{_contact(ctx)}。", st.body),
        *([Paragraph("如孩子出现自伤、自杀的言语或行为，请立即陪伴在孩子身边，必要时拨打 120 或 "
                     "110；也可拨打心理援助热线：" + "；".join(ctx.hotlines) + "。", st.body)]
          if ctx.hotlines else []),
        Spacer(1, 6 * mm),
        Paragraph(ctx.school_name, st.right),
        Paragraph(cn_date(ctx.today), st.right),
        Spacer(1, 8 * mm),
        KeepTogether([
            Paragraph("－ － － － － － 请沿此线剪下，将回执交回学校 － － － － － －", st.small),
            Spacer(1, 4 * mm),
            Paragraph("回　执", st.title),
            Paragraph(f"本人已收到{ctx.school_name}关于 {_who(ctx)} 同学心理健康情况的告知书，"
                      "已知悉学校的情况说明和建议。", st.body),
            Paragraph(checkbox(False, "同意尽快带孩子到专业医疗机构就诊，并将就诊意见告知学校"),
                      st.cell),
            Paragraph(checkbox(False, f"暂不就诊，原因：{BLANK}{BLANK}{BLANK}"), st.cell),
            Paragraph(checkbox(False, f"其他：{BLANK}{BLANK}{BLANK}{BLANK}"), st.cell),
            Spacer(1, 5 * mm),
            Paragraph(f"家长签名：{BLANK}{GAP}与学生关系：{BLANK}{GAP}联系电话：{BLANK}",
                      st.cell),
            Spacer(1, 3 * mm),
            Paragraph(f"日期：{cn_date(None)}", st.right),
        ]),
    ]
    return story


def _student_table(ctx: LetterContext, st: Styles) -> Flowable:
    p = ctx.student
    guardians = "；".join(f"{name}（{relation}）{phone}"
                         for name, relation, phone in p.guardians)
    w = CONTENT_WIDTH
    return form_table([
        ["姓名", p.name, "性别", label(GENDERS, p.gender)],
        ["出生日期", cn_date(p.birth_date) if p.birth_date else "", "班级", p.class_name],
        ["学籍号", p.student_no, "预警等级", WARNING_LABELS.get(p.level_code, "")],
        ["监护人及电话", guardians, "转介医院", ctx.referral.hospital if ctx.referral else ""],
    ], [0.16 * w, 0.34 * w, 0.16 * w, 0.34 * w], st, label_columns=(0, 2))


def referral_form(ctx: LetterContext, st: Styles) -> list[Flowable]:
    r = ctx.referral
    if r is None:
        raise BadInputError("该学生没有转介记录，无法打印转介单。")
    ticked = {code for code, _ in r.indications}
    listed = dict(REFERRAL_INDICATIONS) | dict(r.indications)
    w = CONTENT_WIDTH
    return [
        Paragraph("心理危机学生转介单", st.title),
        Paragraph(f"编号：Z{r.id:05d}{GAP}转介日期：{cn_date(r.opened_on)}", st.right),
        Spacer(1, 3 * mm),
        _student_table(ctx, st),
        Paragraph("一、转介原因（学校评估时勾选）", st.heading),
        columns([checkbox(code in ticked, text) for code, text in listed.items()], 2, st),
        Paragraph("二、学校评估意见", st.heading),
        box(f"{REFERRAL_RECOMMENDATIONS[r.recommendation]}。<br/>" + "<br/>".join(r.reasons),
            None, st),
        Paragraph("三、学校已采取的措施", st.heading),
        box(_done(ctx), None if ctx.actions else 16 * mm, st),  # grows with the list
        Spacer(1, 2 * mm),
        Paragraph(f"学校联系人：{_contact(ctx)}", st.cell),
        KeepTogether([
            Paragraph("四、医院反馈（由接诊医生填写后交家长带回学校）", st.heading),
            form_table([
                ["诊断或初步印象", ""],
                ["处理意见", GAP.join(checkbox(False, t) for t in
                                     ("门诊治疗", "住院治疗", "可继续在校学习", "建议休学"))],
                ["对学校的建议", ""],
                ["医生签名", f"{BLANK}{GAP}医院（盖章）{BLANK}{GAP}日期：{cn_date(None)}"],
            ], [0.2 * w, 0.8 * w], st, heights=[16 * mm, None, 16 * mm, 10 * mm]),
        ]),
    ]


def return_form(ctx: LetterContext, st: Styles) -> list[Flowable]:
    r = ctx.referral
    steps = {s.step: s for s in r.steps} if r else {}
    ret, feedback = steps.get("return_assessment"), steps.get("visit_feedback")
    seen = bool(ret and ret.certificate_seen)
    w = CONTENT_WIDTH
    return [
        Paragraph("学生复学评估表", st.title),
        _student_table(ctx, st),
        Paragraph("一、就诊情况", st.heading),
        form_table([
            ["转介日期", cn_date(r.opened_on) if r else ""],
            ["就诊反馈", feedback.note if feedback and feedback.done else ""],
            ["就诊结果", feedback.outcome if feedback else ""],
            ["诊断（家长所述）", feedback.diagnosis if feedback else ""],
            ["病历证明", GAP.join((checkbox(seen, "已查验医院出具的病历证明"),
                                  checkbox(False, "未提供")))],
        ], [0.2 * w, 0.8 * w], st, heights=[None, 18 * mm, None, None, None]),
        Paragraph("二、复学评估会议", st.heading),
        form_table([
            ["会议日期", cn_date(ret.meeting_on if ret else None)],
            ["参会人员", "心理教师、班主任、家长、学校负责人"],
            ["评估意见", ""],
        ], [0.2 * w, 0.8 * w], st, heights=[None, None, 18 * mm]),
        Paragraph("三、复学安排（课程、作息、考试、住宿、同伴支持等）", st.heading),
        box(ret.arrangements if ret else "", 22 * mm, st),
        Paragraph("四、复学后跟踪", st.heading),
        box("复学后由心理教师和班主任每月随访，情况变化时及时与家长沟通，必要时再次转介。",
            None, st),
        KeepTogether([
            Paragraph("五、签名", st.heading),
            form_table([["心理教师", "班主任", "家长", "学校负责人"], ["", "", "", ""],
                        ["____年___月___日"] * 4],
                       [w / 4] * 4, st, heights=[None, 12 * mm, None], label_columns=()),
        ]),
    ]


LETTERS: dict[str, Callable[[LetterContext, Styles], list[Flowable]]] = {
    "notice": notice,
    "referral": referral_form,
    "return": return_form,
}
"""Each letter's story by its code in services.reports.kinds.REPORTS."""


def render_letter(kind: str, ctx: LetterContext, title: str, level: str) -> bytes:
    """`title` (the PDF's metadata) and `level` as kinds.REPORTS has them: the notice goes
    home to the family, theirs to keep, so it carries no level."""
    return build_pdf(LETTERS[kind](ctx, styles()), ctx.school_name, title, level=level)
