"""Warning levels: the stable codes the whole app stores, their Chinese labels and order.

The policy numbers levels 1 危机, 2 重点关注, 3 一般关注 (and 0 无), so a smaller policy
number is *more* urgent except for 0. Sorting by that number would put "none" first and
"crisis" second, so the enum orders by `severity` instead (none < general < key < crisis)
and keeps the policy number as `level` for forms and reports.

Scoring works on arrays, where a level is its `severity` (int8): the most severe of
several signals is then just a maximum.
"""

from __future__ import annotations

import enum
import functools


@functools.total_ordering
class WarningLevel(enum.Enum):
    """A suggested or decided warning level; members iterate from least to most severe."""

    NONE = "none"
    GENERAL = "general"
    KEY = "key"
    CRISIS = "crisis"

    @property
    def severity(self) -> int:
        """0 none, 1 general, 2 key, 3 crisis: the order to sort and take maxima by."""
        return _SEVERITY[self]

    @property
    def level(self) -> int:
        """The policy's number: 1 危机, 2 重点关注, 3 一般关注, 0 无."""
        return _POLICY_LEVEL[self]

    @property
    def label(self) -> str:
        return WARNING_LABELS[self.value]

    @classmethod
    def from_severity(cls, severity: int) -> WarningLevel:
        return _BY_SEVERITY[int(severity)]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, WarningLevel):
            return NotImplemented
        return self.severity < other.severity


_SEVERITY = {WarningLevel.NONE: 0, WarningLevel.GENERAL: 1, WarningLevel.KEY: 2,
             WarningLevel.CRISIS: 3}
_POLICY_LEVEL = {WarningLevel.NONE: 0, WarningLevel.GENERAL: 3, WarningLevel.KEY: 2,
                 WarningLevel.CRISIS: 1}
_BY_SEVERITY = {s: level for level, s in _SEVERITY.items()}

#: Code → Chinese label, most urgent first (the order lists and reports show).
WARNING_LABELS: dict[str, str] = {
    "crisis": "危机",
    "key": "重点关注",
    "general": "一般关注",
    "none": "无",
}

#: Codes indexed by severity, for turning a severity array into codes in one step.
CODES_BY_SEVERITY: tuple[str, ...] = ("none", "general", "key", "crisis")
