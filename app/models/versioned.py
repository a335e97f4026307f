"""Records of what happened are never overwritten: a change is a new version.

A table that mixes in `Versioned` keeps every version of an entry as its own row. A
correction (or a completion, a resolution) adds a row whose `supersedes_id` points at
the version it replaces; lists show only versions nobody supersedes, and an auditor can
walk the chain back to the original. `supersedes_id` is unique, so a version has at most
one successor: two people correcting the same entry cannot fork its history. Withdrawing
an entry entered by mistake is also a new version (`withdrawn`), never a deletion.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from app.models.base import utcnow
from app.models.sealed import SealedString


class Versioned:
    """Mixin: version chain, why this version was made, who made it and when."""

    __tablename__: str

    @declared_attr
    def supersedes_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey(f"{cls.__tablename__}.id"), unique=True)

    @declared_attr
    def change_reason(cls) -> Mapped[str]:
        """Why this version was made, in a teacher's words (a correction or withdrawal
        often says what was wrong with the record): sealed, its own type per table."""
        return mapped_column(SealedString(200), default="")

    withdrawn: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(40), default="")
