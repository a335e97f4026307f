"""Entries of a student's 一生一策 file: risk factors, counselling records, signals.

All are versioned (see versioned.py): a correction is a new row and the original stays
for the auditor. Codes are stable English; their Chinese wording lives in app/labels.py.
Home–school contacts (家访, 电话, 三方沟通) are counselling records of those kinds, so a
file shows one timeline of who talked with whom.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow
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
    """One session or contact. `confidential` content is for counselling staff only.

    `minutes` is how long it took (the counsellor's workload, statistics/workload.py);
    `group_id` links a student's record of a group session to that session
    (GroupSession: one session, a record in each member's file)."""

    __tablename__ = "counselling_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    held_on: Mapped[date]
    kind: Mapped[str] = mapped_column(String(16))
    participants: Mapped[str] = mapped_column(SealedString(200), default="")
    content: Mapped[str] = mapped_column(SealedText, default="")
    next_step: Mapped[str] = mapped_column(SealedText, default="")
    confidential: Mapped[bool] = mapped_column(default=False)
    minutes: Mapped[int | None]
    group_id: Mapped[int | None] = mapped_column(ForeignKey("group_session.id"), index=True)


class GroupSession(Base):
    """A 团体辅导 session: its members each get a counselling record of kind "group"
    pointing here, so every file shows it; the session's own note is sealed for staff.
    Its minutes count once towards the counsellor's group hours, however many came."""

    __tablename__ = "group_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(index=True)
    topic: Mapped[str] = mapped_column(String(100))
    minutes: Mapped[int]
    note: Mapped[str] = mapped_column(SealedText, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(40), default="")


class CaseConference(Base):
    """A 会诊 (case conference) on one student: who met, what they judged (研判) and
    decided; its tasks (ConferenceTask) have an owner and a due date and appear in
    今日工作 until done. Who attended, the judgement and the decisions are sealed."""

    __tablename__ = "case_conference"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    held_on: Mapped[date]
    attendees: Mapped[str] = mapped_column(SealedText, default="[]")  # JSON list of names
    assessment: Mapped[str] = mapped_column(SealedText, default="")
    decisions: Mapped[str] = mapped_column(SealedText, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(40), default="")


class ConferenceTask(Base):
    """One task a 会诊 decided: what, who (an account's username or a free name), by
    when; done when `done_on` is set."""

    __tablename__ = "conference_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(ForeignKey("case_conference.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    what: Mapped[str] = mapped_column(SealedText)
    owner: Mapped[str] = mapped_column(String(60))
    due_on: Mapped[date]
    done_on: Mapped[date | None]
    done_by: Mapped[str] = mapped_column(String(40), default="")


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
