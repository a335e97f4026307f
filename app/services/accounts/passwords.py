"""The rules for a new account's name and password, in one place for the wizard, the
user page and the CLI."""

from __future__ import annotations

import re

from app.errors import BadInputError

MIN_LENGTH = 8
USERNAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,40}$")


def check_username(username: str) -> str:
    """The username without surrounding spaces, or BadInputError naming 用户名."""
    username = username.strip()
    if not USERNAME.match(username):
        raise BadInputError("用户名须为 2-40 个字母、数字、汉字或 _ . - 。")
    return username


def check_new_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise BadInputError(f"密码至少需要 {MIN_LENGTH} 个字符。")
    if password.strip() != password:
        raise BadInputError("密码首尾不能有空格。")
