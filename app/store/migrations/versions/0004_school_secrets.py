"""school secrets

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 20:01:38.119541
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('school_secret',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('public', sa.String(length=200), nullable=False),
    sa.Column('nonce', sa.LargeBinary(), nullable=False),
    sa.Column('wrapped', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_secret')),
    sa.UniqueConstraint('kind', name=op.f('uq_school_secret_kind'))
    )


def downgrade() -> None:
    op.drop_table('school_secret')
