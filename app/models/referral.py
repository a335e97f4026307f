"""Referrals to a hospital (转介, 绿色通道) and the steps they run through.

A checklist can also be saved without a referral (ReferralAssessment), with the reason.
The referral row keeps the checklist as assessed when it was opened (indications,
recommendation and its printed reasons) and is never changed. Each step done or skipped
is a versioned row; the steps not yet recorded are the work still to do, so the
workflow's position is read from the rows, never stored separately.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow
from app.models.sealed import SealedString, SealedText
from app.models.versioned import Versioned


class Referral(Base):
    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    opened_on: Mapped[date]
    opened_by: Mapped[str] = mapped_column(String(40))
    indications: Mapped[str] = mapped_column(SealedText, default="[]")  # JSON [[code, label]]
    recommendation: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[str] = mapped_column(SealedText, default="[]")  # JSON list of sentences
    note: Mapped[str] = mapped_column(SealedText, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReferralAssessment(Base):
    """The checklist saved without opening a referral: what was ticked, what it advised,
    and the teacher's written reason for not referring now. Kept, never changed, so a
    later reader sees that the question was asked and why the answer was no."""

    __tablename__ = "referral_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    assessed_on: Mapped[date]
    assessed_by: Mapped[str] = mapped_column(String(40))
    indications: Mapped[str] = mapped_column(SealedText, default="[]")  # JSON [[code, label]]
    recommendation: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[str] = mapped_column(SealedText, default="[]")  # JSON list of sentences
    note: Mapped[str] = mapped_column(SealedText, default="")  # why no referral now
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReferralStep(Versioned, Base):
    """One step done or skipped, with what that step must record.

    `receipt` is the parents' answer on the 告知书 slip; `hospital` the green-channel
    hospital contacted; `certificate_seen`, `meeting_on` and `arrangements` (sealed:
    what the school agreed for this student's return, in the teacher's words) belong to
    the return-to-school assessment (复学评估); `outcome` (a steps.OUTCOMES code, clear
    so it can be counted) and `diagnosis` (as the family reports it, sealed) belong to
    the visit feedback (就诊反馈).
    """

    __tablename__ = "referral_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    step: Mapped[str] = mapped_column(String(24))
    due_on: Mapped[date | None]
    done_on: Mapped[date]
    done_by: Mapped[str] = mapped_column(String(60), default="")
    note: Mapped[str] = mapped_column(SealedText, default="")
    skipped: Mapped[bool] = mapped_column(default=False)
    skip_reason: Mapped[str] = mapped_column(SealedString(200), default="")
    receipt: Mapped[str] = mapped_column(String(16), default="")
    hospital: Mapped[str] = mapped_column(String(100), default="")
    certificate_seen: Mapped[bool] = mapped_column(default=False)
    meeting_on: Mapped[date | None]
    arrangements: Mapped[str] = mapped_column(SealedText, default="")
    outcome: Mapped[str] = mapped_column(String(16), default="")
    diagnosis: Mapped[str] = mapped_column(SealedText, default="")
