"""crisis checklist on follow-ups

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 07:00:00

A 危机 decision opens a same-day checklist (面谈评估, 通知监护人, 安全计划, 转介决定),
kept as follow-ups of kinds `crisis_*`: they share the follow-up's due date, completion
and version history. Two columns record what only those items need: when the guardian
was told (`done_at`), and the referral a referral decision opened (`referral_id`).
Existing rows get NULL in both, which is their meaning (not a checklist item).
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'


def upgrade() -> None:
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.add_column(sa.Column('done_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('referral_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_follow_up_referral_id_referral'),
                                    'referral', ['referral_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_follow_up_referral_id_referral'),
                                 type_='foreignkey')
        batch_op.drop_column('referral_id')
        batch_op.drop_column('done_at')
