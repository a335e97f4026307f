"""referral outcome on the visit feedback step

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 10:55:00

就诊反馈 records what came of the visit as a code (`outcome`, clear so that it can be
counted: 门诊治疗, 住院, 建议休学 …) and the diagnosis as the family reports it
(`diagnosis`, sealed under the staff key like the step's note; the stored type is
TEXT). Existing rows get "" in both: the feedback recorded before had only its note.
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'


def upgrade() -> None:
    with op.batch_alter_table('referral_step', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.String(length=16), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('diagnosis', sa.Text(), nullable=False,
                                      server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('referral_step', schema=None) as batch_op:
        batch_op.drop_column('diagnosis')
        batch_op.drop_column('outcome')
