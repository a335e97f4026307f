"""The import's matching statuses and what it stores, column by column: the rows are
built from the score arrays at once and written by executemany, so each column is
checked against the sheet's record."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime

import numpy as np
import openpyxl
import pytest
from sqlalchemy import select

from app.models import AuditEvent, ScreeningResult
from app.services.demo.synthetic import synthetic_roster
from app.services.progress import Cancelled, Progress
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.services.screening.campaigns import create_campaign
from app.services.screening.importing import (
    DATE_ROWS_SHOWN,
    apply_screening_import,
    dates_outside,
    preview_screening_import,
)
from app.services.screening.rows import BATCH, answers_json
from app.services.students import list_students


def _roster(store, n: int, same_name: str | None = None):
    """n students; with `same_name`, the first student of 初一(1)班 and of 初一(2)班
    share it."""
    rows = synthetic_roster(n, seed=11, class_size=20)
    if same_name:
        first_of = {}
        for k, row in enumerate(rows):
            first_of.setdefault((row.grade, row.class_number), k)
        for key in ((7, 1), (7, 2)):
            rows[first_of[key]] = dataclasses.replace(rows[first_of[key]], name=same_name)
    apply_roster_import(store, RosterPreview(file_name="t", rows=rows))
    return list_students(store)


def _mht_file(path, sheets):
    """Sheets of (学籍号, 姓名, 班级, 提交答卷时间, 100 answers)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "提交答卷时间", "学籍号", "姓名", "班级",
               *[f"{i}、题目{i}" for i in range(1, 101)]])
    for n, (student_no, name, klass, when, answers) in enumerate(sheets, start=1):
        ws.append([n, when, student_no, name, klass, *answers])
    wb.save(path)
    return path


def _answers(yes: int, blank: int = 0) -> list[str]:
    return ["是"] * yes + [""] * blank + ["不是"] * (100 - yes - blank)


def test_same_names_told_apart_by_class_and_other_statuses(store, tmp_path):
    students = _roster(store, 120, same_name="王小明")
    twins = [s for s in students if s.name == "王小明"]
    eighth = next(s for s in students if s.grade == 8)
    campaign = create_campaign(store, "初一 MHT", "mht",
                               class_ids=sorted({s.class_id for s in students if s.grade == 7}))
    bad = _answers(3)
    bad[4] = "也许"
    path = _mht_file(tmp_path / "m.xlsx", [
        ("", "王小明", twins[1].class_name, "2026/10/9 9:00:00", _answers(5)),
        ("", "王 小明", "", "2026/10/9 9:01:00", _answers(5)),       # the class says nothing
        (eighth.student_no, eighth.name, eighth.class_name, "2026/10/9 9:02:00", _answers(1)),
        (twins[0].student_no, "王小明", twins[0].class_name, "2026/10/9 9:03:00", bad),
    ])
    preview = preview_screening_import(store, campaign.id, path)
    assert [(m.status, m.student_id) for m in preview.matches] == [
        ("matched", twins[1].id), ("ambiguous", None), ("not_in_campaign", eighth.id),
        ("bad_answers", None)]
    assert preview.matches[1].label == "王小明"
    assert apply_screening_import(store, preview).written == 1


def test_stored_columns_are_the_sheets_records(store, tmp_path):
    students = _roster(store, 90)
    campaign = create_campaign(store, "MHT", "mht")
    lie = _answers(0)
    for item in range(82, 101, 2):
        lie[item - 1] = "是"
    sheets = [(s.student_no, s.name, s.class_name, f"2026/10/{k + 1} 8:3{k}:00", answers)
              for k, (s, answers) in enumerate(zip(students, [
                  _answers(9), _answers(2, blank=1), lie, _answers(70, blank=12)], strict=False))]
    sheets.append((students[4].student_no, students[4].name, "", "", _answers(0)))
    preview = preview_screening_import(store, campaign.id, _mht_file(tmp_path / "m.xlsx",
                                                                      sheets))
    apply_screening_import(store, preview)
    records = preview.result.records()
    with store.read() as session:
        stored = {r.student_id: r for r in session.scalars(select(ScreeningResult))}
    assert len(stored) == 5
    for i, match in enumerate(preview.matches):
        row, record = stored[match.student_id], records[i]
        assert json.loads(row.scores) == record
        assert row.scores == json.dumps(record, ensure_ascii=False)
        values = preview.answers[i]
        assert row.answers == json.dumps([None if np.isnan(v) else v for v in values.tolist()])
        assert row.total == record["total"] and row.valid == record["valid"]
        # The validity reasons in words ("" for a valid sheet); all notes are in the document.
        assert row.validity_note == "；".join(record["notes"][:len(record["reasons"])])[:200]
        assert row.critical_items == ",".join(map(str, record["critical"]))
        assert row.suggested_level == record["warning"]
        assert (row.instrument_code, row.source, row.created_by) == ("mht", "import", "admin")
    assert not stored[students[2].id].valid and stored[students[2].id].validity_note
    assert stored[students[3].id].total is None  # 12 items unanswered: no total
    assert stored[students[0].id].taken_at.isoformat() == "2026-10-01T08:30:00"
    assert stored[students[0].id].taken_at_source == "submitted"
    assert (stored[students[4].id].taken_at, stored[students[4].id].taken_at_source) == (
        None, "unknown")


def test_replacing_rewrites_every_column(store, tmp_path):
    students = _roster(store, 30)
    campaign = create_campaign(store, "MHT", "mht")
    s, t = students[0], students[1]
    first = [(s.student_no, s.name, s.class_name, "2026/10/1 8:00:00", _answers(60)),
             (t.student_no, t.name, t.class_name, "2026/10/1 8:05:00", _answers(1))]
    apply_screening_import(store, preview_screening_import(
        store, campaign.id, _mht_file(tmp_path / "1.xlsx", first)))
    second = [(s.student_no, s.name, s.class_name, "2026/10/2 9:00:00", _answers(2))]
    preview = preview_screening_import(store, campaign.id, _mht_file(tmp_path / "2.xlsx",
                                                                      second))
    assert apply_screening_import(store, preview).replaced == 1
    with store.read() as session:
        rows = {r.student_id: r for r in session.scalars(select(ScreeningResult))}
    assert len(rows) == 2
    assert json.loads(rows[s.id].scores) == preview.result.records()[0]
    assert rows[s.id].total == 2 and rows[s.id].taken_at.day == 2
    assert rows[s.id].answers == answers_json(preview.answers)[0]
    assert rows[t.id].total == 1  # the other student's result is untouched


def test_cancel_between_batches_writes_nothing(store, tmp_path):
    students = _roster(store, BATCH + 40)
    campaign = create_campaign(store, "MHT", "mht")
    path = _mht_file(tmp_path / "m.xlsx", [
        (s.student_no, s.name, s.class_name, "2026/10/1 8:00:00", _answers(k % 50))
        for k, s in enumerate(students)])
    preview = preview_screening_import(store, campaign.id, path)
    steps: list[tuple[int, int]] = []
    progress = Progress(report=lambda done, total: steps.append((done, total)),
                        is_cancelled=lambda: len(steps) == 1)  # after the first batch
    with pytest.raises(Cancelled):
        apply_screening_import(store, preview, progress)
    assert steps == [(0, len(students))]
    with store.read() as session:
        assert session.scalars(select(ScreeningResult)).first() is None
        assert session.scalars(select(AuditEvent).where(
            AuditEvent.action == "screening_import")).first() is None
    assert apply_screening_import(store, preview).written == len(students)


def test_answers_json_is_what_json_dumps_writes():
    values = np.array([[0.0, 1.0, np.nan, 2.5], [3.0, np.nan, 0.0, 1.0]])
    assert answers_json(values) == [json.dumps([None if np.isnan(v) else v for v in row])
                                    for row in values.tolist()]
    assert answers_json(np.empty((0, 4))) == []


def test_answers_dated_outside_the_campaign_are_named_by_row():
    start, end = date(2026, 10, 10), date(2026, 10, 17)
    rows = [2, 3, 4, 5, 6]
    taken = [datetime(2026, 10, 12, 9), datetime(2026, 9, 1, 8), None,
             datetime(2026, 10, 20, 10), datetime(2026, 9, 3, 8)]
    assert dates_outside(start, end, rows, taken) == [
        "第 3、6 行的作答日期（2026-09-01 至 2026-09-03）早于本批次开始日期 2026-10-10。"
        "请确认文件属于本批次；确认无误仍可写入。",
        "第 5 行的作答日期（2026-10-20）晚于本批次结束日期 2026-10-17。"
        "请确认文件属于本批次；确认无误仍可写入。"]
    assert dates_outside(None, None, rows, taken) == []
    assert dates_outside(start, None, rows[:1], taken[:1]) == []
    many = list(range(2, DATE_ROWS_SHOWN + 7))
    [line] = dates_outside(start, end, many, [datetime(2026, 1, 1)] * len(many))
    shown = "、".join(str(r) for r in many[:DATE_ROWS_SHOWN])
    assert line.startswith(f"第 {shown} 行 等 {len(many)} 行的作答日期")
