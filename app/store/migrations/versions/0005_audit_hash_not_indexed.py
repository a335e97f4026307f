"""audit hash without a unique index

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 22:00:00

The unique constraint on audit_event.hash kept an index of every 64-character hash:
about a fifth of the audit log's size (10 MB of a ten-year school's 150), and nothing
reads by hash. Uniqueness follows from the chain itself — each hash covers the one
before it — and `audit verify` recomputes every link, so the index protected nothing.
SQLite cannot drop a table constraint in place: batch mode copies the table (ids,
order and hashes unchanged, so the chain verifies as before).
"""

from alembic import op


revision = '0005'
down_revision = '0004'


def upgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_event_hash'), type_='unique')


def downgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_audit_event_hash'), ['hash'])
