"""referral checklist saved without a referral

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 09:40:00

The referral checklist can be saved whatever it advises (暂在校内支持 included) without
opening a referral: the ticked indications, the advice and its reasons, and the
teacher's reason for not referring now are kept in `referral_assessment`. The sealed
columns are stored as TEXT like the referral's own.
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'referral_assessment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('assessed_on', sa.Date(), nullable=False),
        sa.Column('assessed_by', sa.String(length=40), nullable=False),
        sa.Column('indications', sa.Text(), nullable=False),
        sa.Column('recommendation', sa.String(length=16), nullable=False),
        sa.Column('reasons', sa.Text(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['student_id'], ['student.id'],
                                name=op.f('fk_referral_assessment_student_id_student')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_assessment')),
    )
    with op.batch_alter_table('referral_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_assessment_student_id'), ['student_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('referral_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_assessment_student_id'))
    op.drop_table('referral_assessment')
