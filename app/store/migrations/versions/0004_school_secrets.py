"""school secrets

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 20:01:38.119541
"""

from app.store.migrations.shapes import blob, create, drop, moment, string



revision = '0004'
down_revision = '0003'


def upgrade() -> None:
    create("school_secret", string("kind", 32), string("public", 200), blob("nonce"),
           blob("wrapped"), moment("created_at"), string("created_by", 40), unique=["kind"])


def downgrade() -> None:
    drop("school_secret")
