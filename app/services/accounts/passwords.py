"""The password rule, in one place for the wizard, the user page and the CLI."""

from __future__ import annotations

from app.errors import BadInputError

MIN_LENGTH = 8


def check_new_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise BadInputError(f"密码至少需要 {MIN_LENGTH} 个字符。")
    if password.strip() != password:
        raise BadInputError("密码首尾不能有空格。")
