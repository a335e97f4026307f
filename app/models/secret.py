"""The school's own secrets: its Ed25519 signing key and the pseudonym key.

Both are made on first use (the first district export) and never leave the database:
the signing key proves to the district which school sealed a file, and the pseudonym key
turns a student id into a code the district can follow across terms without a name.
Each secret is stored wrapped (AES-256-GCM under a key derived from the database key),
so a copy of this table alone, or a plain dump of the decrypted database, shows no
usable secret. `public` holds what may be shown: the public key, base64 (empty for the
pseudonym key).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class SchoolSecret(Base):
    __tablename__ = "school_secret"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), unique=True)
    public: Mapped[str] = mapped_column(String(200), default="")
    nonce: Mapped[bytes] = mapped_column(LargeBinary)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(40), default="")
