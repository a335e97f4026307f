"""The capability table: what each role may do, and what a role row must say."""

from __future__ import annotations

import pytest

from app.labels import ROLES
from app.services.capabilities import (
    BACKUP,
    CAPABILITIES,
    READ_AUDIT,
    READ_CONFIDENTIAL,
    RESTORE,
    ROLE_TABLE,
    may,
    roles_with,
)


def test_restore_and_audit_are_the_admins_backup_also_the_counsellors():
    assert roles_with(RESTORE) == ("admin",)
    assert roles_with(READ_AUDIT) == ("admin",)
    assert roles_with(BACKUP) == ("admin", "counselor")


def test_staff_are_the_roles_that_read_confidential_content():
    assert roles_with(READ_CONFIDENTIAL) == ("admin", "counselor")


def test_class_teacher_reads_only_the_class_summary():
    assert ROLE_TABLE["class_teacher"].needs_class
    assert {c for c in CAPABILITIES if may("class_teacher", c)} == {
        "list_students", "read_class_summary"}


def test_every_role_has_a_label_and_known_capabilities():
    assert {code: row.label for code, row in ROLE_TABLE.items()} == ROLES
    for row in ROLE_TABLE.values():
        assert row.may <= set(CAPABILITIES)


def test_unknown_role_may_nothing_and_unknown_capability_is_a_bug():
    assert not may("janitor", BACKUP)
    with pytest.raises(ValueError):
        may("admin", "fly")
