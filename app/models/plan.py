"""The 一生一策 plan, its reviews, and the people paired with the student.

A plan is one version chain per student: revising it adds a version, so the file shows
how goals and measures changed. Reviews are dated entries against the plan version they
reviewed. Pairings (师生结对 and 朋辈 support) are people with start and end dates; the
双结对 rule asks that a key student has at least two adults paired at once.

A plan's goals and measures describe the student's difficulties and their treatment:
sealed (staff only). Its category, the people responsible and the review dates stay in
clear, for the class teacher's summary and the due-work lists.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base
from app.models.sealed import SealedString, SealedText
from app.models.versioned import Versioned


class CarePlan(Versioned, Base):
    __tablename__ = "care_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    category: Mapped[str] = mapped_column(String(16))
    goals: Mapped[str] = mapped_column(SealedText, default="")
    measures: Mapped[str] = mapped_column(SealedText, default="")
    responsible: Mapped[str] = mapped_column(String(200), default="")
    next_review_on: Mapped[date | None]


class PlanReview(Versioned, Base):
    __tablename__ = "plan_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("care_plan.id"), index=True)
    reviewed_on: Mapped[date]
    outcome: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(SealedText, default="")
    next_review_on: Mapped[date | None]


class Pairing(Versioned, Base):
    """A mentor (导师), the class teacher, a school leader, or a peer (心理委员)."""

    __tablename__ = "pairing"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    person: Mapped[str] = mapped_column(String(60))
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(SealedString(200), default="")
