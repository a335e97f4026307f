"""student file warnings referrals

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 19:27:56.809236
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('care_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('goals', sa.Text(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('responsible', sa.String(length=200), nullable=False),
    sa.Column('next_review_on', sa.Date(), nullable=True),
    sa.Column('change_reason', sa.String(length=200), nullable=False),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_care_plan_student_id_student')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['care_plan.id'], name=op.f('fk_care_plan_supersedes_id_care_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_plan')),
    sa.UniqueConstraint('supersedes_id', name=op.f('uq_care_plan_supersedes_id'))
    )
    with op.batch_alter_table('care_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_care_plan_student_id'), ['student_id'], unique=False)

    op.create_table('counselling_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('participants', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('next_step', sa.Text(), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('change_reason', sa.String(length=200), nullable=False),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_counselling_record_student_id_student')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['counselling_record.id'], name=op.f('fk_counselling_record_supersedes_id_counselling_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counselling_record')),
    sa.UniqueConstraint('supersedes_id', name=op.f('uq_counselling_record_supersedes_id'))
    )
    with op.batch_alter_table('counselling_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counselling_record_student_id'), ['student_id'], unique=False)

    op.create_table('follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('done_by', sa.String(length=60), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('change_reason', sa.String(length=200), nullable=False),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_follow_up_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_follow_up_student_id_student')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['follow_up.id'], name=op.f('fk_follow_up_supersedes_id_follow_up')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up')),
    sa.UniqueConstraint('supersedes_id', name=op.f('uq_follow_up_supersedes_id'))
    )
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_up_student_id'), ['student_id'], unique=False)

    op.create_table('level_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('suggested_level', sa.String(length=16), nullable=False),
    sa.Column('suggested_reasons', sa.Text(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('decided_by', sa.String(length=40), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_level_decision_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_level_decision_student_id_student')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_level_decision'))
    )
    with op.batch_alter_table('level_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_level_decision_student_id'), ['student_id'], unique=False)

    op.create_table('pairing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('person', sa.String(length=60), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('change_reason', sa.String(length=200), nullable=False),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_pairing_student_id_student')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['pairing.id'], name=op.f('fk_pairing_supersedes_id_pairing')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pairing')),
    sa.UniqueConstraint('supersedes_id', name=op.f('uq_pairing_supersedes_id'))
    )
    with op.batch_alter_table('pairing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pairing_student_id'), ['student_id'], unique=False)

    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('opened_by', sa.String(length=40), nullable=False),
    sa.Column('indications', sa.Text(), nullable=False),
    sa.Column('recommendation', sa.String(length=16), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_referral_student_id_student')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral'))
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_student_id'), ['student_id'], unique=False)

    op.create_table('reported_signal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('reporter', sa.String(length=60), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('change_reason', sa.String(length=200), nullable=False),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_reported_signal_student_id_student')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['reported_signal.id'], name=op.f('fk_reported_signal_supersedes_id_reported_signal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reported_signal')),
    sa.UniqueConstraint('supersedes_id', name=op.f('uq_reported_signal_supersedes_id'))
    )
    with op.batch_alter_table('reported_signal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reported_signal_student_id'), ['student_id'], unique=False)

    op.create_table('risk_factor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=24), nullable=False),
    sa.Column('noted_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=60), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('resolved_on', sa.Date(), nullable=True),
    sa.Column('change_reason', sa.String(length=200), nullable=False),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_risk_factor_student_id_student')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['risk_factor.id'], name=op.f('fk_risk_factor_supersedes_id_risk_factor')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_factor')),
    sa.UniqueConstraint('supersedes_id', name=op.f('uq_risk_factor_supersedes_id'))
    )
    with op.batch_alter_table('risk_factor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_factor_student_id'), ['student_id'], unique=False)

    op.create_table('plan_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('next_review_on', sa.Date(), nullable=True),
    sa.Column('change_reason', sa.String(length=200), nullable=False),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['care_plan.id'], name=op.f('fk_plan_review_plan_id_care_plan')),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_plan_review_student_id_student')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['plan_review.id'], name=op.f('fk_plan_review_supersedes_id_plan_review')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_review')),
    sa.UniqueConstraint('supersedes_id', name=op.f('uq_plan_review_supersedes_id'))
    )
    with op.batch_alter_table('plan_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_review_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_review_student_id'), ['student_id'], unique=False)

    op.create_table('referral_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=24), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=False),
    sa.Column('done_by', sa.String(length=60), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('skipped', sa.Boolean(), nullable=False),
    sa.Column('skip_reason', sa.String(length=200), nullable=False),
    sa.Column('receipt', sa.String(length=16), nullable=False),
    sa.Column('hospital', sa.String(length=100), nullable=False),
    sa.Column('certificate_seen', sa.Boolean(), nullable=False),
    sa.Column('meeting_on', sa.Date(), nullable=True),
    sa.Column('arrangements', sa.Text(), nullable=False),
    sa.Column('change_reason', sa.String(length=200), nullable=False),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_referral_step_referral_id_referral')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['referral_step.id'], name=op.f('fk_referral_step_supersedes_id_referral_step')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_step')),
    sa.UniqueConstraint('supersedes_id', name=op.f('uq_referral_step_supersedes_id'))
    )
    with op.batch_alter_table('referral_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_step_referral_id'), ['referral_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('referral_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_step_referral_id'))

    op.drop_table('referral_step')
    with op.batch_alter_table('plan_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_review_student_id'))
        batch_op.drop_index(batch_op.f('ix_plan_review_plan_id'))

    op.drop_table('plan_review')
    with op.batch_alter_table('risk_factor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_factor_student_id'))

    op.drop_table('risk_factor')
    with op.batch_alter_table('reported_signal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reported_signal_student_id'))

    op.drop_table('reported_signal')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_student_id'))

    op.drop_table('referral')
    with op.batch_alter_table('pairing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pairing_student_id'))

    op.drop_table('pairing')
    with op.batch_alter_table('level_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_level_decision_student_id'))

    op.drop_table('level_decision')
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_up_student_id'))

    op.drop_table('follow_up')
    with op.batch_alter_table('counselling_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counselling_record_student_id'))

    op.drop_table('counselling_record')
    with op.batch_alter_table('care_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_care_plan_student_id'))

    op.drop_table('care_plan')
