"""How this package reports what is wrong with a file: one line per problem, in Chinese,
naming where (a definition file's key, or an answers file's row and column).

Problems are collected and raised together as one BadInputError, because the person
fixing a file wants the whole list, not one mistake per attempt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.errors import BadInputError

MAX_LISTED = 200
"""A file with thousands of bad cells lists this many; the count says how many more."""


class DefinitionProblems:
    """Problems found in one definition file, keyed like `scales[2].items`."""

    def __init__(self, where: str) -> None:
        self.where = where
        self._items: list[tuple[str, str]] = []

    def add(self, key: str, message: str) -> None:
        self._items.append((key, message))

    def count_under(self, key: str) -> int:
        """How many problems concern `key` or anything inside it."""
        return sum(1 for k, _ in self._items if k == key or k.startswith((f"{key}.", f"{key}[")))

    def raise_if_any(self) -> None:
        if not self._items:
            return
        lines = [f"{self.where} [{key}]：{message}" for key, message in self._items]
        raise BadInputError(f"量表定义有误（{len(lines)} 处）：{lines[0]}", problems=lines,
                            detail=f"definition {self.where}: {len(lines)} problems")


@dataclass(frozen=True)
class RowProblem:
    """One problem in an answers file, placed as the spreadsheet shows it.

    `row` counts from 1 and includes header rows, so a teacher can go straight to it;
    `column` is the header text ("" when the problem is about the whole row or file).
    `fatal` problems stop scoring; the others (an unanswered item) are reported and the
    missing-answer rule applies.
    """

    row: int
    column: str
    message: str
    fatal: bool = True

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "表头"
        if self.column:
            where += f"「{self.column}」"
        return f"{where}：{self.message}"


def raise_problems(message: str, problems: Sequence[RowProblem | str]) -> None:
    """Raise one BadInputError listing at most MAX_LISTED problems (and how many more)."""
    lines = [str(p) for p in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        lines.append(f"……另有 {len(problems) - MAX_LISTED} 处问题未列出")
    raise BadInputError(message, problems=lines, detail=f"{len(problems)} problems")
