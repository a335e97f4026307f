"""Students, their class history and guardian contacts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.school import SchoolClass


class Student(Base):
    """A student; `student_no` (学籍号) is the identity every import matches on."""

    __tablename__ = "student"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_no: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    gender: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date | None]
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="enrolled")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    school_class: Mapped[SchoolClass] = relationship()
    guardians: Mapped[list[Guardian]] = relationship(
        back_populates="student", cascade="all, delete-orphan"
    )
    moves: Mapped[list[ClassMove]] = relationship(
        cascade="all, delete-orphan", order_by="ClassMove.id"
    )


class ClassMove(Base):
    """One change of class: by import, yearly promotion or a manual move."""

    __tablename__ = "class_move"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    from_class_id: Mapped[int | None] = mapped_column(ForeignKey("school_class.id"))
    to_class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"))
    reason: Mapped[str] = mapped_column(String(16))
    moved_at: Mapped[datetime] = mapped_column(default=utcnow)


class Guardian(Base):
    """A parent or guardian to call (家校联系)."""

    __tablename__ = "guardian"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    relation: Mapped[str] = mapped_column(String(20), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(String(200), default="")

    student: Mapped[Student] = relationship(back_populates="guardians")
