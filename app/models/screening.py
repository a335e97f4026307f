"""Screening campaigns (测评批次), who takes part, and the stored results.

A result keeps the instrument's code and version and the scores as they were computed
then, so a later change to a definition never changes a stored result silently. Where
the date of a test came from is kept too (`taken_at_source`), so trends order by when a
student took the test, not when a file was imported.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.school import SchoolClass
from app.models.sealed import SealedFloat, SealedString, SealedText

campaign_class = Table(
    "campaign_class",
    Base.metadata,
    Column("campaign_id", ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True),
    Column("class_id", ForeignKey("school_class.id"), primary_key=True),
)


class Campaign(Base):
    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    instrument_code: Mapped[str] = mapped_column(String(32))
    school_year: Mapped[int]
    term: Mapped[int] = mapped_column(default=1)
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(40), default="")
    grade_reason: Mapped[str] = mapped_column(String(500), default="")
    """Why classes outside the instrument's grades take part (screening/consent.py)."""

    classes: Mapped[list[SchoolClass]] = relationship(secondary=campaign_class)


class Participation(Base):
    """Whether a student counts towards completion (应测/请假/免测/已排除) and consent."""

    __tablename__ = "participation"
    __table_args__ = (UniqueConstraint("campaign_id", "student_id", name="one_per_student"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"),
                                             index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="due")
    consent: Mapped[str] = mapped_column(String(16), default="unknown")
    note: Mapped[str] = mapped_column(String(200), default="")


class ScreeningResult(Base):
    __tablename__ = "screening_result"
    __table_args__ = (UniqueConstraint("campaign_id", "student_id", name="one_result"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"),
                                             index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    instrument_code: Mapped[str] = mapped_column(String(32))
    instrument_version: Mapped[str] = mapped_column(String(32))
    taken_at: Mapped[datetime | None]
    taken_at_source: Mapped[str] = mapped_column(String(16), default="unknown")
    source: Mapped[str] = mapped_column(String(16))  # "import", "entry", "kiosk", "summary"
    answers: Mapped[str] = mapped_column(SealedText, default="")  # JSON list; "" for summary scores
    scores: Mapped[str] = mapped_column(SealedText)  # JSON: scales, total, bands, missing
    total: Mapped[float | None] = mapped_column(SealedFloat)
    valid: Mapped[bool]
    validity_note: Mapped[str] = mapped_column(SealedString(200), default="")
    critical_items: Mapped[str] = mapped_column(SealedString(200), default="")  # "9" or "9,12"
    suggested_level: Mapped[str] = mapped_column(String(16), default="none")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(40), default="")
