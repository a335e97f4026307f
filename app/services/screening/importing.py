"""Getting answers into a campaign: a file (问卷星 export, item grid, answer strings),
a typed answer sheet, or the on-screen self-administration.

Importing a file is preview → confirm. The preview reads and scores the file and
matches each sheet to a student by 学籍号 and name (by name, and class when names
repeat, where the file has no 学籍号). Each sheet gets a status a teacher can act on
(已匹配, 名册上没有, 同名分不开, 不在本场, 未同意, 文件中重复, 姓名不符, 学籍号不符,
学籍号有误, 答案有误; 未同意 is a student the deployment's consent policy skips, never
written). A sheet whose 学籍号 and name point at different students, or one of two sheets
for the same student, is written only if the teacher picks it (`ScreeningPreview.choose`):
an answer filed under a classmate is worse than one not filed. Only matched and picked
sheets are written, in one transaction, on confirm.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from app.changes import Changes
from app.errors import BadInputError
from app.gc_pause import gc_paused
from app.instruments import ScoreResult, load_instrument, parse_answer_strings, read_answers, score
from app.instruments.identity import ID_COLUMNS as IDENTITY_ID_COLUMNS
from app.instruments.identity import Identity
from app.labels import RESULT_SOURCES, SHEET_STATUSES
from app.models import Campaign, Participation, SchoolClass, ScreeningResult, Student
from app.services import audit
from app.services.capabilities import RUN_SCREENING, require
from app.services.progress import NO_PROGRESS, Progress
from app.services.roster.file import normalize_name, normalize_text, parse_class, parse_grade
from app.services.screening.consent import refusal, takes
from app.services.screening.rows import result_columns, write_results
from app.store.handle import Store

WRITABLE = ("matched", "replaces")
CHOICE = ("name_mismatch", "id_mismatch", "duplicate")
"""Statuses written only when the teacher picks the sheet, row by row."""


@dataclass(frozen=True, slots=True)
class SheetMatch:
    row: int
    status: str
    student_id: int | None
    label: str  # 学籍号 or name as the file gave it, for the teacher to find the row
    message: str = ""
    chosen: bool = False
    """A CHOICE sheet the teacher picked to be written for `student_id`."""

    @property
    def writable(self) -> bool:
        return self.status in WRITABLE or (self.chosen and self.status in CHOICE)


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
    inferred: str = ""
    """What the reading inferred about the file's layout, said in the preview."""
    warnings: list[str] = field(default_factory=list)
    """What deserves a look but does not stop the import (answers dated outside the
    campaign's dates, `dates_outside`)."""

    def counts(self) -> Counter[str]:
        return Counter(m.status for m in self.matches)

    def writable(self) -> list[int]:
        return [i for i, m in enumerate(self.matches) if m.writable]

    def choose(self, index: int, take: bool = True) -> None:
        """Pick (or drop) a sheet that needs the teacher's choice. Picking one sheet of a
        student drops the others of that student: two sheets are never both written."""
        match = self.matches[index]
        if match.status not in CHOICE:
            raise BadInputError(f"第 {match.row} 行（{SHEET_STATUSES.get(match.status, '')}）"
                                "不能选择写入：只有姓名不符、学籍号不符和文件中重复的答卷"
                                "可以逐行选择。")
        if take:
            for i, other in enumerate(self.matches):
                if i != index and other.chosen and other.student_id == match.student_id:
                    self.matches[i] = replace(other, chosen=False)
        self.matches[index] = replace(match, chosen=take)

    def choose_rows(self, rows: Sequence[int]) -> None:
        """Pick sheets by their spreadsheet row numbers (the CLI's --accept-row)."""
        at = {m.row: i for i, m in enumerate(self.matches)}
        picked: dict[int | None, int] = {}
        for row in rows:
            if row not in at:
                raise BadInputError(f"文件中没有第 {row} 行答卷。")
            student = self.matches[at[row]].student_id
            if student in picked:
                raise BadInputError(f"第 {picked[student]} 行和第 {row} 行是同一名学生的答卷："
                                    "只能选择其中一份。")
            picked[student] = row
            self.choose(at[row])

    def warning_counts(self) -> Counter[str]:
        codes = self.result.warning_codes()
        return Counter(str(codes[i]) for i in self.writable())


@dataclass(frozen=True)
class ScreeningChanges:
    campaign_id: int
    written: int
    replaced: int
    changes: Changes = field(kw_only=True)


def preview_screening_import(store: Store, campaign_id: int, path: Path,
                             numbers: str = "values", item_offset: int = 0,
                             consent_policy: str = "none") -> ScreeningPreview:
    """Read and score a file and match its sheets to the roster; nothing is written.
    A student the consent policy skips (screening/consent.py) is listed 未同意."""
    require(store, RUN_SCREENING)
    takes(consent_policy, "unknown")  # an unknown policy is refused before reading the file
    with gc_paused():
        return _preview(store, campaign_id, path, numbers, item_offset, consent_policy)


def _preview(store: Store, campaign_id: int, path: Path, numbers: str, item_offset: int,
             consent_policy: str) -> ScreeningPreview:
    with store.read() as session:
        campaign = _campaign(session, campaign_id)
        instrument = load_instrument(campaign.instrument_code)
        starts_on, ends_on = campaign.starts_on, campaign.ends_on
    answers = read_answers(path, instrument, numbers=numbers,  # type: ignore[arg-type]
                           item_offset=item_offset)
    result = score(instrument, answers.values, answers.gender_codes(), answers.grades(),
                   answers.seconds)
    bad_rows = {p.row for p in answers.errors}
    with store.read() as session:
        matches = _match(session, campaign_id, answers.rows.tolist(), answers.identity,
                         bad_rows, answers.bad_ids, consent_policy)
    taken_at = answers.submitted_at.tolist()
    return ScreeningPreview(
        campaign_id=campaign_id, instrument_code=instrument.code, file_name=path.name,
        layout=answers.layout, matches=matches, result=result, answers=answers.values,
        taken_at=taken_at, date_source=answers.date_source.tolist(),
        problems=[*instrument.setting_problems, *(str(p) for p in answers.problems)],
        warnings=dates_outside(starts_on, ends_on, answers.rows.tolist(), taken_at),
        inferred=answers.inferred)


#: Rows named one by one in a date warning; beyond that, the count and the first ones.
DATE_ROWS_SHOWN = 12


def dates_outside(starts_on: date | None, ends_on: date | None, rows: Sequence[int],
                  taken_at: Sequence[datetime | None]) -> list[str]:
    """Warnings (not refusals) for answers dated before the campaign's start or after
    its end, naming the rows: a file from last term's survey, or a wrong campaign
    picked, is taken silently otherwise. Sheets without a date are not judged."""
    early = [(r, t) for r, t in zip(rows, taken_at, strict=True)
             if t is not None and starts_on is not None and t.date() < starts_on]
    late = [(r, t) for r, t in zip(rows, taken_at, strict=True)
            if t is not None and ends_on is not None and t.date() > ends_on]
    out = []
    for found, side, bound in ((early, "早于本批次开始日期", starts_on),
                               (late, "晚于本批次结束日期", ends_on)):
        if not found:
            continue
        numbers = "、".join(str(r) for r, _t in found[:DATE_ROWS_SHOWN])
        more = f" 等 {len(found)} 行" if len(found) > DATE_ROWS_SHOWN else ""
        days = sorted(t.date() for _r, t in found)
        span = (f"{days[0]:%Y-%m-%d}" if days[0] == days[-1]
                else f"{days[0]:%Y-%m-%d} 至 {days[-1]:%Y-%m-%d}")
        out.append(f"第 {numbers} 行{more}的作答日期（{span}）{side} {bound:%Y-%m-%d}。"
                   "请确认文件属于本批次；确认无误仍可写入。")
    return out


def _campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise BadInputError("找不到该测评批次。")
    return campaign


def _column(identity: Identity, names: tuple[str, ...], n: int) -> Sequence[str]:
    """The first of `names` the file has, as the file spells it ("" for every row if none)."""
    return next((identity[name] for name in names if name in identity), [""] * n)


def _match(session: Session, campaign_id: int, rows: list[int], identity: Identity,
           bad_rows: set[int], bad_ids: dict[int, str],
           consent_policy: str = "none") -> list[SheetMatch]:
    """A status per sheet. Nearly every sheet is found by its 学籍号 and its name agrees;
    names and classes are only looked up in the roster for the others."""
    roster = _Roster(session.connection().execute(  # Core: plain rows, no ORM loading
        select(Student.id, Student.student_no, Student.name, SchoolClass.grade,
               SchoolClass.number).join(SchoolClass, Student.class_id == SchoolClass.id)).all())
    consent = dict(session.execute(select(Participation.student_id, Participation.consent)
                                   .where(Participation.campaign_id == campaign_id)).all())
    due = set(consent)
    done = set(session.scalars(select(ScreeningResult.student_id)
                               .where(ScreeningResult.campaign_id == campaign_id)))
    n = len(rows)
    ids = [v.upper() for v in _column(identity, ID_COLUMNS, n)]
    names = _column(identity, ("姓名", "学生姓名"), n)
    classes = _column(identity, ("班级", "班别"), n)
    grades = _column(identity, ("年级",), n)
    matches = []
    for i, row in enumerate(rows):
        name = normalize_name(names[i])
        label = ids[i] or name
        if row in bad_ids:
            matches.append(SheetMatch(row, "bad_id", None, label, bad_ids[row]))
            continue
        if row in bad_rows:
            matches.append(SheetMatch(row, "bad_answers", None, label, "答案有误，见问题列表"))
            continue
        found = roster.by_no.get(ids[i]) if ids[i] else None
        status, message = "", ""
        if found is not None and name and not _same_name(found.name, name):
            status = "name_mismatch"
            message = f"名册上学籍号 {ids[i]} 是「{found.name}」，文件中的姓名是「{name}」"
        elif found is None:
            found, why = roster.by_name(name, normalize_text(classes[i]),
                                        normalize_text(grades[i]))
            if found is None:
                matches.append(SheetMatch(row, why, None, label, _WHY[why]))
                continue
            if ids[i]:
                status = "id_mismatch"
                message = (f"名册上没有学籍号 {ids[i]}；名册上的「{found.name}」学籍号是 "
                           f"{found.student_no}")
        if found.id not in due:
            matches.append(SheetMatch(row, "not_in_campaign", found.id, label,
                                      "该学生不在本批次的应测名单中"))
            continue
        if not takes(consent_policy, consent[found.id]):
            matches.append(SheetMatch(row, "no_consent", found.id, label,
                                      refusal(consent[found.id])))
            continue
        status = status or ("replaces" if found.id in done else "matched")
        matches.append(SheetMatch(row, status, found.id, label, message))
    return _duplicates(matches)


def _duplicates(matches: list[SheetMatch]) -> list[SheetMatch]:
    """Two sheets for one student are never merged and neither is written on its own:
    every one of them is shown as 文件中重复 for the teacher to pick."""
    rows_of: dict[int, list[int]] = {}
    for m in matches:
        if m.student_id is not None and (m.status in WRITABLE or m.status in CHOICE):
            rows_of.setdefault(m.student_id, []).append(m.row)
    out = []
    for m in matches:
        same = rows_of.get(m.student_id, []) if m.student_id is not None else []
        if len(same) > 1 and m.row in same:
            others = "、".join(str(r) for r in same if r != m.row)
            note = f"与第 {others} 行是同一名学生：请选择写入哪一份"
            m = replace(m, status="duplicate",
                        message=f"{note}（{m.message}）" if m.message else note)
        out.append(m)
    return out


def _same_name(roster_name: str, file_name: str) -> bool:
    """Names compared after spaces, full-width forms and the 中间点 (· • ・ .) are
    normalised, and Latin letters case-folded: "阿依古丽 . 买买提" is "阿依古丽·买买提"."""
    return normalize_name(roster_name).casefold() == file_name.casefold()


ID_COLUMNS = tuple(c for c in IDENTITY_ID_COLUMNS if c != "身份证号")
"""A student's 学籍号 is not their ID card number, so that column is not matched on."""
_WHY = {"not_in_roster": "按学籍号和姓名都找不到该学生",
        "ambiguous": "同名学生不止一人，且班级无法区分"}


class _Roster:
    """Students by 学籍号, and by name once a sheet needs it."""

    def __init__(self, students: Sequence[Row]) -> None:
        self.students = students
        self.by_no = {s.student_no: s for s in students}
        self._by_name: dict[str, list[Row]] | None = None

    def by_name(self, name: str, class_text: str, grade_text: str) -> tuple[Row | None, str]:
        """The one student of that name (and class, when names repeat), or (None, why)."""
        if self._by_name is None:
            self._by_name = {}
            for s in self.students:
                self._by_name.setdefault(s.name, []).append(s)
        candidates = self._by_name.get(name, []) if name else []
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
    """Write the matched sheets in one transaction, with one audit entry for the import
    (see screening/rows.py for how 3,000 results are written fast)."""
    require(store, RUN_SCREENING)
    with gc_paused():
        return _apply(store, preview, progress)


def _apply(store: Store, preview: ScreeningPreview, progress: Progress) -> ScreeningChanges:
    chosen = preview.writable()
    columns = result_columns(
        preview.result, preview.answers, chosen, campaign_id=preview.campaign_id,
        student_ids=[preview.matches[i].student_id for i in chosen],
        taken_at=[preview.taken_at[i] for i in chosen],
        date_source=[preview.date_source[i] for i in chosen], source="import",
        username=store.user.username)
    with store.write() as session:
        existing = dict(session.execute(
            select(ScreeningResult.student_id, ScreeningResult.id)
            .where(ScreeningResult.campaign_id == preview.campaign_id)).all())
        replaced = write_results(session, columns, existing, progress)
        audit.record(session, store.user.username, "screening_import", "campaign",
                     preview.campaign_id, f"写入 {len(chosen)} 份，其中替换 {replaced} 份")
        progress.step(len(chosen), len(chosen))
    return ScreeningChanges(preview.campaign_id, len(chosen), replaced,
                            changes=Changes(campaigns=(preview.campaign_id,)))


def save_answers(store: Store, campaign_id: int, student_id: int, values: list[float | None],
                 source: str, taken_at: datetime | None = None,
                 seconds: float | None = None, consent_policy: str = "none") -> dict:
    """One student's sheet typed in (答题卡录入) or answered on screen (本机作答, which
    knows how long it took: `seconds`, for the too-fast check); refused for a student
    the consent policy skips."""
    require(store, RUN_SCREENING)
    check_consent(store, campaign_id, student_id, consent_policy)
    with store.read() as session:
        instrument = load_instrument(_campaign(session, campaign_id).instrument_code)
    answers = np.array([[np.nan if v is None else float(v) for v in values]])
    result = score(instrument, answers,
                   seconds=None if seconds is None else np.array([seconds], dtype=float))
    columns = result_columns(result, answers, [0], campaign_id=campaign_id,
                             student_ids=[student_id], taken_at=[taken_at or datetime.now()],
                             date_source=["entered"], source=source,
                             username=store.user.username)
    with store.write() as session:
        if session.scalar(select(Participation.id).where(
                Participation.campaign_id == campaign_id,
                Participation.student_id == student_id)) is None:
            raise BadInputError("该学生不在本批次的应测名单中。")
        existing = session.scalar(select(ScreeningResult.id).where(
            ScreeningResult.campaign_id == campaign_id, ScreeningResult.student_id == student_id))
        write_results(session, columns, {} if existing is None else {student_id: existing})
        audit.record(session, store.user.username, "student_edit", "screening_result",
                     student_id, f"测评批次 编号 {campaign_id}：{RESULT_SOURCES[source]}")
    return result.records()[0]


def check_consent(store: Store, campaign_id: int, student_id: int, policy: str) -> None:
    """Refuse, before anything is scored, a student the consent policy skips."""
    with store.read() as session:
        consent = session.scalar(select(Participation.consent).where(
            Participation.campaign_id == campaign_id, Participation.student_id == student_id))
    if consent is not None and not takes(policy, consent):
        raise BadInputError(f"该学生{refusal(consent)}。")


def save_answer_string(store: Store, campaign_id: int, student_id: int, text: str,
                       consent_policy: str = "none") -> dict:
    check_consent(store, campaign_id, student_id, consent_policy)
    with store.read() as session:
        instrument = load_instrument(_campaign(session, campaign_id).instrument_code)
    values, problems = parse_answer_strings([text], instrument)
    fatal = [p for p in problems if p.fatal]
    if fatal:
        raise BadInputError(fatal[0].message, problems=[str(p) for p in fatal])
    return save_answers(store, campaign_id, student_id, values[0].tolist(), "entry",
                        consent_policy=consent_policy)
