"""durations, group sessions, case conferences, the out-of-grade reason

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 10:00:00

Counselling records get a duration (`minutes`, NULL for the records written before: their
time is unknown and counts as none) and a link to a group session (`group_id`); a group
session (团体辅导) is one row however many students came, so its time counts once. A
case conference (会诊) and its tasks are new tables; their texts are sealed columns,
stored as TEXT. A campaign keeps the reason it includes classes outside its
instrument's grades (`grade_reason`, "" for the campaigns before: none was asked).
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grade_reason', sa.String(length=500), nullable=False,
                                      server_default=''))
    op.create_table('group_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('topic', sa.String(length=100), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_session'))
    )
    with op.batch_alter_table('group_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_session_held_on'), ['held_on'], unique=False)

    op.create_table('case_conference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('attendees', sa.Text(), nullable=False),
    sa.Column('assessment', sa.Text(), nullable=False),
    sa.Column('decisions', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_case_conference_student_id_student')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_conference'))
    )
    with op.batch_alter_table('case_conference', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_conference_student_id'), ['student_id'], unique=False)

    op.create_table('conference_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conference_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=60), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('done_by', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['conference_id'], ['case_conference.id'], name=op.f('fk_conference_task_conference_id_case_conference')),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_conference_task_student_id_student')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conference_task'))
    )
    with op.batch_alter_table('conference_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conference_task_conference_id'), ['conference_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conference_task_student_id'), ['student_id'], unique=False)

    with op.batch_alter_table('counselling_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('group_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_counselling_record_group_id'), ['group_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_counselling_record_group_id_group_session'), 'group_session', ['group_id'], ['id'])




def downgrade() -> None:
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('grade_reason')
    with op.batch_alter_table('counselling_record', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_counselling_record_group_id_group_session'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_counselling_record_group_id'))
        batch_op.drop_column('group_id')
        batch_op.drop_column('minutes')

    with op.batch_alter_table('conference_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conference_task_student_id'))
        batch_op.drop_index(batch_op.f('ix_conference_task_conference_id'))

    op.drop_table('conference_task')
    with op.batch_alter_table('case_conference', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_conference_student_id'))

    op.drop_table('case_conference')
    with op.batch_alter_table('group_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_session_held_on'))

    op.drop_table('group_session')

