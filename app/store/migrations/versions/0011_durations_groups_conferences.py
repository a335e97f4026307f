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

import sqlalchemy as sa
from alembic import op

from app.store.migrations.shapes import create, day, drop, integer, moment, string, text


revision = '0011'
down_revision = '0010'


def upgrade() -> None:
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grade_reason', sa.String(length=500), nullable=False,
                                      server_default=''))
    create("group_session", day("held_on"), string("topic", 100), integer("minutes"),
           text("note"), moment("created_at"), string("created_by", 40), index=["held_on"])
    create("case_conference", integer("student_id"), day("held_on"), text("attendees"),
           text("assessment"), text("decisions"), moment("created_at"),
           string("created_by", 40), refs={"student_id": "student"}, index=["student_id"])
    create("conference_task", integer("conference_id"), integer("student_id"), text("what"),
           string("owner", 60), day("due_on"), day("done_on", null=True),
           string("done_by", 40),
           refs={"conference_id": "case_conference", "student_id": "student"},
           index=["conference_id", "student_id"])
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
    drop("conference_task", index=["conference_id", "student_id"])
    drop("case_conference", index=["student_id"])
    drop("group_session", index=["held_on"])
