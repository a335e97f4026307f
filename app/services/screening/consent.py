"""知情同意 and age: whose answers a campaign takes, and for which grades.

The deployment file sets the consent policy ([screening].consent): "none" takes every
student; "opt-out" skips a student whose participation says 不同意; "opt-in" takes only
those marked 已同意. A skipped student is never scored: the import preview lists their
sheet as 未同意 and does not write it, and typed or on-screen answers are refused. The
same file says what happens when a campaign includes classes outside the instrument's
grades ([screening].outside_grades): a written reason, kept with the campaign, or a
refusal.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.deployment import CONSENT_POLICIES, GRADE_POLICIES
from app.errors import BadInputError
from app.instruments.model import Instrument
from app.labels import CONSENT
from app.models import SchoolClass
from app.services.roster.file import class_display_name, grade_display_name

REASON_LIMIT = 500
SKIPPED = "未同意：知情同意为「{consent}」，按本校的知情同意政策不测、不计分"


def takes(policy: str, consent: str) -> bool:
    """Whether a student with `consent` (a CONSENT code) is screened under `policy`."""
    if policy not in CONSENT_POLICIES:
        raise BadInputError(f"未知的知情同意政策：{policy}。可选：{'、'.join(CONSENT_POLICIES)}。")
    if policy == "opt-out":
        return consent != "refused"
    if policy == "opt-in":
        return consent == "given"
    return True


def refusal(consent: str) -> str:
    return SKIPPED.format(consent=CONSENT.get(consent, consent))


def outside_grades(instrument: Instrument, classes: Sequence[SchoolClass]) -> list[str]:
    """The classes the instrument is not meant for, by name."""
    return [class_display_name(c.grade, c.number) for c in classes
            if not instrument.grade_min <= c.grade <= instrument.grade_max]


def check_grades(instrument: Instrument, classes: Sequence[SchoolClass], policy: str,
                 reason: str) -> str:
    """The reason to keep with the campaign ("" when every class is in range); refuses
    classes outside the instrument's grades by policy, or without a reason."""
    if policy not in GRADE_POLICIES:
        raise BadInputError(f"未知的年级政策：{policy}。")
    outside = outside_grades(instrument, classes)
    if not outside:
        return ""
    listed = "、".join(outside[:5]) + (f" 等 {len(outside)} 个班" if len(outside) > 5 else "")
    span = (f"{grade_display_name(instrument.grade_min)}至"
            f"{grade_display_name(instrument.grade_max)}")
    if policy == "refuse":
        raise BadInputError(f"{listed}不在《{instrument.name}》的适用年级（{span}），"
                            "本校的部署文件不允许对这些班级施测，请去掉这些班级。")
    reason = (reason or "").strip()
    if not reason:
        raise BadInputError(f"{listed}不在《{instrument.name}》的适用年级（{span}）："
                            "请填写超出适用年级的原因，或去掉这些班级。")
    if len(reason) > REASON_LIMIT:
        raise BadInputError(f"「超出适用年级的原因」不能超过 {REASON_LIMIT} 个字。")
    return reason
