"""Typed reads from a definition file's TOML tables that record a problem, not raise.

Collecting instead of raising lets one run over a broken file list every mistake.
"""

from __future__ import annotations

import math
import re
from typing import Any

from app.instruments.problems import DefinitionProblems
from app.instruments.warning import WarningLevel


class Fields:
    """Typed reads from TOML tables that record a problem instead of raising."""

    def __init__(self, problems: DefinitionProblems) -> None:
        self.p = problems

    def text(self, table: dict, key: str, where: str, required: bool = True) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.p.add(where or key, "缺少此项")
            return ""
        if not isinstance(value, str):
            self.p.add(where or key, "应为文字")
            return ""
        return value

    def number(self, table: dict, key: str, where: str, default: float | None = None) -> float:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.p.add(where, "缺少此项" if value is None else "应为数字")
            return math.nan
        return float(value)

    def integer(self, table: dict, key: str, where: str, minimum: int = 0,
                default: int | None = None) -> int | None:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.p.add(where, "缺少此项" if value is None else f"应为不小于 {minimum} 的整数")
            return default
        return value

    def boolean(self, table: dict, key: str, where: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.p.add(where, "应为 true 或 false")
            return default
        return value

    def choice(self, table: dict, key: str, where: str, choices: tuple[str, ...],
               default: str | None = None) -> str:
        value = table.get(key, default)
        if value not in choices:
            self.p.add(where, f"应为 {' / '.join(choices)} 之一（现为 {value!r}）")
            return choices[0]
        return value

    def warning(self, table: dict, key: str, where: str, default: str | None = None
                ) -> WarningLevel:
        code = self.choice(table, key, where, tuple(w.value for w in WarningLevel), default)
        return WarningLevel(code)

    def tables(self, table: dict, key: str) -> list[dict]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.p.add(key, f"应为表数组（[[{key}]]）")
            return []
        return value

    def unknown_keys(self, table: dict, allowed: set[str], where: str) -> None:
        for key in sorted(set(table) - allowed):
            self.p.add(f"{where}.{key}", "未知的键")

    def item_list(self, value: Any, where: str, item_count: int) -> tuple[int, ...]:
        """Item numbers as a list of integers or a text such as "1-15, 20, 22-24"."""
        numbers: list[int] = []
        if isinstance(value, str):
            for part in filter(None, (s.strip() for s in value.split(","))):
                m = re.fullmatch(r"(\d+)\s*-\s*(\d+)|(\d+)", part)
                if m is None:
                    self.p.add(where, f"「{part}」不是题号或题号范围（如 1-15）")
                elif m.group(3):
                    numbers.append(int(m.group(3)))
                else:
                    numbers.extend(range(int(m.group(1)), int(m.group(2)) + 1))
        elif isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool)
                                             for v in value):
            numbers = list(value)
        else:
            self.p.add(where, "应为题号列表（如 [1, 2, 3]）或文字（如 \"1-15, 20\"）")
        for n in numbers:
            if not 1 <= n <= item_count:
                self.p.add(where, f"题号 {n} 超出范围（本量表共 {item_count} 题）")
        duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
        if duplicates:
            self.p.add(where, f"题号重复：{'、'.join(map(str, duplicates))}")
        return tuple(numbers)
