"""seal plan goals and measures, and versions' change reasons

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 10:00:00

`care_plan.goals`, `care_plan.measures` and every versioned table's `change_reason`
became sealed columns (app/models/sealed.py). Their declared types do not change, so
there is nothing to alter; but their existing values are clear text, and only a staff
sign-in holds the key to seal them. Removing the staff-key check value makes the next
staff sign-in run the sealing pass (app/services/staff_key.py `settle`), which seals
every clear value of every sealed column and writes the check value again. A class
teacher's sign-in in between changes nothing.
"""

from alembic import op


revision = '0009'
down_revision = '0008'


def upgrade() -> None:
    op.execute("DELETE FROM school_secret WHERE kind = 'staff_key_check'")


def downgrade() -> None:
    """Nothing to undo in the schema. Values sealed since stay sealed: the release
    before this one would show them as ciphertext."""
