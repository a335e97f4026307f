"""Entries of a student's 一生一策 file: risk factors, counselling records, signals.

All are versioned (see versioned.py): a correction is a new row and the original stays
for the auditor. Codes are stable English; their Chinese wording lives in app/labels.py.
Home–school contacts (家访, 电话, 三方沟通) are counselling records of those kinds, so a
file shows one timeline of who talked with whom.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base
from app.models.sealed import SealedString, SealedText
from app.models.versioned import Versioned


class RiskFactor(Versioned, Base):
    """A circumstance that puts a student at a disadvantage (留守, 丧亲, 校园欺凌 …).

    Active until `resolved_on`; resolving is a new version, so the file shows when a
    factor was known and when it ended.
    """

    __tablename__ = "risk_factor"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    code: Mapped[str] = mapped_column(String(24))
    noted_on: Mapped[date]
    source: Mapped[str] = mapped_column(SealedString(60), default="")
    note: Mapped[str] = mapped_column(SealedText, default="")
    resolved_on: Mapped[date | None]


class CounsellingRecord(Versioned, Base):
    """One session or contact. `confidential` content is for counselling staff only."""

    __tablename__ = "counselling_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    held_on: Mapped[date]
    kind: Mapped[str] = mapped_column(String(16))
    participants: Mapped[str] = mapped_column(SealedString(200), default="")
    content: Mapped[str] = mapped_column(SealedText, default="")
    next_step: Mapped[str] = mapped_column(SealedText, default="")
    confidential: Mapped[bool] = mapped_column(default=False)


class ReportedSignal(Versioned, Base):
    """A concern reported through the warning network (班主任, 心理委员, 家长, 本人 …).

    `severity` is the reporter's own flag; self-harm or suicide wording makes the rules
    suggest the crisis level at once.
    """

    __tablename__ = "reported_signal"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    reporter: Mapped[str] = mapped_column(SealedString(60), default="")
    reported_on: Mapped[date]
    description: Mapped[str] = mapped_column(SealedText, default="")
    severity: Mapped[str] = mapped_column(String(16), default="ordinary")
