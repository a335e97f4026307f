"""Printing a student's whole 一生一策 file (renderer: app/reports/casefile.py).

For a handover to the next school or teacher, or an inspection: every part of the file
as the printing account may read it — counselling staff the full file with its
confidential notes, a class teacher the summary their screen shows (parts they may not
read are named and marked （保密）, not silently left out). Reading and writing happen in
one transaction with the "student_print" audit entry, as for the letters.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from app.atomic import write_atomic
from app.instruments.warning import WARNING_LABELS
from app.labels import (
    ATTACHMENT_KINDS,
    COUNSELLING_KINDS,
    FOLLOWUP_KINDS,
    GENDERS,
    PAIRING_ROLES,
    PLAN_CATEGORIES,
    PLAN_OUTCOMES,
    REFERRAL_RECOMMENDATIONS,
    RISK_FACTORS,
    SIGNAL_SOURCES,
    STUDENT_STATUSES,
    label,
)
from app.models import School
from app.reports.data import FileSection, PrintedFile
from app.services import audit
from app.services.casefile.access import load_student, read_audited
from app.services.casefile.rows import AttachmentRow, StepRow, StudentFile
from app.services.casefile.snapshot import build_file
from app.services.referral.attachments import size_text, type_name
from app.services.referral.steps import OUTCOMES, STEP_LABELS
from app.services.reports.kinds import BY_CODE
from app.services.today import local_date
from app.store.handle import Store

HIDDEN = "（保密：本账户打印的摘要不含此部分）"


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def file_sections(f: StudentFile) -> tuple[FileSection, ...]:
    """The file's parts in the order of the file window's tabs."""
    full = f.full
    out = [
        FileSection("一、家长联系方式", ("关系", "姓名", "联系电话", "备注"),
                    tuple((g.relation, g.name, g.phone, g.note) for g in f.guardians),
                    (0.14, 0.2, 0.24, 0.42), "未登记"),
        FileSection("二、预警等级", ("确定日期", "等级", "理由", "确定人"),
                    tuple((_day(d.decided_on), WARNING_LABELS.get(d.level, d.level),
                           d.reason if full else "（保密）", d.decided_by)
                          for d in f.warning_history), (0.16, 0.14, 0.54, 0.16), "未定级"),
        FileSection("三、风险因素", ("因素", "登记日期", "来源", "说明", "解除日期"),
                    tuple((label(RISK_FACTORS, r.code), _day(r.noted_on), r.source,
                           r.note if full else "（保密）", _day(r.resolved_on))
                          for r in f.risk_factors), (0.16, 0.15, 0.15, 0.39, 0.15)),
        FileSection("四、筛查记录", ("测评日期", "测评批次", "总分", "有效", "关键题"),
                    tuple((_day(s.taken_on), s.campaign_name,
                           "" if s.total is None else f"{s.total:g}", "是" if s.valid else "否",
                           "、".join(f"第 {i} 题" for i in s.critical_items))
                          for s in f.screening) if full else (),
                    (0.15, 0.35, 0.12, 0.1, 0.28), "无" if full else HIDDEN),
    ]
    plan = f.plan
    plan_rows = ((("类别", label(PLAN_CATEGORIES, plan.category)), ("目标", plan.goals),
                  ("措施", plan.measures), ("责任人", plan.responsible),
                  ("下次评估", _day(plan.next_review_on)),
                  ("状态", "已结案" if plan.closed else "进行中")) if plan else ())
    out += [
        FileSection("五、一生一策计划", ("项目", "内容"), plan_rows, (0.18, 0.82), "尚未制定"),
        FileSection("六、计划评估", ("评估日期", "结论", "说明", "下次评估"),
                    tuple((_day(r.reviewed_on), label(PLAN_OUTCOMES, r.outcome),
                           r.note if full else "（保密）", _day(r.next_review_on))
                          for r in f.plan_reviews), (0.16, 0.16, 0.52, 0.16)),
        FileSection("七、结对（双结对、朋辈支持）", ("角色", "人员", "开始", "结束", "说明"),
                    tuple((label(PAIRING_ROLES, p.role), p.person, _day(p.started_on),
                           _day(p.ended_on), p.note) for p in f.pairings),
                    (0.18, 0.18, 0.15, 0.15, 0.34)),
        FileSection("八、各方反映", ("日期", "来源", "反映人", "情况"),
                    tuple((_day(s.reported_on), label(SIGNAL_SOURCES, s.source), s.reporter,
                           s.description if full else "（保密）") for s in f.signals),
                    (0.14, 0.14, 0.16, 0.56)),
        FileSection("九、辅导与家校联系", ("日期", "类别", "参与人", "内容", "下一步"),
                    tuple((_day(c.held_on), label(COUNSELLING_KINDS, c.kind), c.participants,
                           c.content, c.next_step) for c in f.counselling) if full else (),
                    (0.13, 0.12, 0.15, 0.4, 0.2), "无" if full else HIDDEN),
        FileSection("十、随访", ("类别", "应完成", "完成日期", "说明"),
                    tuple((label(FOLLOWUP_KINDS, u.kind), _day(u.due_on), _day(u.done_on),
                           u.note if full else "") for u in f.followups),
                    (0.2, 0.16, 0.16, 0.48)),
        FileSection("十一、转介", ("开启日期", "评估建议", "已完成的步骤与就诊结果", "附件"),
                    tuple((_day(r.opened_on), label(REFERRAL_RECOMMENDATIONS, r.recommendation),
                           "\n".join(_step_line(s, full)
                                     for s in r.steps if s.done_on and not s.skipped),
                           "\n".join(_attachment_line(a) for a in f.attachments_of(r.id))
                           or "无")
                          for r in f.referrals), (0.12, 0.15, 0.45, 0.28)),
    ]
    return tuple(out)


def _step_line(s: StepRow, full: bool) -> str:
    """A step done, with the visit's coded outcome (in clear: every reader of the file
    sees it) and the diagnosis the family reported (sealed: staff only)."""
    line = f"{STEP_LABELS[s.step]} {_day(s.done_on)}"
    if s.outcome:
        line += f"（就诊结果：{label(OUTCOMES, s.outcome)}"
        if full:
            line += f"；家长反映的诊断：{s.diagnosis or '未填写'}）"
        else:
            line += "；诊断：（保密））"
    return line


def _attachment_line(a: AttachmentRow) -> str:
    """What a scan is, never what it says."""
    return (f"{label(ATTACHMENT_KINDS, a.kind)} {local_date(a.added_at).isoformat()} "
            f"{type_name(a.file_type)} {size_text(a.size)}")


def print_file(store: Store, student_id: int, out: Path, today: date | None = None) -> Path:
    """Write the file as a PDF to `out`; a class teacher gets their class's summary."""
    from app.reports.casefile import render_file  # reportlab: paid for when printing

    today = today or date.today()
    full = read_audited(store, student_id, lambda _session, _student, full: full)
    with store.write() as session:
        student = load_student(session, student_id)
        f = build_file(session, student, full, today)
        school = session.scalar(select(School).limit(1))
        p = f.profile
        doc = PrintedFile(
            school.name if school else "",
            f"{p.name}　{label(GENDERS, p.gender)}　{f.class_name}　学籍号 {p.student_no}　"
            f"{label(STUDENT_STATUSES, p.status)}",
            f"{today.year}年{today.month}月{today.day}日由 {store.user.display_name} 打印；"
            + ("含保密内容，仅供心理辅导工作使用。" if full
               else "班主任可见的摘要，不含保密内容。"),
            file_sections(f))
        level = BY_CODE["casefile"].level
        write_atomic(out, render_file(doc, level), private=True)
        audit.record(session, store.user.username, "student_print", "student", student_id,
                     "一生一策档案（完整）" if full else "一生一策档案（摘要）")
    return out
