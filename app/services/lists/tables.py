"""Each list a teacher can take away, defined once: its title, its columns and its rows.

The CLI prints these tables (text or CSV) and the GUI saves them as workbooks, so a
column added here appears in both. Building a table checks permissions through the
service that reads the rows (a class teacher gets their own class's warning list and is
refused the review queue); it writes nothing. Saving a table is what is audited
(`workbook.export_list_xlsx`, or the CLI's CSV path).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from app.instruments.warning import WARNING_LABELS
from app.labels import REFERRAL_RECOMMENDATIONS
from app.services.capabilities import READ_CONFIDENTIAL, require
from app.services.casefile.family_contacts import family_contacts
from app.services.referral.steps import STEP_LABELS
from app.services.referral.workflow import list_referrals
from app.services.screening.campaigns import get_campaign
from app.services.screening.review import ReviewItem, campaign_review_queue, retest_list
from app.services.today import today_work
from app.services.warning.decisions import KeyStudentRow, key_list
from app.store.handle import Store

KEY_LEVELS = ("key", "crisis")
"""重点名单: the students at 重点关注 or 危机, the ones with a pairing and monthly care."""


@dataclass(frozen=True)
class ListTable:
    """One list as a table: `title` names the file's sheet and the audit entry;
    `unit` counts its rows in words (人, 条, 项)."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    unit: str = "人"

    def only(self, student_ids: Collection[int], ids: Sequence[int]) -> ListTable:
        """The rows whose student is in `student_ids` (`ids` gives each row's student):
        what a filtered page shows is what it exports."""
        keep = set(student_ids)
        rows = tuple(r for r, sid in zip(self.rows, ids, strict=True) if sid in keep)
        return ListTable(self.title, self.header, rows, self.unit)


@dataclass(frozen=True)
class StudentTable:
    """A table and, row by row, whose it is (for `ListTable.only`)."""

    table: ListTable
    student_ids: tuple[int, ...]

    def only(self, student_ids: Collection[int] | None) -> ListTable:
        return self.table if student_ids is None else self.table.only(student_ids,
                                                                     self.student_ids)


WARNING_HEADER = ("学籍号", "姓名", "班级", "预警等级", "起始日期", "下次随访", "逾期天数",
                  "双结对")
REFERRAL_HEADER = ("学籍号", "姓名", "班级", "开启日期", "评估建议", "当前步骤", "应完成日期",
                   "逾期天数", "状态")
TODAY_HEADER = ("学籍号", "姓名", "班级", "事项", "应完成", "逾期天数")
REVIEW_HEADER = ("学籍号", "姓名", "班级", "测评批次", "量表", "总分", "分级",
                 "超出界限的分量表", "关键题作答", "效度", "当前等级", "等级确定日期",
                 "建议等级", "建议依据", "约谈日期")
RETEST_HEADER = ("学籍号", "姓名", "班级", "量表", "疑似无效原因", "关键题作答")
FAMILY_HEADER = ("学籍号", "姓名", "班级", "预警等级", "家长联系方式", "本学期最近家校联系",
                 "联系方式", "三方沟通")


def warning_table(store: Store, today: date | None = None, *,
                  levels: Collection[str] | None = None) -> StudentTable:
    """心理危机学生动态信息库 (every level above 无), or with `levels=KEY_LEVELS` the
    重点名单."""
    rows = [r for r in key_list(store, today) if levels is None or r.level in levels]
    title = "重点名单" if levels is not None and set(levels) == set(KEY_LEVELS) \
        else "心理危机学生动态信息库"
    return StudentTable(ListTable(title, WARNING_HEADER, tuple(_warning_row(r) for r in rows)),
                        tuple(r.student_id for r in rows))


def _warning_row(r: KeyStudentRow) -> tuple[object, ...]:
    return (r.student_no, r.name, r.class_name, WARNING_LABELS[r.level], r.since, r.next_due,
            r.overdue_days if r.overdue else None,
            (r.pairing_gap or "已落实") if r.level in KEY_LEVELS else "")


def referral_table(store: Store, today: date | None = None, *,
                   include_closed: bool = False) -> ListTable:
    rows = list_referrals(store, today, include_closed=include_closed)
    return ListTable("转介名单", REFERRAL_HEADER, tuple(
        (r.student_no, r.name, r.class_name, r.referral.opened_on,
         REFERRAL_RECOMMENDATIONS[r.referral.recommendation],
         STEP_LABELS[r.next_step.step] if r.next_step else "",
         r.next_step.due_on if r.next_step else "",
         r.overdue_days or None,
         "已完成" if r.referral.closed else "进行中") for r in rows), unit="条")


def today_table(store: Store, today: date | None = None) -> ListTable:
    work = today_work(store, today)
    return ListTable("今日工作", TODAY_HEADER, tuple(
        (i.student_no, i.name, i.class_name, i.what, i.due_on, i.overdue_days)
        for i in work.items), unit="项")


def review_table(store: Store, campaign_id: int | None,
                 today: date | None = None) -> StudentTable:
    """筛查后复核名单 with each student's evidence: one campaign's, or with None the
    school year's (every campaign's queue, as the review page offers)."""
    require(store, READ_CONFIDENTIAL)
    items = campaign_review_queue(store, campaign_id, today)
    names = {cid: get_campaign(store, cid).name for cid in {i.campaign_id for i in items}}
    return StudentTable(ListTable("复核名单", REVIEW_HEADER,
                                  tuple(_review_row(i, names[i.campaign_id]) for i in items)),
                        tuple(i.student_id for i in items))


def _review_row(item: ReviewItem, campaign: str) -> tuple[object, ...]:
    ev = item.evidence
    total = ev.total if ev else None
    return (
        item.student_no, item.name, item.class_name, campaign, item.instrument,
        None if total is None or total.score is None else whole(total.score),
        total.band_label if total else "",
        "；".join(e.text for e in ev.elevated if e.code != "total") if ev else "",
        "；".join(c.text for c in ev.critical) if ev else "",
        "；".join(ev.validity) if ev and ev.validity else "有效",
        WARNING_LABELS[item.current_level], item.level_decided_on,
        WARNING_LABELS[item.suggested.level], "；".join(item.suggested.reasons),
        item.interview_due)


def retest_table(store: Store, campaign_id: int) -> ListTable:
    """重测名单: the 疑似无效 sheets and why."""
    require(store, READ_CONFIDENTIAL)
    items = retest_list(store, campaign_id)
    return ListTable("重测名单", RETEST_HEADER, tuple(
        (i.student_no, i.name, i.class_name, i.instrument,
         "；".join(i.evidence.validity) if i.evidence and i.evidence.validity
         else i.validity_note,
         "；".join(c.text for c in i.evidence.critical) if i.evidence else "")
        for i in items))


def family_table(store: Store, today: date | None = None) -> StudentTable:
    """家校沟通: the key students' families, the ones not reached this term first."""
    contacts = family_contacts(store, today)
    return StudentTable(ListTable(f"家校沟通（{contacts.term_label}）", FAMILY_HEADER, tuple(
        (r.student_no, r.name, r.class_name, WARNING_LABELS[r.level],
         r.guardians or "未登记", r.last_contact or "本学期未联系", r.last_kind,
         r.three_way_on or "未开展") for r in contacts.rows)),
        tuple(r.student_id for r in contacts.rows))


def whole(score: float) -> float | int:
    """16.0 is written 16: sums are whole numbers, means keep their decimals."""
    return int(score) if float(score).is_integer() else score
