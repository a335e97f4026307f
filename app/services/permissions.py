"""Who may do what. Roles: admin (管理员), counselor (心理教师), class_teacher (班主任,
read access to a summary of their own class only)."""

from __future__ import annotations

from app.errors import PermissionDeniedError
from app.store.handle import Store

STAFF = ("admin", "counselor")


def require(store: Store, *roles: str) -> None:
    if store.user.role not in roles:
        raise PermissionDeniedError("您的账户没有执行此操作的权限。")
