"""Who may do what: one table, role → capabilities, that every service checks and the
GUI reads to build its pages.

Roles used to be strings compared in fifty places, so the command line let a 班主任 do
what the GUI hid from them (restore a backup, read the whole audit log). Now a service
names the capability it needs (`require(store, RESTORE)`), a page exists when the user
`may` use it, and `tests/cli/test_role_matrix.py` runs every command as every role
against this table. Adding a role (say 年级组长) is one row in `ROLE_TABLE`; its label
reaches every screen through `app.labels.ROLES`, which is derived from the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.errors import PermissionDeniedError

if TYPE_CHECKING:
    from app.store.handle import CurrentUser, Store

LIST_STUDENTS = "list_students"
WHOLE_SCHOOL = "whole_school"
READ_CLASS_SUMMARY = "read_class_summary"
READ_CONFIDENTIAL = "read_confidential"
WRITE_CASEFILE = "write_casefile"
MANAGE_ROSTER = "manage_roster"
RUN_SCREENING = "run_screening"
PRINT_REPORTS = "print_reports"
EXPORT_DISTRICT = "export_district"
BACKUP = "backup"
RESTORE = "restore"
READ_AUDIT = "read_audit"
MANAGE_USERS = "manage_users"
FILE_SIGNAL = "file_signal"

CAPABILITIES: dict[str, str] = {
    LIST_STUDENTS: "查看学生名单",
    WHOLE_SCHOOL: "查看全校学生（否则只看本班）",
    READ_CLASS_SUMMARY: "查看本班学生的档案摘要",
    READ_CONFIDENTIAL: "查看完整档案：测评分数、答卷、辅导记录、转介与计划",
    WRITE_CASEFILE: "记录预警、辅导、随访、转介与一生一策",
    MANAGE_ROSTER: "导入名册、学年升级",
    RUN_SCREENING: "管理测评批次、导入和录入答卷",
    PRINT_REPORTS: "打印测评报告、告知书和转介单，导出测评结果",
    EXPORT_DISTRICT: "生成报送区里的密封文件、导出本校公钥",
    BACKUP: "备份数据库、校验数据库文件",
    RESTORE: "从备份恢复数据库",
    READ_AUDIT: "查看和校验审计日志",
    MANAGE_USERS: "管理账户",
    FILE_SIGNAL: "向心理教师反映学生情况",
}
"""Each capability with what it allows, in the words a refusal and the docs use."""

_COUNSELLING = frozenset({
    LIST_STUDENTS, WHOLE_SCHOOL, READ_CLASS_SUMMARY, READ_CONFIDENTIAL, WRITE_CASEFILE,
    MANAGE_ROSTER, RUN_SCREENING, PRINT_REPORTS, EXPORT_DISTRICT, BACKUP, FILE_SIGNAL,
})
_NETWORK = frozenset({LIST_STUDENTS, READ_CLASS_SUMMARY, FILE_SIGNAL})
"""The warning network's teachers: they see a summary of their students and report
what they notice (app/services/signals/)."""


@dataclass(frozen=True)
class Role:
    label: str
    """What screens call the role."""
    may: frozenset[str]
    """Its capabilities (codes from CAPABILITIES)."""
    needs_class: bool = False
    """An account of this role is tied to one class (it sees that class only)."""
    whole_grade: bool = False
    """With `needs_class`: the account sees every class of its class's grade (a
    年级组长 is tied to a class of the grade they lead; app/services/classes.py)."""


ROLE_TABLE: dict[str, Role] = {
    "admin": Role("管理员", frozenset(CAPABILITIES)),
    "counselor": Role("心理教师", _COUNSELLING),
    "class_teacher": Role("班主任", _NETWORK, needs_class=True),
    "grade_leader": Role("年级组长", _NETWORK, needs_class=True, whole_grade=True),
}
"""One row per role, in the order screens list them."""

RECOVERY_ROLE = "admin"
"""What the recovery code may do: it is the principal's, kept in the school safe, and
exists to get the school's data back when every password is lost."""


def may(role: str, capability: str) -> bool:
    """Whether `role` has `capability`; an unknown role has none."""
    if capability not in CAPABILITIES:
        raise ValueError(f"unknown capability {capability!r}")
    row = ROLE_TABLE.get(role)
    return row is not None and capability in row.may


def user_may(user: CurrentUser, capability: str) -> bool:
    return may(user.role, capability)


def require(store: Store, capability: str) -> None:
    """Refuse (exit code 5) unless the signed-in user's role has `capability`."""
    if not may(store.user.role, capability):
        raise PermissionDeniedError(
            f"您的账户（{role_label(store.user.role)}）没有权限：{CAPABILITIES[capability]}。",
            detail=f"{store.user.role} lacks {capability}")


def require_role(role: str, capability: str) -> None:
    """The same refusal for a role known without a Store (a restore opens no database)."""
    if not may(role, capability):
        raise PermissionDeniedError(
            f"该账户（{role_label(role)}）没有权限：{CAPABILITIES[capability]}。",
            detail=f"{role} lacks {capability}")


def role_label(role: str) -> str:
    row = ROLE_TABLE.get(role)
    return row.label if row is not None else role


def roles_with(capability: str) -> tuple[str, ...]:
    """The roles that have `capability`, e.g. the staff who may read confidential content
    (`roles_with(READ_CONFIDENTIAL)`) and so hold the keys to it."""
    return tuple(code for code in ROLE_TABLE if may(code, capability))
