"""The audit log: who opened, changed, printed or exported what, and when.

Each event stores the hash of the one before it (`prev_hash`) and its own hash over
its fields and that link, so editing or deleting an event breaks the chain
(app/services/audit.py verifies it). `detail` must never hold student data beyond
ids: the log is shown to administrators who may not see every file. It is stored sealed
to the school's audit public key (bytes; app/services/audit_seal.py); text only for
events written before the school had that key, until the first staff sign-in seals them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(32))
    target_kind: Mapped[str] = mapped_column(String(32), default="")
    target_id: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str | bytes] = mapped_column(String(500), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))  # unique by the chain; not indexed (0005)
