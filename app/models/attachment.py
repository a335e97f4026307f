"""Scans kept with a referral: the hospital's 回执, the 病历证明 and other documents.

The file itself is encrypted with a key of its own (AES-256-GCM, a fresh key per
attachment), and that key is a sealed column under the staff key (app/models/sealed.py):
a class teacher's session can read the row's clear columns but not the key, so not the
scan. Sealing the key rather than the whole file keeps a staff-key rotation (re-key)
from opening and re-sealing every stored scan: the re-sealing pass walks the sealed
columns, and here that is 32 bytes per attachment, not up to 10 MB. The associated data
of the file's encryption names the row's student, referral, kind and size, so a scan
(with its key) moved to another row does not open.

The encrypted file is a row of its own table (`referral_attachment_content`), not a
column of the attachment's: SQLite keeps a big value in a chain of overflow pages, and
reading any column stored after it walks (and SQLCipher decrypts) the whole chain, so
listing five 10 MB scans in a file took close to a second instead of a millisecond.

The original file name is never stored (it often holds the student's name): only its
extension, and the type recognised from the file's first bytes. A removed attachment
keeps its row (who added and removed it, when, why) but loses its key and content.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow
from app.models.sealed import SealedString


class ReferralAttachment(Base):
    __tablename__ = "referral_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    """receipt (回执), certificate (病历证明), other (其他): labels.ATTACHMENT_KINDS."""
    file_type: Mapped[str] = mapped_column(String(8))
    """pdf, jpeg or png, as the file's first bytes say (never the file name)."""
    extension: Mapped[str] = mapped_column(String(8), default="")
    """The original file's extension, lower case, without the dot ("" if none)."""
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(SealedString(64), default="")
    content_key: Mapped[str | None] = mapped_column(SealedString(64))
    """The file's own AES-256 key, base64, sealed under the staff key; NULL once removed."""
    added_by: Mapped[str] = mapped_column(String(40))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed: Mapped[bool] = mapped_column(default=False)
    removed_by: Mapped[str] = mapped_column(String(40), default="")
    removed_at: Mapped[datetime | None]
    removal_reason: Mapped[str] = mapped_column(SealedString(200), default="")


class AttachmentContent(Base):
    """The encrypted file of one attachment: nonce ‖ AES-256-GCM(file) ‖ tag under the
    attachment's `content_key`. Deleted when the attachment is removed."""

    __tablename__ = "referral_attachment_content"

    attachment_id: Mapped[int] = mapped_column(ForeignKey("referral_attachment.id"),
                                               primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
