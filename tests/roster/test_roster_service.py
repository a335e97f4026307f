"""Roster preview/apply and the yearly promotion, through the service layer."""

from __future__ import annotations

import csv
import dataclasses

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.errors import BadInputError, PermissionDeniedError
from app.models import ClassMove, SchoolClass, SchoolYear, Student
from app.services.accounts import users as accounts
from app.services.accounts.auth import unlock
from app.services.demo.synthetic import synthetic_roster
from app.services.roster.importing import (
    RosterPreview,
    apply_promotion,
    apply_roster_import,
    preview_promotion,
    preview_roster_import,
)
from app.services.students import list_students

HEADER = ["学籍号", "姓名", "性别", "年级", "班级", "出生日期"]


def _csv(path, rows, encoding="utf-8-sig"):
    with open(path, "w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_preview_writes_nothing_and_apply_writes_all(store, tmp_path):
    path = _csv(tmp_path / "r.csv", [["S001", "张三", "男", "七年级", "3班", "2013-05-01"],
                                     ["S002", "李四", "女", "七年级", "(4)班", "2013/6/2"]])
    preview = preview_roster_import(store, path)
    assert [c.student_no for c in preview.added] == ["S001", "S002"]
    assert list_students(store) == []
    changes = apply_roster_import(store, preview)
    assert (changes.added, changes.updated, changes.moved) == (2, 0, 0)
    names = {s.student_no: (s.name, s.class_name) for s in list_students(store)}
    assert names == {"S001": ("张三", "初一(3)班"), "S002": ("李四", "初一(4)班")}


def test_second_import_updates_and_moves_by_student_no(store, tmp_path):
    first = _csv(tmp_path / "a.csv", [["S001", "张三", "男", "七年级", "3班", ""],
                                      ["S002", "李四", "女", "七年级", "4班", ""]])
    apply_roster_import(store, preview_roster_import(store, first))
    second = _csv(tmp_path / "b.csv", [["S001", "张叁", "男", "七年级", "3班", ""],
                                       ["S002", "李四", "女", "七年级", "5班", ""]], "gbk")
    preview = preview_roster_import(store, second)
    assert [c.student_no for c in preview.updated] == ["S001"]
    assert "张三 → 张叁" in preview.updated[0].details[0]
    assert [c.student_no for c in preview.moved] == ["S002"]
    assert preview.moved[0].details[0] == "初一(4)班 → 初一(5)班"
    apply_roster_import(store, preview)
    with store.read() as session:
        moves = session.scalars(select(ClassMove).order_by(ClassMove.id)).all()
        assert [m.reason for m in moves] == ["import", "import", "import"]
        assert moves[-1].from_class_id is not None


def test_rejected_rows_are_reported_with_row_and_reason(store, tmp_path):
    path = _csv(tmp_path / "bad.csv", [["S001", "张三", "男", "七年级", "3班", ""],
                                       ["", "无号", "男", "七年级", "3班", ""],
                                       ["S003", "王五", "X", "七年级", "3班", ""]])
    preview = preview_roster_import(store, path)
    rows = sorted(p.row_number for p in preview.rejected)
    assert rows == [3, 4]
    assert all(p.message for p in preview.rejected)
    assert [c.student_no for c in preview.added] == ["S001"]


def test_apply_recomputes_against_the_database(store, tmp_path):
    """Someone imported the same students between preview and confirm: no duplicates."""
    path = _csv(tmp_path / "r.csv", [["S001", "张三", "男", "七年级", "3班", ""]])
    preview = preview_roster_import(store, path)
    apply_roster_import(store, preview)
    changes = apply_roster_import(store, preview)
    assert changes.added == 0
    with store.read() as session:
        assert session.scalar(select(func.count(Student.id))) == 1


def test_a_failed_apply_changes_nothing(store):
    rows = synthetic_roster(50, seed=2)
    broken = [*rows, dataclasses.replace(rows[0], row_number=99)]  # same 学籍号 twice
    with pytest.raises(IntegrityError):
        apply_roster_import(store, RosterPreview(file_name="t", rows=broken))
    assert list_students(store) == []


def test_promotion_moves_every_class_up_and_graduates_the_top(store):
    rows = synthetic_roster(90, grades=range(7, 10), seed=4)
    apply_roster_import(store, RosterPreview(file_name="t", rows=rows))
    plan = preview_promotion(store)
    assert plan.graduating == sum(1 for r in rows if r.grade == 9)
    assert any(s.old_name.startswith("初三") and s.new_name == "" for s in plan.steps)
    assert any(s.old_name == "初一(1)班" and s.new_name == "初二(1)班" for s in plan.steps)
    apply_promotion(store, plan)
    remaining = list_students(store)
    assert len(remaining) == sum(1 for r in rows if r.grade < 9)
    assert {s.grade for s in remaining} == {8, 9}
    with store.read() as session:
        assert session.scalar(select(SchoolYear.start_year).where(SchoolYear.is_current)) == \
            plan.to_year
        assert session.scalar(select(func.count(SchoolClass.id))
                              .where(SchoolClass.archived_year == plan.from_year)) >= 1
    with pytest.raises(BadInputError):
        apply_promotion(store, plan)  # the same plan twice


def test_class_teacher_sees_only_own_class_and_cannot_import(db_path, store, tmp_path):
    rows = synthetic_roster(90, seed=4)
    apply_roster_import(store, RosterPreview(file_name="t", rows=rows))
    own = list_students(store)[0]
    accounts.create_user(store, "ct", "班主任", "class_teacher", "teacher-pass", own.class_id)
    store.close()
    with unlock(db_path, "ct", "teacher-pass") as teacher:
        visible = list_students(teacher)
        assert visible and {s.class_id for s in visible} == {own.class_id}
        with pytest.raises(PermissionDeniedError):
            preview_roster_import(teacher, tmp_path / "x.csv")
