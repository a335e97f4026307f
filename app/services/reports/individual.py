"""Printing individual screening reports (个人测评报告): one student's, a class's, a
grade's or a whole campaign's sheets as one PDF (renderer: app/reports/individual.py).
Every student printed gets a "student_print" audit entry, written in the same
transaction as the file lands on disk (output.py)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from app.changes import NOTHING
from app.errors import BadInputError
from app.models import SchoolClass, ScreeningResult, Student
from app.reports.data import IndividualReports, Sheet
from app.services.capabilities import PRINT_REPORTS, require
from app.services.progress import NO_PROGRESS, Progress
from app.services.reports.kinds import BY_CODE, CampaignPrint
from app.services.reports.output import PrintedReport, write_audited
from app.services.reports.stamp import print_context
from app.services.roster.normalize import class_display_name
from app.services.statistics.campaign import (
    CampaignInfo,
    campaign_info,
    in_scope,
    instrument_for,
    parse_scope,
)
from app.store.handle import Store


def load_sheets(store: Store, campaign_id: int, student_ids: Sequence[int] | None = None,
                scope: str = "school") -> tuple[CampaignInfo, list[Sheet]]:
    """The stored results of the named students, or of everyone in `scope` ("school",
    "grade:7", "class:<id>", as the group report takes it, by current class)."""
    _label, info, sheets = _load(store, campaign_id, student_ids, scope)
    return info, sheets


def _load(store: Store, campaign_id: int, student_ids: Sequence[int] | None,
          scope: str) -> tuple[str, CampaignInfo, list[Sheet]]:
    query = (select(ScreeningResult.student_id, Student.student_no, Student.name,
                    Student.gender, SchoolClass.grade, SchoolClass.number,
                    ScreeningResult.taken_at, ScreeningResult.source, ScreeningResult.valid,
                    ScreeningResult.validity_note, ScreeningResult.scores,
                    ScreeningResult.answers)
             .join(Student, Student.id == ScreeningResult.student_id)
             .join(SchoolClass, SchoolClass.id == Student.class_id)
             .where(ScreeningResult.campaign_id == campaign_id)
             .order_by(SchoolClass.grade, SchoolClass.number, Student.student_no))
    if student_ids is not None:
        query = query.where(ScreeningResult.student_id.in_(list(student_ids)))
    with store.read() as session:
        parsed = parse_scope(session, scope)
        query = in_scope(query, parsed)
        info = campaign_info(session, campaign_id)
        sheets = [Sheet(sid, no, name, gender, class_display_name(grade, number), taken,
                        source, valid, note, json.loads(scores),
                        json.loads(answers) if answers else [])
                  for sid, no, name, gender, grade, number, taken, source, valid, note, scores,
                  answers in session.execute(query)]
    if student_ids is not None and len(sheets) < len(set(student_ids)):
        raise BadInputError("所选学生在该测评批次中没有测评结果，无法打印个人报告。")
    if not sheets and parsed.kind != "school":
        raise BadInputError(f"{parsed.label}在该测评批次中还没有测评结果。")
    if not sheets:
        raise BadInputError("该测评批次还没有测评结果。")
    return parsed.label, info, sheets


def print_individual_reports(store: Store, campaign_id: int, out: Path,
                             student_ids: Sequence[int] | None = None,
                             progress: Progress = NO_PROGRESS,
                             now: datetime | None = None,
                             scope: str = "school") -> PrintedReport:
    """Print the named students' reports (every student with a result in `scope` when
    None) into one PDF at `out`, with one "student_print" audit entry per student
    (output.py). A class's reports go to its teacher's folder without the whole school's."""
    from app.reports.individual import render_individual  # reportlab: paid for when printing

    require(store, PRINT_REPORTS)
    label, info, sheets = _load(store, campaign_id, student_ids, scope)
    reports = IndividualReports(info.name, instrument_for(info.instrument_code), tuple(sheets))
    pdf = render_individual(reports, print_context(store, now), BY_CODE["individual"].level,
                            progress.step)
    detail = f"个人报告，测评批次 编号 {campaign_id}" + (
        f"（{label}）" if scope != "school" else "")
    write_audited(store, out, pdf, [("student_print", "student", s.student_id, detail)
                                    for s in sheets])
    return PrintedReport("individual", out, label, len(sheets), changes=NOTHING)


def print_campaign(store: Store, request: CampaignPrint, progress: Progress) -> PrintedReport:
    """The reports page's and the CLI's call (kinds.REPORTS)."""
    return print_individual_reports(store, request.campaign_id, request.out,
                                    request.student_ids, progress, scope=request.scope)
