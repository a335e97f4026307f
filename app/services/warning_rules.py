"""The rules that *suggest* a warning level; a teacher always decides (warnings.py).

Evidence and what it suggests, each with a sentence a teacher can read:
- screening: the newest result of each instrument within a year — its suggested level,
  and crisis whenever a critical item was answered (e.g. PHQ-9 item 9), whatever the
  total;
- risk factors still active: 丧亲, 家庭暴力 or 校园欺凌, or two or more factors at once,
  suggest at least 一般关注;
- signals reported in the last 90 days: the reporter's severity flag — wording about
  suicide or self-harm suggests crisis, 明显异常 重点关注, anything else 一般关注.
The most severe suggestion wins; the reasons list every rule that fired, most severe
first. Levels are the codes of app.instruments.warning.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from app.instruments.warning import WARNING_LABELS, WarningLevel
from app.labels import RISK_FACTORS, SIGNAL_SEVERITIES, SIGNAL_SOURCES, label


@dataclass(frozen=True)
class RulePolicy:
    screening_days: int = 365
    signal_days: int = 90
    factor_count: int = 2
    serious_factors: tuple[str, ...] = ("bereavement", "domestic_violence", "bullying")


DEFAULT_RULES = RulePolicy()

SIGNAL_LEVELS: dict[str, str] = {"suicide": "crisis", "self_harm": "crisis", "serious": "key",
                                 "ordinary": "general"}


@dataclass(frozen=True)
class Suggestion:
    level: str
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return WARNING_LABELS[self.level]


class ScreeningLike(Protocol):
    campaign_name: str
    instrument_code: str
    taken_on: date | None
    suggested_level: str
    critical_items: tuple[int, ...]


class SignalLike(Protocol):
    source: str
    reported_on: date
    severity: str


def suggest_level(screening: Iterable[ScreeningLike], risk_factors: Iterable[str],
                  signals: Iterable[SignalLike], rules: RulePolicy = DEFAULT_RULES,
                  ) -> Suggestion:
    """Apply the rules to evidence already chosen as current (see `choose_evidence`)."""
    found: list[tuple[WarningLevel, str]] = []
    for row in screening:
        if row.critical_items:
            items = "、".join(str(i) for i in row.critical_items)
            found.append((WarningLevel.CRISIS, f"「{row.campaign_name}」关键题第 {items} 题"
                          "有风险作答（关键题作答即按危机处理）"))
        elif row.suggested_level != "none":
            found.append((WarningLevel(row.suggested_level),
                          f"「{row.campaign_name}」测评结果建议："
                          f"{WARNING_LABELS[row.suggested_level]}"))
    codes = sorted(set(risk_factors), key=list(RISK_FACTORS).index)
    serious = [c for c in codes if c in rules.serious_factors]
    if serious:
        found.append((WarningLevel.GENERAL, "存在需重点关爱的处境不利因素："
                       + "、".join(RISK_FACTORS[c] for c in serious)))
    if len(codes) >= rules.factor_count:
        found.append((WarningLevel.GENERAL, f"同时存在 {len(codes)} 项处境不利因素："
                      + "、".join(RISK_FACTORS[c] for c in codes)))
    for signal in sorted(signals, key=lambda s: s.reported_on, reverse=True):
        level = WarningLevel(SIGNAL_LEVELS.get(signal.severity, "general"))
        source = label(SIGNAL_SOURCES, signal.source)
        found.append((level, f"{signal.reported_on:%Y-%m-%d} {source}反映："
                      f"{label(SIGNAL_SEVERITIES, signal.severity)}"))
    if not found:
        return Suggestion("none", ())
    found.sort(key=lambda f: f[0].severity, reverse=True)
    return Suggestion(found[0][0].value, tuple(reason for _, reason in found))


def choose_evidence(screening: Sequence[ScreeningLike], signals: Iterable[SignalLike],
                    today: date, rules: RulePolicy = DEFAULT_RULES,
                    ) -> tuple[list[ScreeningLike], list[SignalLike]]:
    """The newest result per instrument within `screening_days`, and recent signals.

    `screening` must be ordered oldest first (as StudentFile.screening is).
    """
    newest: dict[str, ScreeningLike] = {}
    since = today - timedelta(days=rules.screening_days)
    for row in screening:
        if row.taken_on is None or since <= row.taken_on <= today:
            newest[row.instrument_code] = row
    recent = today - timedelta(days=rules.signal_days)
    return (list(newest.values()),
            [s for s in signals if recent <= s.reported_on <= today])
