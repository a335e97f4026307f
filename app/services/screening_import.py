"""Getting answers into a campaign: a file (问卷星 export, item grid, answer strings),
a typed answer sheet, or the on-screen self-administration.

Importing a file is preview → confirm. The preview reads and scores the file and
matches each sheet to a student: by 学籍号, else by name (and class when names repeat).
Each sheet gets a status a teacher can act on (已匹配, 名册上没有, 同名分不开, 不在本场,
文件中重复, 答案有误); only matched sheets are written, in one transaction, on confirm.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from app.errors import BadInputError
from app.instruments import ScoreResult, load_instrument, parse_answer_strings, read_answers, score
from app.models import Campaign, Participation, SchoolClass, ScreeningResult, Student, utcnow
from app.services import audit
from app.services.permissions import STAFF, require
from app.services.progress import NO_PROGRESS, Progress
from app.services.roster_file import normalize_text, parse_class, parse_grade
from app.store.handle import Store

WRITABLE = ("matched", "replaces")


@dataclass(frozen=True)
class SheetMatch:
    row: int
    status: str
    student_id: int | None
    label: str  # 学籍号 or name as the file gave it, for the teacher to find the row
    message: str = ""


@dataclass
class ScreeningPreview:
    campaign_id: int
    instrument_code: str
    file_name: str
    layout: str
    matches: list[SheetMatch]
    result: ScoreResult
    answers: np.ndarray
    taken_at: list[datetime | None]
    date_source: list[str]
    problems: list[str] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        return Counter(m.status for m in self.matches)

    def writable(self) -> list[int]:
        return [i for i, m in enumerate(self.matches) if m.status in WRITABLE]

    def warning_counts(self) -> Counter[str]:
        codes = self.result.warning_codes()
        return Counter(str(codes[i]) for i in self.writable())


@dataclass(frozen=True)
class ScreeningChanges:
    campaign_id: int
    written: int
    replaced: int


def preview_screening_import(store: Store, campaign_id: int, path: Path,
                             numbers: str = "values", item_offset: int = 0) -> ScreeningPreview:
    require(store, *STAFF)
    with store.read() as session:
        campaign = _campaign(session, campaign_id)
        instrument = load_instrument(campaign.instrument_code)
    answers = read_answers(path, instrument, numbers=numbers,  # type: ignore[arg-type]
                           item_offset=item_offset)
    result = score(instrument, answers.values, answers.gender_codes(), answers.grades())
    bad_rows = {p.row for p in answers.errors}
    with store.read() as session:
        matches = _match(session, campaign_id, answers.rows.tolist(), answers.identity,
                         bad_rows)
    taken = [None if np.isnat(t) else t.astype("datetime64[s]").item()
             for t in answers.submitted_at]
    return ScreeningPreview(
        campaign_id=campaign_id, instrument_code=instrument.code, file_name=path.name,
        layout=answers.layout, matches=matches, result=result, answers=answers.values,
        taken_at=taken, date_source=answers.date_source.tolist(),
        problems=[str(p) for p in answers.problems])


def _campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise BadInputError("找不到该测评批次。")
    return campaign


def _column(identity, names: tuple[str, ...]) -> list[str]:  # type: ignore[no-untyped-def]
    for name in names:
        if name in identity.columns:
            return [normalize_text(v) for v in identity[name].tolist()]
    return [""] * len(identity)


def _match(session: Session, campaign_id: int, rows: list[int], identity,  # type: ignore[no-untyped-def]
           bad_rows: set[int]) -> list[SheetMatch]:
    students = session.execute(
        select(Student.id, Student.student_no, Student.name, SchoolClass.grade,
               SchoolClass.number).join(SchoolClass, Student.class_id == SchoolClass.id)).all()
    by_no = {s.student_no: s for s in students}
    by_name: dict[str, list] = {}
    for s in students:
        by_name.setdefault(s.name, []).append(s)
    due = set(session.scalars(select(Participation.student_id)
                              .where(Participation.campaign_id == campaign_id)))
    done = set(session.scalars(select(ScreeningResult.student_id)
                               .where(ScreeningResult.campaign_id == campaign_id)))
    ids = _column(identity, ID_COLUMNS)
    names = [n.replace(" ", "") for n in _column(identity, ("姓名", "学生姓名"))]
    classes = _column(identity, ("班级", "班别"))
    grades = _column(identity, ("年级",))
    seen: dict[int, int] = {}
    matches = []
    for i, row in enumerate(rows):
        label = ids[i] or names[i]
        if row in bad_rows:
            matches.append(SheetMatch(row, "bad_answers", None, label, "答案有误，见问题列表"))
            continue
        found, why = _find(by_no, by_name, ids[i], names[i], classes[i], grades[i])
        if found is None:
            matches.append(SheetMatch(row, why, None, label, _WHY[why]))
        elif found.id not in due:
            matches.append(SheetMatch(row, "not_in_campaign", found.id, label,
                                      "该学生不在本批次的应测名单中"))
        elif found.id in seen:
            matches.append(SheetMatch(row, "duplicate", found.id, label,
                                      f"与第 {seen[found.id]} 行是同一名学生"))
        else:
            seen[found.id] = row
            status = "replaces" if found.id in done else "matched"
            matches.append(SheetMatch(row, status, found.id, label))
    return matches


ID_COLUMNS = ("学籍号", "学号", "学生编号", "全国学籍号", "考号")
_WHY = {"not_in_roster": "按学籍号和姓名都找不到该学生",
        "ambiguous": "同名学生不止一人，且班级无法区分"}


def _find(by_no, by_name, student_no: str, name: str, class_text: str,  # type: ignore[no-untyped-def]
          grade_text: str):
    """The student a sheet belongs to, or (None, reason)."""
    if student_no and student_no in by_no:
        return by_no[student_no], ""
    candidates = by_name.get(name, []) if name else []
    if len(candidates) > 1 and class_text:
        parsed = parse_class(class_text, parse_grade(grade_text) if grade_text else None)
        if parsed is not None:
            grade, number = parsed
            candidates = [c for c in candidates
                          if c.number == number and (grade is None or c.grade == grade)]
    if len(candidates) == 1:
        return candidates[0], ""
    return None, ("ambiguous" if len(candidates) > 1 else "not_in_roster")


def apply_screening_import(store: Store, preview: ScreeningPreview,
                           progress: Progress = NO_PROGRESS) -> ScreeningChanges:
    """Bulk insert for new results and bulk update by id for replaced ones: a campaign
    is thousands of sheets, and one ORM object each would triple the import time."""
    require(store, *STAFF)
    records = preview.result.records()
    chosen = preview.writable()
    answers = _answers_json(preview.answers[chosen]) if chosen else []
    with store.write() as session:
        existing = dict(session.execute(
            select(ScreeningResult.student_id, ScreeningResult.id)
            .where(ScreeningResult.campaign_id == preview.campaign_id)).all())
        fresh, replacing = [], []
        for k, i in enumerate(chosen):
            if k % 500 == 0:
                progress.step(k, len(chosen))
            student_id = preview.matches[i].student_id
            assert student_id is not None
            values = _result_values(records[i], answers[k], "import", preview.taken_at[i],
                                    preview.date_source[i], store.user.username)
            if student_id in existing:
                replacing.append({"id": existing[student_id], **values})
            else:
                fresh.append({"campaign_id": preview.campaign_id, "student_id": student_id,
                              **values})
        if fresh:
            session.execute(insert(ScreeningResult), fresh)
        if replacing:
            session.execute(update(ScreeningResult), replacing)
        audit.record(session, store.user.username, "screening_import", "campaign",
                     preview.campaign_id,
                     f"写入 {len(chosen)} 份，其中替换 {len(replacing)} 份")
        progress.step(len(chosen), len(chosen))
    return ScreeningChanges(preview.campaign_id, len(chosen), len(replacing))


def _answers_json(values: np.ndarray) -> list[str]:
    """Each sheet's answers as a JSON list, unanswered items as null."""
    cells = np.where(np.isnan(values), None, values).tolist()
    return [json.dumps(row) for row in cells]


def _result_values(record: dict, answers_json: str, source: str, taken_at: datetime | None,
                   date_source: str, username: str) -> dict:
    return {
        "instrument_code": record["instrument"],
        "instrument_version": record["version"],
        "taken_at": taken_at,
        "taken_at_source": date_source if taken_at is not None else "unknown",
        "source": source,
        "answers": answers_json,
        "scores": json.dumps(record, ensure_ascii=False),
        "total": record["total"],
        "valid": bool(record["valid"]),
        "validity_note": "；".join(record.get("notes", []))[:200],
        "critical_items": ",".join(str(c) for c in record["critical"]),
        "suggested_level": record["warning"],
        "created_by": username,
        "created_at": utcnow(),
    }


def save_answers(store: Store, campaign_id: int, student_id: int, values: list[float | None],
                 source: str, taken_at: datetime | None = None) -> dict:
    """One student's sheet typed in (答题卡录入) or answered on screen (本机作答)."""
    require(store, *STAFF)
    with store.read() as session:
        instrument = load_instrument(_campaign(session, campaign_id).instrument_code)
    row = np.array([[np.nan if v is None else float(v) for v in values]])
    record = score(instrument, row).records()[0]
    with store.write() as session:
        if session.scalar(select(Participation.id).where(
                Participation.campaign_id == campaign_id,
                Participation.student_id == student_id)) is None:
            raise BadInputError("该学生不在本批次的应测名单中。")
        existing = session.scalar(select(ScreeningResult.id).where(
            ScreeningResult.campaign_id == campaign_id, ScreeningResult.student_id == student_id))
        values = _result_values(record, _answers_json(row)[0], source,
                                taken_at or datetime.now(), "entered", store.user.username)
        if existing is None:
            session.execute(insert(ScreeningResult), [
                {"campaign_id": campaign_id, "student_id": student_id, **values}])
        else:
            session.execute(update(ScreeningResult), [{"id": existing, **values}])
        audit.record(session, store.user.username, "student_edit", "screening_result",
                     student_id, f"campaign {campaign_id}: {source}")
    return record


def save_answer_string(store: Store, campaign_id: int, student_id: int, text: str) -> dict:
    with store.read() as session:
        instrument = load_instrument(_campaign(session, campaign_id).instrument_code)
    values, problems = parse_answer_strings([text], instrument)
    fatal = [p for p in problems if p.fatal]
    if fatal:
        raise BadInputError(fatal[0].message, problems=[str(p) for p in fatal])
    return save_answers(store, campaign_id, student_id, values[0].tolist(), "entry")
