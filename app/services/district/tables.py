"""The tables of a district export, built from the term's statistics (statistics/term.py:
per instrument, each student once).

Tables are "long": one row per instrument × scale × group × band, with stable codes
beside the Chinese labels, so the district can pivot them and `district aggregate` can
add up 500 schools without knowing any instrument. Suppressed cells keep their mark
("<5", "*") as text. The school-wide counts of key students by level and of referrals
are exact — they are what the district asks for, and a school-wide count names nobody —
while every breakdown of them (by grade) is suppressed like the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.instruments.warning import WARNING_LABELS
from app.labels import GENDERS, GROUP_KINDS, label
from app.models import Referral, ReferralStep, SchoolClass, Student
from app.reports.sheets import rate
from app.services.casefile.versions import current
from app.services.district.cells import ExportCells
from app.services.district.school_keys import pseudonym
from app.services.referral.steps import OUTCOMES, STEP_TABLE
from app.services.referral.workflow import referral_rows
from app.services.roster.normalize import grade_display_name
from app.services.statistics.campaign import CampaignStats
from app.services.statistics.suppression import Cell
from app.services.statistics.tables import ATTENDANCE_FIELDS, LEVEL_ORDER
from app.services.warning.decisions import KeyStudentRow
from app.services.warning.levels import NONE, current_levels

Value = str | int | float | date | None


@dataclass(frozen=True)
class ExportTable:
    """One table as it leaves the school: a sheet of the workbook, a table of the JSON
    data file, a section of the PDF."""

    code: str
    title: str
    keys: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]
    note: str = ""


def _v(cell: Cell) -> int | str:
    return cell.export_value()


def _share(cell: Cell, total: Cell) -> float | None:
    """A share with one decimal, as every district file prints rates."""
    if cell.hidden or total.hidden:
        return None
    return rate(cell.value, total.value)


def _kind(kind: str) -> tuple[str, str]:
    """A group kind's code (for machines) and its words (全校/性别/年级)."""
    return kind, label(GROUP_KINDS, kind)


_CAMPAIGN_KEYS = ("instrument", "instrument_name", "campaigns")
_CAMPAIGN_COLS = ("量表代码", "量表", "计入的测评批次")


def _campaign_cols(s: CampaignStats) -> tuple[Value, ...]:
    """A term's count of one instrument (statistics/term.py): the campaigns it took in."""
    return (s.campaign.instrument_code, s.campaign.instrument_label, s.campaign.name)


def participation(stats: Sequence[CampaignStats], cells: ExportCells) -> ExportTable:
    fields = tuple(ATTENDANCE_FIELDS)
    rows = []
    for i, s in enumerate(stats):
        for name in ["全体", *(g for g, _ in s.by_grade)]:
            kind = "all" if name == "全体" else "grade"
            rows.append((*_campaign_cols(s), *_kind(kind), "全校" if kind == "all" else name,
                         *(_v(cells[("att", i, name, f)]) for f in fields),
                         _share(cells[("att", i, name, "done")], cells[("att", i, name, "due")])))
    return ExportTable(
        "participation", "参测情况",
        (*_CAMPAIGN_KEYS, "group_kind", "group_kind_label", "group", *fields, "completion_pct"),
        (*_CAMPAIGN_COLS, "分组类型代码", "分组类型", "分组",
         *(ATTENDANCE_FIELDS[f] for f in fields), "完成率%"), tuple(rows),
        "请假、免测、已排除不计入应测；完成率 = 完成 ÷ 应测。应测与完成为实数，"
        "请假、免测、已排除按小格规则隐去。")


def bands(stats: Sequence[CampaignStats], cells: ExportCells) -> ExportTable:
    rows = []
    for i, s in enumerate(stats):
        for unit in s.units:
            for g, group in enumerate(cells.groups.get((i, unit.code), ())):
                key = ("band", i, unit.code, g)
                scored = cells[(*key, "scored")]
                entries = [(b.code, b.label, b.warning, cells[(*key, b.code)])
                           for b in unit.bands]
                entries.append(("_concern", "需关注（合计）", "", cells[(*key, "concern")]))
                for code, band_label, warning, cell in entries:
                    rows.append((*_campaign_cols(s), unit.code, unit.name, *_kind(group.kind),
                                 group.value, "全校" if group.kind == "all" else group.label,
                                 code, band_label, warning, label(WARNING_LABELS, warning),
                                 _v(cell), _v(scored), _share(cell, scored)))
    return ExportTable(
        "bands", "分级人数",
        (*_CAMPAIGN_KEYS, "unit", "unit_name", "group_kind", "group_kind_label", "group_value",
         "group", "band", "band_label", "warning", "warning_label", "count", "scored",
         "share_pct"),
        (*_CAMPAIGN_COLS, "分量表代码", "分量表", "分组类型代码", "分组类型", "分组代码", "分组",
         "区间代码", "区间", "建议预警代码", "建议预警", "人数", "计分人数", "占比%"), tuple(rows),
        "“需关注（合计）”为建议预警在“无”以上的各区间人数之和。")


def warnings(stats: Sequence[CampaignStats], cells: ExportCells) -> ExportTable:
    rows = []
    for i, s in enumerate(stats):
        total = cells[("sugg", i, "total")]
        for code in LEVEL_ORDER:
            cell = cells[("sugg", i, code)]
            rows.append((*_campaign_cols(s), code, WARNING_LABELS[code], _v(cell), _v(total),
                         _share(cell, total)))
    return ExportTable(
        "warnings", "筛查建议预警",
        (*_CAMPAIGN_KEYS, "level", "level_label", "count", "sheets", "share_pct"),
        (*_CAMPAIGN_COLS, "等级代码", "建议预警等级", "人数", "答卷数", "占比%"), tuple(rows),
        "系统按分界值和关键题对本学期每名学生最后一次有效答卷给出的建议，不是教师确定的等级。")


def change(stats: Sequence[CampaignStats], cells: ExportCells) -> ExportTable:
    rows = []
    for i, s in enumerate(stats):
        if s.previous is None:
            continue
        for unit in s.units:
            if ("prev", i, unit.code, "scored") not in cells.cells:
                continue
            nc, nt = cells[("band", i, unit.code, 0, "concern")], \
                cells[("band", i, unit.code, 0, "scored")]
            pc, pt = cells[("prev", i, unit.code, "concern")], \
                cells[("prev", i, unit.code, "scored")]
            ns, ps = _share(nc, nt), _share(pc, pt)
            rows.append((*_campaign_cols(s), s.previous.campaign.name, unit.code, unit.name,
                         _v(nc), _v(nt), ns, _v(pc), _v(pt), ps,
                         round(ns - ps, 1) if ns is not None and ps is not None else None))
    return ExportTable(
        "change", "与上次比较",
        (*_CAMPAIGN_KEYS, "previous_campaigns", "unit", "unit_name", "concern", "scored",
         "share_pct", "previous_concern", "previous_scored", "previous_share_pct",
         "change_points"),
        (*_CAMPAIGN_COLS, "上学期计入的批次", "分量表代码", "分量表", "本次需关注", "本次计分人数",
         "本次占比%", "上次需关注", "上次计分人数", "上次占比%", "变化（百分点）"),
        tuple(rows), "同一量表上一学期的计数（每名学生计一次，按学生现在所在年级与班级统计）。")


def key_student_counts(session: Session) -> tuple[dict[tuple[str, object], int], list[int]]:
    """Current decided levels of students in school, by level × (grade | "all"), and the
    grades: the cells of 预警等级人数 (exact school-wide, suppressed by grade). A crosstab
    of level × grade (pandas, imported when an export is made)."""
    import pandas as pd

    levels = current_levels(session)
    students = session.execute(
        select(Student.id, SchoolClass.grade).join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(Student.status.in_(("enrolled", "suspended")))).all()
    grades = sorted({g for _, g in students})
    frame = pd.DataFrame(students, columns=["student", "grade"])
    frame["level"] = [levels[sid].level if sid in levels else NONE for sid in frame["student"]]
    table = (pd.crosstab(frame["level"], frame["grade"]) if len(frame)
             else pd.DataFrame()).reindex(index=list(LEVEL_ORDER), columns=grades, fill_value=0)
    counts: dict[tuple[str, object], int] = {}
    for lv in LEVEL_ORDER:
        counts[(lv, "all")] = int(table.loc[lv].sum())
        counts.update({(lv, g): int(table.at[lv, g]) for g in grades})
    return counts, grades


def key_students(cells: ExportCells) -> ExportTable:
    rows = [(lv, WARNING_LABELS[lv], *_kind("all" if g == "all" else "grade"),
             "全校" if g == "all" else grade_display_name(g), _v(cells[("lvl", lv, g)]))
            for lv in LEVEL_ORDER for g in ["all", *cells.key_grades]]
    return ExportTable("key_students", "预警等级人数",
                       ("level", "level_label", "group_kind", "group_kind_label", "group",
                        "count"),
                       ("等级代码", "预警等级", "分组类型代码", "分组类型", "分组", "人数"),
                       tuple(rows),
                       "在校学生目前由心理教师确定的预警等级。全校合计为实数，按年级的人数按小格规则隐去。")


def referrals(session: Session, start: date, end: date, today: date) -> ExportTable:
    opened = session.scalar(select(func.count(Referral.id))
                            .where(Referral.opened_on >= start, Referral.opened_on <= end)) or 0
    open_now = len(referral_rows(session, today))
    return ExportTable("referrals", "转介情况", ("measure", "label", "count"),
                       ("指标", "说明", "人数"),
                       (("opened_in_period", f"本学期（{start}–{end}）开启的转介", opened),
                        ("open_now", "报送时仍在进行中的转介", open_now)),
                       "全校合计，不按年级或班级拆分。")


def referral_outcomes(session: Session, start: date, end: date) -> dict[str, int]:
    """Referrals whose 就诊反馈 was recorded in the term, by outcome: each referral once,
    by the last outcome recorded in the term (current versions, not skipped)."""
    # The step that records an outcome (就诊反馈), found by what it records: its code
    # lives in the step table only.
    feedback = [s.code for s in STEP_TABLE if "outcome" in s.fields]
    steps = current(session.scalars(
        select(ReferralStep).where(ReferralStep.step.in_(feedback))))
    latest: dict[int, ReferralStep] = {}
    for step in steps:
        if step.skipped or step.outcome not in OUTCOMES or not start <= step.done_on <= end:
            continue
        seen = latest.get(step.referral_id)
        if seen is None or (step.done_on, step.id) > (seen.done_on, seen.id):
            latest[step.referral_id] = step
    counts = dict.fromkeys(OUTCOMES, 0)
    for step in latest.values():
        counts[step.outcome] += 1
    return counts


def outcomes(cells: ExportCells) -> ExportTable:
    rows = [(code, label, _v(cells[("out", code)])) for code, label in OUTCOMES.items()]
    rows.append(("total", "合计", _v(cells[("out", "total")])))
    return ExportTable("outcomes", "转介就诊结果", ("outcome", "label", "count"),
                       ("结果代码", "就诊结果", "人数"), tuple(rows),
                       "本学期登记了就诊反馈的转介，每个转介按本学期最后一次登记的结果计一次。"
                       "人数按小格规则隐去。")


def key_student_list(session: Session, rows: Sequence[KeyStudentRow], mode: str,
                     secret: bytes, open_referrals: set[int]) -> ExportTable:
    """One row per key student: under a code ("pseudonymous") or with name, 学籍号 and
    class as well ("named"). The code is the same every term (school_keys.pseudonym)."""
    ids = [r.student_id for r in rows]
    info = dict((sid, (gender, grade)) for sid, gender, grade in session.execute(
        select(Student.id, Student.gender, SchoolClass.grade)
        .join(SchoolClass, SchoolClass.id == Student.class_id).where(Student.id.in_(ids))))
    severity = {code: i for i, code in enumerate(LEVEL_ORDER)}
    out = []
    for r in rows:
        gender, grade = info[r.student_id]
        common = (grade_display_name(grade), label(GENDERS, gender), r.level,
                  WARNING_LABELS[r.level], r.since, r.next_due, r.overdue_days,
                  "是" if r.student_id in open_referrals else "否")
        code = pseudonym(secret, r.student_id)
        named = (r.name, r.student_no, r.class_name) if mode == "named" else ()
        out.append((severity[r.level], code, (code, *named, *common)))
    out.sort(key=lambda x: (x[0], x[1]))
    keys = ("code", *(("name", "student_no", "class") if mode == "named" else ()), "grade",
            "gender", "level", "level_label", "since", "next_followup", "overdue_days",
            "referral_open")
    columns = ("编码", *(("姓名", "学籍号", "班级") if mode == "named" else ()), "年级", "性别",
               "等级代码", "预警等级", "起始日期", "下次随访", "逾期天数", "转介进行中")
    note = ("编码由本校密钥生成，同一学生每学期相同；区里无法由编码查到学生。" if mode != "named"
            else "含姓名和学籍号：请按区里的规定保管和使用。")
    return ExportTable("key_student_list", "重点学生名单", keys, columns,
                       tuple(row for _, _, row in out), note)
