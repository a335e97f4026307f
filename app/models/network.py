"""反映 from the warning network: what a 班主任 or 年级组长 files, and the key that lets
them write it without being able to read it back.

A class teacher's session has no staff key (app/models/sealed.py), so it cannot write a
sealed column, and the text of a 反映 (what was seen, who saw it) must not be readable by
the other class teachers, whose password opens the same database. So the text is sealed
to the school's *report box*: an X25519 key pair whose public half is stored in clear and
whose private half is a sealed column (only staff can open it; a re-key re-seals it with
the other sealed columns). The next staff sign-in opens every filed report and turns it
into an ordinary 信息反映 entry of the student's file (app/services/signals/inbox.py).
The filer keeps what is in clear: student, source, severity, date and the report's
status, never the text.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow
from app.models.sealed import SealedText


class SignalBox(Base):
    """The report box's key pair (one current row; a staff sign-in replaces it)."""

    __tablename__ = "signal_box"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    private_key: Mapped[str] = mapped_column(SealedText)
    """The raw X25519 private key, base64, sealed under the staff key."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SignalReport(Base):
    """One 反映 as filed, and what the counselling room decided about it.

    `sealed` holds the HPKE-sealed text until a staff sign-in opens it into
    `signal_id` (the file's ReportedSignal) and clears it. `decision` stays NULL until a
    counselling teacher has read and decided; until then the report heads 今日工作.
    """

    __tablename__ = "signal_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(16))
    seen_on: Mapped[date]
    filed_by: Mapped[str] = mapped_column(String(40), index=True)
    filed_at: Mapped[datetime] = mapped_column(default=utcnow)
    box_id: Mapped[int | None] = mapped_column(ForeignKey("signal_box.id"))
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    signal_id: Mapped[int | None] = mapped_column(ForeignKey("reported_signal.id"))
    decision: Mapped[str | None] = mapped_column(String(16))
    decided_on: Mapped[date | None]
    decided_by: Mapped[str] = mapped_column(String(40), default="")
