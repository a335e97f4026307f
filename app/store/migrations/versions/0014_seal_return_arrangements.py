"""seal referral steps' return-to-school arrangements

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 15:50:00

`referral_step.arrangements` (复学安排: what the school agreed for a student's return,
in the teacher's words — half days, no PE, medication at school) became a sealed column
like the step's note and diagnosis. Its declared type (TEXT) does not change; its
existing values are clear text, and only a staff sign-in holds the key to seal them, so
the upgrade removes the staff-key check value: the next staff sign-in runs the sealing
pass (app/services/accounts/staff_key.py `settle`), as migration 0009 does. A class
teacher's sign-in in between changes nothing.

The downgrade opens the sealed values back into clear text, which the release before
reads. That needs the staff key, which the connection carries at a staff sign-in
(`attach_staff_key` runs before migrations); without it, and with a sealed value to
open, it refuses rather than leave ciphertext the older release would show as text.
"""

from alembic import op
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import text

from app.errors import StoreError
from app.models.sealed import is_sealed, staff_key_of, unseal

revision = '0014'
down_revision = '0013'

LABEL = "referral_step.arrangements"


def upgrade() -> None:
    op.execute("DELETE FROM school_secret WHERE kind = 'staff_key_check'")


def downgrade() -> None:
    bind = op.get_bind()
    sealed = [(row_id, value) for row_id, value in bind.execute(
        text("SELECT id, arrangements FROM referral_step")) if is_sealed(value)]
    if not sealed:
        return
    key = staff_key_of(bind.dialect)
    if key is None:
        raise StoreError("复学安排已加密保存，只有心理教师或管理员登录时才能退回旧版本。",
                         detail="downgrade 0014 without the staff key")
    aead = AESGCM(key)
    for row_id, value in sealed:
        bind.execute(text("UPDATE referral_step SET arrangements = :clear WHERE id = :id"),
                     {"clear": unseal(aead, LABEL, value), "id": row_id})
