"""referral attachments: scans of the hospital's 回执 and 病历证明

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 13:40:00

A new table, `referral_attachment`: one row per scan kept with a referral. The file is
encrypted under a key of its own (`content`, a BLOB), and that key (`content_key`), the
file's SHA-256 and the reason for a removal are sealed columns under the staff key,
stored as VARCHAR. The original file name is never stored, only its extension.
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('referral_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('file_type', sa.String(length=8), nullable=False),
    sa.Column('extension', sa.String(length=8), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content_key', sa.String(length=64), nullable=True),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('added_by', sa.String(length=40), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.Column('removed', sa.Boolean(), nullable=False),
    sa.Column('removed_by', sa.String(length=40), nullable=False),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.Column('removal_reason', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_referral_attachment_referral_id_referral')),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_referral_attachment_student_id_student')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_attachment'))
    )
    with op.batch_alter_table('referral_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_attachment_referral_id'), ['referral_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_attachment_student_id'), ['student_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('referral_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_attachment_student_id'))
        batch_op.drop_index(batch_op.f('ix_referral_attachment_referral_id'))
    op.drop_table('referral_attachment')
