"""Chinese wording for the stable codes stored in the database.

Codes are English and never change; what a teacher reads lives here, in one table per
enumeration, in the order screens and reports should list them (severity or workflow
order, not alphabetical).
"""

from __future__ import annotations

GENDERS: dict[str, str] = {"M": "男", "F": "女"}

STUDENT_STATUSES: dict[str, str] = {
    "enrolled": "在读",
    "suspended": "休学",
    "transferred": "转出",
    "graduated": "毕业",
}

ROLES: dict[str, str] = {
    "admin": "管理员",
    "counselor": "心理教师",
    "class_teacher": "班主任",
}

CLASS_MOVE_REASONS: dict[str, str] = {
    "import": "名册导入",
    "promotion": "升级",
    "manual": "手工调整",
}

AUDIT_ACTIONS: dict[str, str] = {
    "login": "登录",
    "login_failed": "登录失败",
    "recovery_used": "使用恢复码",
    "logout": "退出/锁定",
    "password_changed": "修改密码",
    "user_created": "新建用户",
    "user_updated": "修改用户",
    "school_created": "建立学校",
    "roster_import": "导入名册",
    "promotion": "学年升级",
    "student_list": "查看学生名单",
    "student_open": "查看学生档案",
    "student_edit": "修改学生档案",
    "student_export": "导出学生数据",
    "student_print": "打印学生资料",
    "migration": "数据库升级",
    "backup": "备份",
}


def label(table: dict[str, str], code: str | None) -> str:
    """The wording for a code; an unknown code shows as itself rather than vanishing."""
    if code is None:
        return ""
    return table.get(code, code)
