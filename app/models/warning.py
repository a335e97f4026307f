"""Warning level decisions and the follow-ups they call for.

A decision is append-only: the current level is the newest row, and every earlier one
stays as history, with the level the rules suggested and their reasons kept beside the
teacher's own. Follow-ups are versioned: completing one adds a version with the date
done, so what was planned and what happened both remain.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow
from app.models.sealed import SealedText
from app.models.versioned import Versioned


class LevelDecision(Base):
    __tablename__ = "level_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    level: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(SealedText)
    suggested_level: Mapped[str] = mapped_column(String(16))
    suggested_reasons: Mapped[str] = mapped_column(SealedText, default="[]")  # JSON list
    decided_on: Mapped[date]
    decided_by: Mapped[str] = mapped_column(String(40))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FollowUp(Versioned, Base):
    """A planned contact: routine (定期随访), an interview after a screening (约谈), or
    an item of the crisis checklist (`crisis_*`, app/services/warning/crisis.py).

    `done_at` is when the guardian was told (crisis_guardian: the hour matters);
    `referral_id` the referral a crisis_referral item was decided by, when one was opened.
    """

    __tablename__ = "follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="routine")
    due_on: Mapped[date]
    done_on: Mapped[date | None]
    done_by: Mapped[str] = mapped_column(String(60), default="")
    note: Mapped[str] = mapped_column(SealedText, default="")
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"))
    done_at: Mapped[datetime | None]
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"))
