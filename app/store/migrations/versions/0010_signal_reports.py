"""反映 from the warning network: the report box and filed reports

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 09:45:00

A 班主任 or 年级组长 files a 反映 whose text is sealed to the report box's public key
(`signal_box`; its private key is a sealed column, stored as TEXT like the others);
`signal_report` keeps what the filer may see (student, source, severity, date, status)
and, once a staff sign-in has opened it, the file's reported_signal it became.
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('signal_box',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('private_key', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signal_box'))
    )
    op.create_table('signal_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('seen_on', sa.Date(), nullable=False),
    sa.Column('filed_by', sa.String(length=40), nullable=False),
    sa.Column('filed_at', sa.DateTime(), nullable=False),
    sa.Column('box_id', sa.Integer(), nullable=True),
    sa.Column('sealed', sa.LargeBinary(), nullable=True),
    sa.Column('signal_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=16), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decided_by', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['box_id'], ['signal_box.id'],
                            name=op.f('fk_signal_report_box_id_signal_box')),
    sa.ForeignKeyConstraint(['signal_id'], ['reported_signal.id'],
                            name=op.f('fk_signal_report_signal_id_reported_signal')),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'],
                            name=op.f('fk_signal_report_student_id_student')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signal_report'))
    )
    with op.batch_alter_table('signal_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signal_report_filed_by'), ['filed_by'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_signal_report_student_id'), ['student_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('signal_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signal_report_student_id'))
        batch_op.drop_index(batch_op.f('ix_signal_report_filed_by'))
    op.drop_table('signal_report')
    op.drop_table('signal_box')
