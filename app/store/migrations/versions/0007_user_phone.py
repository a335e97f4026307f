"""a phone number on accounts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 11:00:00

Letters going home print the counselling teacher's number (告知书: 如有疑问，请联系心理
教师 …，联系电话 …); it belongs to the account, which each teacher keeps current on
设置 → 我的账户. Existing accounts get an empty number, which letters print as a blank.
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'


def upgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=40), nullable=False,
                                      server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('phone')
