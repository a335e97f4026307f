"""The capability table: what each role may do, and what a role row must say."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from app.errors import PermissionDeniedError
from app.labels import ROLES
from app.models import SchoolClass, Student
from app.services.accounts.auth import unlock
from app.services.accounts.users import create_user
from app.services.capabilities import (
    BACKUP,
    CAPABILITIES,
    LIST_STUDENTS,
    READ_AUDIT,
    READ_CLASS_SUMMARY,
    READ_CONFIDENTIAL,
    RESTORE,
    ROLE_TABLE,
    RUN_SCREENING,
    WHOLE_SCHOOL,
    Role,
    may,
    require,
    roles_with,
)
from app.services.casefile.access import check_can_read
from app.store.keyslots import DATABASE

ROOT = Path(__file__).resolve().parents[2]


def test_restore_and_audit_are_the_admins_backup_also_the_counsellors():
    assert roles_with(RESTORE) == ("admin",)
    assert roles_with(READ_AUDIT) == ("admin",)
    assert roles_with(BACKUP) == ("admin", "counselor")


def test_staff_are_the_roles_that_read_confidential_content():
    assert roles_with(READ_CONFIDENTIAL) == ("admin", "counselor")


def test_class_teacher_reads_only_the_class_summary_and_files_reports():
    assert ROLE_TABLE["class_teacher"].needs_class
    assert {c for c in CAPABILITIES if may("class_teacher", c)} == {
        "list_students", "read_class_summary", "file_signal"}


def test_grade_leader_is_a_class_teacher_for_a_whole_grade():
    row = ROLE_TABLE["grade_leader"]
    assert row.label == "年级组长" and row.needs_class and row.whole_grade
    assert row.may == ROLE_TABLE["class_teacher"].may
    assert roles_with("file_signal") == tuple(ROLE_TABLE)


def test_every_role_has_a_label_and_known_capabilities():
    assert {code: row.label for code, row in ROLE_TABLE.items()} == ROLES
    for row in ROLE_TABLE.values():
        assert row.may <= set(CAPABILITIES)


def test_unknown_role_may_nothing_and_unknown_capability_is_a_bug():
    assert not may("janitor", BACKUP)
    with pytest.raises(ValueError):
        may("admin", "fly")


def test_a_new_role_is_one_row(store, db_path, monkeypatch):
    """A row added to ROLE_TABLE is enough: accounts of that role can be made, their
    slot holds the keys the row's capabilities need, and services and the file's
    access check answer from the row (here a whole-school, summary-only observer)."""
    monkeypatch.setitem(ROLE_TABLE, "observer", Role(
        "观察员", frozenset({LIST_STUDENTS, WHOLE_SCHOOL, READ_CLASS_SUMMARY})))
    with store.write() as session:
        classes = [SchoolClass(grade=7, number=1), SchoolClass(grade=7, number=2)]
        session.add_all(classes)
        session.flush()
        student = Student(student_no="S20260001", name="测试学生", gender="F",
                          class_id=classes[1].id)
        session.add(student)
        session.flush()
        sid = student.id
    create_user(store, "ob", "观察员甲", "observer", "pass-word-1")
    store.close()
    observer = unlock(db_path, "ob", "pass-word-1")
    try:
        assert set(observer.keys) == {DATABASE}  # no staff key: no confidential content
        with pytest.raises(PermissionDeniedError, match="观察员"):
            require(observer, RUN_SCREENING)
        require(observer, LIST_STUDENTS)
        with observer.read() as session:
            assert check_can_read(session, observer, session.get(Student, sid)) is False
    finally:
        observer.close()


def test_no_module_compares_role_names():
    """Roles are rows of the table: code asks `may(role, capability)`, never `role ==`."""
    roles = set(ROLE_TABLE)
    found = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare):
                values = [node.left, *node.comparators]
                values += [e for v in values if isinstance(v, ast.Tuple | ast.List | ast.Set)
                           for e in v.elts]
                if any(isinstance(v, ast.Constant) and v.value in roles for v in values):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []
