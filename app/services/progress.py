"""Progress and cancel for long jobs, without knowing who is watching.

The GUI's worker passes callbacks that post to a progress dialog; the CLI passes none.
A service calls `progress.step(done, total)` between units of work; if the user pressed
cancel, that raises `Cancelled` and the service's transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.errors import QingxinError


class Cancelled(QingxinError):
    exit_code = 130

    def __init__(self) -> None:
        super().__init__("已取消，没有写入任何数据。")


def _never() -> bool:
    return False


def _ignore(_done: int, _total: int) -> None:
    return None


@dataclass(frozen=True)
class Progress:
    report: Callable[[int, int], None] = _ignore
    is_cancelled: Callable[[], bool] = _never

    def step(self, done: int, total: int) -> None:
        if self.is_cancelled():
            raise Cancelled()
        self.report(done, total)


NO_PROGRESS = Progress()
