"""Phone numbers as a school writes them: one check for guardians and staff.

A letter home with a wrong number is worse than one that says 未登记, so a number is
kept only if it is a mainland mobile (11 digits, 1[3-9]…) or a landline with its area
code (0xx-xxxxxxxx, an extension after a second dash); spaces, brackets and a +86 or
0086 prefix are dropped.
"""

from __future__ import annotations

import re

from app.errors import BadInputError

_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}(?:-\d{1,6})?")
_SEPARATORS = re.compile(r"[\s()（）]")


def normal_phone(text: str) -> str:
    """The number in one form, or a BadInputError naming the field 联系电话."""
    value = _SEPARATORS.sub("", (text or "").strip())
    value = value.removeprefix("+86").removeprefix("0086")
    if len(value) == 13 and value.startswith("86"):
        value = value[2:]
    if _MOBILE.fullmatch(value) or _LANDLINE.fullmatch(value):
        return value
    raise BadInputError(f"联系电话「{(text or '').strip()}」不是有效的电话号码：手机为 11 位数字"
                        "（如 13800001234），座机请带区号（如 010-62345678）。")
