"""screening campaigns and results

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 18:58:03.851617
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('instrument_code', sa.String(length=32), nullable=False),
    sa.Column('school_year', sa.Integer(), nullable=False),
    sa.Column('term', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign')),
    sa.UniqueConstraint('name', name=op.f('uq_campaign_name'))
    )
    op.create_table('campaign_class',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_class_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['class_id'], ['school_class.id'], name=op.f('fk_campaign_class_class_id_school_class')),
    sa.PrimaryKeyConstraint('campaign_id', 'class_id', name=op.f('pk_campaign_class'))
    )
    op.create_table('participation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('consent', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_participation_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_participation_student_id_student')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participation')),
    sa.UniqueConstraint('campaign_id', 'student_id', name='one_per_student')
    )
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participation_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participation_student_id'), ['student_id'], unique=False)

    op.create_table('screening_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('instrument_code', sa.String(length=32), nullable=False),
    sa.Column('instrument_version', sa.String(length=32), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=True),
    sa.Column('taken_at_source', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('answers', sa.Text(), nullable=False),
    sa.Column('scores', sa.Text(), nullable=False),
    sa.Column('total', sa.Double(), nullable=True),
    sa.Column('valid', sa.Boolean(), nullable=False),
    sa.Column('validity_note', sa.String(length=200), nullable=False),
    sa.Column('critical_items', sa.String(length=200), nullable=False),
    sa.Column('suggested_level', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_screening_result_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_screening_result_student_id_student')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screening_result')),
    sa.UniqueConstraint('campaign_id', 'student_id', name='one_result')
    )
    with op.batch_alter_table('screening_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screening_result_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_screening_result_student_id'), ['student_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('screening_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screening_result_student_id'))
        batch_op.drop_index(batch_op.f('ix_screening_result_campaign_id'))

    op.drop_table('screening_result')
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participation_student_id'))
        batch_op.drop_index(batch_op.f('ix_participation_campaign_id'))

    op.drop_table('participation')
    op.drop_table('campaign_class')
    op.drop_table('campaign')
