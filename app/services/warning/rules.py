"""The rules that *suggest* a warning level; a teacher always decides (warning/decisions.py).

Evidence and what it suggests, each with a sentence a teacher can read:
- screening: the newest result of each instrument within a year — its suggested level
  (only from a valid sheet: a 疑似无效 sheet goes to the re-test list instead), and at
  least 重点关注 whenever a critical item was answered (PHQ-9 item 9, MHT 85/97 …), on a
  valid or an invalid sheet alike, naming the item and the answer given. A critical
  answer is a same-day face-to-face assessment (today.py), not an automatic 危机: 危机
  is the teacher's decision after that assessment; the sheet itself may suggest 危机 only
  in the rare cases its definition defines (the most severe answer and totals agreeing);
- risk factors still active: 丧亲, 家庭暴力 or 校园欺凌, or two or more factors at once,
  suggest at least 一般关注;
- signals reported in the last 90 days: the reporter's severity flag — wording about
  suicide, self-harm or harming others (伤人毁物) suggests crisis, 明显异常 重点关注,
  anything else 一般关注.
The most severe suggestion wins; the reasons list every rule that fired, most severe
first. Levels are the codes of app.instruments.warning.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
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

SIGNAL_LEVELS: dict[str, str] = {"suicide": "crisis", "self_harm": "crisis",
                                 "violence": "crisis", "serious": "key", "ordinary": "general"}


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
    valid: bool
    critical_answers: Mapping[int, str]
    """Item → the option label answered; empty for results stored before it was kept."""


class SignalLike(Protocol):
    source: str
    reported_on: date
    severity: str


@dataclass(frozen=True)
class SheetFacts:
    """A ScreeningLike for a caller that has only the stored result's fields (the review
    queue, which reads results by the thousand; the bench; the rules' tests)."""

    campaign_name: str
    instrument_code: str
    taken_on: date | None
    suggested_level: str
    critical_items: tuple[int, ...] = ()
    valid: bool = True
    critical_answers: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SignalFacts:
    """A SignalLike for a caller without a stored 反映 (the bench; the rules' tests)."""

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
            found.append((WarningLevel.KEY, critical_reason(row)))
        if row.valid and row.suggested_level != "none":
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


def critical_answers_text(items: Iterable[int], answers: Mapping[int, str]) -> str:
    """「第 9 题“几乎每天”、第 85 题“是”」; an answer not kept shows as 有风险作答."""
    return "、".join(f"第 {i} 题“{answers[i]}”" if answers.get(i) else f"第 {i} 题有风险作答"
                    for i in items)


def critical_reason(row: ScreeningLike) -> str:
    answers = critical_answers_text(row.critical_items, row.critical_answers)
    where = f"「{row.campaign_name}」关键题{answers}"
    invalid = "（答卷疑似无效，关键题作答仍须处理）" if not row.valid else ""
    return (f"{where}{invalid}：须当天面谈评估，建议至少重点关注；"
            "是否列为危机由面谈评估后决定")


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
