"""The referral checklist: indications observed → a recommendation with printed reasons.

Two tiers. Any one of the first (suicide attempt or plan, self-harm, harm to others or
property (伤人毁物), psychotic signs) is
enough to recommend referral now. The second (suicidal thoughts, severe or lasting
depressive symptoms, a critical screening item, loss of function at school) each call
for a professional's assessment; two or more of them together recommend referral now.
A deployment can add its own indications (`extra`) in either tier. With nothing ticked
the student stays in school support. The recommendation advises; the teacher decides
whether to open a referral.

`known_indications` reads what the open file already shows (a critical answer in the
newest screening of each instrument, signals reported recently about suicide, self-harm
or harming others), so the checklist starts with those ticked and says why; the teacher
unticks what the assessment did not confirm.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from app.errors import BadInputError
from app.labels import (
    REFERRAL_INDICATIONS,
    REFERRAL_RECOMMENDATIONS,
    SIGNAL_SEVERITIES,
    SIGNAL_SOURCES,
    label,
)
from app.services.casefile.rows import StudentFile
from app.services.warning.rules import (
    DEFAULT_RULES,
    RulePolicy,
    choose_evidence,
    critical_answers_text,
)

#: Consider-tier indications that, together, make referral urgent.
CONSIDER_TO_REFER = 2
_REFER_NOW = ("suicide_attempt", "suicide_plan", "self_harm", "violence", "psychosis")


@dataclass(frozen=True)
class Indication:
    code: str
    label: str
    refer_now: bool


INDICATIONS: tuple[Indication, ...] = tuple(
    Indication(code, text, code in _REFER_NOW) for code, text in REFERRAL_INDICATIONS.items())


@dataclass(frozen=True)
class Recommendation:
    level: str  # "refer_now", "consider" or "school_support"
    reasons: tuple[str, ...]
    indications: tuple[tuple[str, str], ...]  # (code, label) as assessed, checklist order

    @property
    def label(self) -> str:
        return REFERRAL_RECOMMENDATIONS[self.level]


def checklist(extra: Iterable[Indication] = ()) -> tuple[Indication, ...]:
    """The built-in indications followed by the deployment's own."""
    extra = tuple(extra)
    clash = {i.code for i in extra} & set(REFERRAL_INDICATIONS)
    if clash:
        raise BadInputError(f"自定义转介指征与内置指征重名：{'、'.join(sorted(clash))}")
    return INDICATIONS + extra


def assess_indications(indications: set[str],
                       extra: Iterable[Indication] = ()) -> Recommendation:
    items = checklist(extra)
    known = {i.code for i in items}
    unknown = indications - known
    if unknown:
        raise BadInputError(f"未知的转介指征：{'、'.join(sorted(unknown))}")
    ticked = [i for i in items if i.code in indications]
    urgent = [i for i in ticked if i.refer_now]
    consider = [i for i in ticked if not i.refer_now]
    pairs = tuple((i.code, i.label) for i in ticked)
    reasons = [f"{i.label}：属于立即转介指征" for i in urgent]
    names = "、".join(i.label for i in consider)
    if urgent:
        if consider:
            reasons.append(f"另有：{names}")
        return Recommendation("refer_now", tuple(reasons), pairs)
    if len(consider) >= CONSIDER_TO_REFER:
        return Recommendation("refer_now", (f"同时存在 {len(consider)} 项需专业评估的情况"
                                            f"（{names}）：建议立即转介",), pairs)
    if consider:
        return Recommendation("consider", (f"{names}：建议由专业人员评估后决定是否转介",),
                              pairs)
    return Recommendation("school_support", ("未勾选任何转介指征：在校内继续心理支持与跟踪，"
                                             "情况变化时重新评估",), pairs)


#: A reported signal's severity → the indication it points to. "涉及自杀言行" is ticked
#: as 自杀意念, the mildest reading: the assessment tells a plan or an attempt apart.
SIGNAL_INDICATIONS = {"suicide": "suicidal_ideation", "self_harm": "self_harm",
                      "violence": "violence"}


def known_indications(file: StudentFile, today: date,
                      rules: RulePolicy = DEFAULT_RULES) -> dict[str, str]:
    """Indication code → why the file already shows it, in checklist order: a critical
    answer in the newest result of each instrument (the same evidence the warning rules
    read), and signals of the last `signal_days` whose severity names a risk."""
    screening, signals = choose_evidence(file.screening, file.signals, today, rules)
    found: dict[str, list[str]] = {}
    for row in screening:
        if row.critical_items:
            answers = critical_answers_text(row.critical_items, row.critical_answers)
            found.setdefault("critical_item", []).append(f"「{row.campaign_name}」{answers}")
    for signal in sorted(signals, key=lambda s: s.reported_on, reverse=True):
        code = SIGNAL_INDICATIONS.get(signal.severity)
        if code is not None:
            found.setdefault(code, []).append(
                f"{signal.reported_on:%Y-%m-%d} {label(SIGNAL_SOURCES, signal.source)}反映："
                f"{label(SIGNAL_SEVERITIES, signal.severity)}")
    return {code: "；".join(found[code]) for code in REFERRAL_INDICATIONS if code in found}
