"""referral attachments: scans of the hospital's 回执 and 病历证明

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 13:40:00

One row per scan kept with a referral (`referral_attachment`), its encrypted file in a
table of its own (`referral_attachment_content`, deleted when the scan is removed), so
reading the list never walks a file's overflow pages. The file is encrypted under a key
of its own; that key, the file's SHA-256 and a removal's reason are sealed columns,
stored as VARCHAR. The original file name is never stored, only its extension.
"""

from app.store.migrations.shapes import blob, create, drop, flag, integer, moment, string

revision = '0013'
down_revision = '0012'


def upgrade() -> None:
    create("referral_attachment", integer("student_id"), integer("referral_id"),
           string("kind", 16), string("file_type", 8), string("extension", 8),
           integer("size"), string("sha256", 64), string("content_key", 64, null=True),
           string("added_by", 40), moment("added_at"),
           flag("removed"), string("removed_by", 40), moment("removed_at", null=True),
           string("removal_reason", 200),
           refs={"student_id": "student", "referral_id": "referral"},
           index=["referral_id", "student_id"])
    create("referral_attachment_content", integer("attachment_id"), blob("content"),
           refs={"attachment_id": "referral_attachment"}, key=("attachment_id",))


def downgrade() -> None:
    drop("referral_attachment_content")
    drop("referral_attachment", index=["referral_id", "student_id"])
