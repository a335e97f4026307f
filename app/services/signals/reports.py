"""Filing a 反映, listing them, and the counselling room's decision on each.

A 班主任 or 年级组长 files for a student they see (classes.scope; another student is
refused with exit 5, and the refusal is audited). The text is sealed to the report box
(box.py) and opened at the next staff sign-in (inbox.py); the filer's list shows the
student, source, severity, date and status, never the text. A counselling teacher's
filing goes straight into the file. Until a counselling teacher has read a report and
recorded a decision (SIGNAL_DECISIONS), it heads 今日工作 (today.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.changes import Changes, ChangesWithId, in_file
from app.errors import BadInputError, PermissionDeniedError
from app.labels import ROLES, SIGNAL_DECISIONS, SIGNAL_SEVERITIES, SIGNAL_SOURCES, label
from app.models import ReportedSignal, SchoolClass, SignalReport, Student
from app.services import audit
from app.services.accounts.user_names import display_names
from app.services.capabilities import (
    FILE_SIGNAL,
    READ_CONFIDENTIAL,
    WRITE_CASEFILE,
    require,
    user_may,
)
from app.services.casefile.access import check_past, in_scope, load_student
from app.services.casefile.entries import insert_entry
from app.services.casefile.versions import newest_ids
from app.services.roster.file import class_display_name
from app.services.signals.box import current_box, seal_report
from app.store.handle import Store

TEXT_LIMIT = 2000
REPORTER_LIMIT = 60


def code_of(table: dict[str, str], value: str, what: str) -> str:
    """A code given as itself, as its wording, or as a part of exactly one wording
    (「伤人毁物」 for 涉及伤人毁物), so the command line takes what a teacher would type."""
    value = (value or "").strip()
    if value in table:
        return value
    matches = [code for code, words in table.items() if value and value in words]
    if len(matches) == 1:
        return matches[0]
    raise BadInputError(f"{what}「{value}」无法识别。可选：{'、'.join(table.values())}。")


@dataclass(frozen=True)
class Filing:
    """What a teacher filled in, checked (`check_filing`) before anything is written."""

    source: str
    severity: str
    seen_on: date
    text: str
    reporter: str = ""


def check_filing(source: str, severity: str, seen_on: date | None, text: str,
                 reporter: str = "", today: date | None = None) -> Filing:
    """The fields checked in the order of the form; `seen_on` None is today."""
    text = (text or "").strip()
    if not text:
        raise BadInputError("请填写「看到的情况」：反映的内容不能为空。")
    if len(text) > TEXT_LIMIT:
        raise BadInputError(f"「看到的情况」不能超过 {TEXT_LIMIT} 个字。")
    reporter = (reporter or "").strip()
    if len(reporter) > REPORTER_LIMIT:
        raise BadInputError(f"「反映人」不能超过 {REPORTER_LIMIT} 个字。")
    return Filing(code_of(SIGNAL_SOURCES, source, "信息来源"),
                  code_of(SIGNAL_SEVERITIES, severity, "严重程度"),
                  check_past(seen_on or today or date.today(), "发现日期", today), text,
                  reporter)


def file_report(store: Store, student_id: int, filing: Filing) -> ChangesWithId:
    """Record a 反映; returns its id. Refused (exit 5, audited) for a student outside
    the user's classes."""
    require(store, FILE_SIGNAL)
    username = store.user.username
    with store.write() as session:
        load_student(session, student_id)
        allowed = in_scope(session, store, student_id)
        if not allowed:
            audit.record(session, username, "student_open_denied", "student", student_id,
                         f"{label(ROLES, store.user.role)} 提交反映")
        else:
            report = SignalReport(student_id=student_id, source=filing.source,
                                  severity=filing.severity, seen_on=filing.seen_on,
                                  filed_by=username)
            if user_may(store.user, WRITE_CASEFILE):
                report.signal_id = insert_entry(
                    session, username, "signal", student_id, source=filing.source,
                    severity=filing.severity, reported_on=filing.seen_on,
                    description=filing.text,
                    reporter=filing.reporter or store.user.display_name).id
            else:
                box_id, public_key = current_box(session)
                report.box_id = box_id
                report.sealed = seal_report(box_id, public_key, student_id, username,
                                            filing.text, filing.reporter)
            session.add(report)
            session.flush()
            audit.record(session, username, "signal_filed", "student", student_id,
                         f"反映 编号 {report.id}")
            report_id = report.id
    if not allowed:
        raise PermissionDeniedError("您只能为本班（年级组长：本年级）的学生提交反映。")
    return ChangesWithId(report_id, in_file(student_id))


@dataclass(frozen=True)
class ReportRow:
    id: int
    student_id: int
    student_no: str
    name: str
    class_name: str
    source: str
    severity: str
    seen_on: date
    filed_by: str
    """The filer's display name (or username)."""
    filed_at: datetime
    decision: str | None
    decided_on: date | None
    decided_by: str
    text: str | None
    """What was seen, for staff once opened; None for the filer (they cannot read it)."""

    @property
    def pending(self) -> bool:
        return self.decision is None


def list_reports(store: Store, pending_only: bool = False) -> list[ReportRow]:
    """Staff: every report; anyone else: the reports they filed. Pending first, then
    newest first. Audited as a listing (it names students)."""
    require(store, FILE_SIGNAL)
    return audit.audited_listing(store, "signal_list", "student", "条",
                                 lambda session: report_rows(session, store, pending_only))


def read_report(store: Store, report_id: int) -> ReportRow:
    """One report with its text, for deciding it (staff); audited as reading the
    student's file."""
    require(store, READ_CONFIDENTIAL)
    with store.write() as session:
        found = report_rows(session, store, report_id=report_id)
        if not found:
            raise BadInputError(f"找不到编号为 {report_id} 的反映。")
        audit.record(session, store.user.username, "student_open", "student",
                     found[0].student_id, f"查看反映 编号 {report_id}")
    return found[0]


def report_rows(session: Session, store: Store, pending_only: bool = False,
                report_id: int | None = None) -> list[ReportRow]:
    staff = user_may(store.user, READ_CONFIDENTIAL)
    query = (select(SignalReport, Student.student_no, Student.name, SchoolClass.grade,
                    SchoolClass.number)
             .join(Student, Student.id == SignalReport.student_id)
             .join(SchoolClass, SchoolClass.id == Student.class_id))
    if not staff:
        query = query.where(SignalReport.filed_by == store.user.username)
    if pending_only:
        query = query.where(SignalReport.decision.is_(None))
    if report_id is not None:
        query = query.where(SignalReport.id == report_id)
    found = session.execute(query).all()
    texts: dict[int, str] = {}
    if staff:  # the text as the file now has it: a correction of the entry shows here
        newest = newest_ids(session, ReportedSignal,
                            (r[0].signal_id for r in found if r[0].signal_id is not None))
        current = dict(session.execute(select(ReportedSignal.id, ReportedSignal.description)
                                       .where(ReportedSignal.id.in_(set(newest.values())))
                                       ).all())
        texts = {filed: current[now] for filed, now in newest.items()}
    names = display_names(session)
    rows = [ReportRow(r.id, r.student_id, no, name, class_display_name(grade, number),
                      r.source, r.severity, r.seen_on, names.get(r.filed_by, r.filed_by),
                      r.filed_at, r.decision, r.decided_on,
                      names.get(r.decided_by, r.decided_by),
                      texts.get(r.signal_id) if staff and r.signal_id else None)
            for r, no, name, grade, number in found]
    newest_first = sorted(rows, key=lambda r: (r.filed_at, r.id), reverse=True)
    return sorted(newest_first, key=lambda r: not r.pending)


def decide_report(store: Store, report_id: int, decision: str,
                  decided_on: date | None = None) -> Changes:
    """Record what the counselling room did with a report (read it, took the student
    into care, an interview, crisis handling); a later decision replaces the status and
    the audit log keeps each one."""
    require(store, WRITE_CASEFILE)
    code = code_of(SIGNAL_DECISIONS, decision, "处理结果")
    day = check_past(decided_on or date.today(), "处理日期")
    with store.write() as session:
        report = session.get(SignalReport, report_id)
        if report is None:
            raise BadInputError(f"找不到编号为 {report_id} 的反映。")
        if report.signal_id is None:
            raise BadInputError("这条反映还没有打开（内容无法解开），请先联系管理员。")
        report.decision, report.decided_on = code, day
        report.decided_by = store.user.username
        audit.record(session, store.user.username, "signal_decided", "student",
                     report.student_id, f"反映 编号 {report.id}：{SIGNAL_DECISIONS[code]}")
        return in_file(report.student_id)
