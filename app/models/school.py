"""The school, its school years and its classes (年级/班级)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class School(Base):
    """One row: the school this database belongs to."""

    __tablename__ = "school"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), default="")
    name: Mapped[str] = mapped_column(String(100))
    top_grade: Mapped[int] = mapped_column(default=9)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SchoolYear(Base):
    """A school year such as 2026-2027; exactly one is current."""

    __tablename__ = "school_year"

    id: Mapped[int] = mapped_column(primary_key=True)
    start_year: Mapped[int] = mapped_column(unique=True)
    starts_on: Mapped[date]
    is_current: Mapped[bool] = mapped_column(default=False)

    @property
    def name(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}学年"


class SchoolClass(Base):
    """A class identified by grade (1-12) and number; archived when it graduates.

    Promotion raises `grade` by one, so a class keeps its identity (and its students
    their history) through the years.
    """

    __tablename__ = "school_class"
    __table_args__ = (UniqueConstraint("grade", "number", "archived_year", name="grade_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grade: Mapped[int]
    number: Mapped[int]
    archived_year: Mapped[int] = mapped_column(default=0)
