"""referral checklist saved without a referral

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 09:40:00

The referral checklist can be saved whatever it advises (暂在校内支持 included) without
opening a referral: the ticked indications, the advice and its reasons, and the
teacher's reason for not referring now are kept in `referral_assessment`. The sealed
columns are stored as TEXT like the referral's own.
"""

from app.store.migrations.shapes import create, day, drop, integer, moment, string, text



revision = '0012'
down_revision = '0011'


def upgrade() -> None:
    create("referral_assessment", integer("student_id"), day("assessed_on"),
           string("assessed_by", 40), text("indications"), string("recommendation", 16),
           text("reasons"), text("note"), moment("created_at"),
           refs={"student_id": "student"}, index=["student_id"])


def downgrade() -> None:
    drop("referral_assessment", index=["student_id"])
