"""student file warnings referrals

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 19:27:56.809236
"""

from app.store.migrations.shapes import create, day, drop, flag, integer, moment, string, text



revision = '0003'
down_revision = '0002'


def upgrade() -> None:
    student = {"student_id": "student"}
    create("care_plan", integer("student_id"), string("category", 16), text("goals"),
           text("measures"), string("responsible", 200), day("next_review_on", null=True),
           refs=student, index=["student_id"], versioned=True)
    create("counselling_record", integer("student_id"), day("held_on"), string("kind", 16),
           string("participants", 200), text("content"), text("next_step"),
           flag("confidential"), refs=student, index=["student_id"], versioned=True)
    create("follow_up", integer("student_id"), string("kind", 16), day("due_on"),
           day("done_on", null=True), string("done_by", 60), text("note"),
           integer("campaign_id", null=True), refs={**student, "campaign_id": "campaign"},
           index=["student_id"], versioned=True)
    create("level_decision", integer("student_id"), string("level", 16), text("reason"),
           string("suggested_level", 16), text("suggested_reasons"), day("decided_on"),
           string("decided_by", 40), integer("campaign_id", null=True), moment("created_at"),
           refs={**student, "campaign_id": "campaign"}, index=["student_id"])
    create("pairing", integer("student_id"), string("role", 16), string("person", 60),
           day("started_on"), day("ended_on", null=True), string("note", 200),
           refs=student, index=["student_id"], versioned=True)
    create("referral", integer("student_id"), day("opened_on"), string("opened_by", 40),
           text("indications"), string("recommendation", 16), text("reasons"), text("note"),
           moment("created_at"), refs=student, index=["student_id"])
    create("reported_signal", integer("student_id"), string("source", 16),
           string("reporter", 60), day("reported_on"), text("description"),
           string("severity", 16), refs=student, index=["student_id"], versioned=True)
    create("risk_factor", integer("student_id"), string("code", 24), day("noted_on"),
           string("source", 60), text("note"), day("resolved_on", null=True),
           refs=student, index=["student_id"], versioned=True)
    create("plan_review", integer("student_id"), integer("plan_id"), day("reviewed_on"),
           string("outcome", 16), text("note"), day("next_review_on", null=True),
           refs={**student, "plan_id": "care_plan"}, index=["plan_id", "student_id"],
           versioned=True)
    create("referral_step", integer("referral_id"), string("step", 24),
           day("due_on", null=True), day("done_on"), string("done_by", 60), text("note"),
           flag("skipped"), string("skip_reason", 200), string("receipt", 16),
           string("hospital", 100), flag("certificate_seen"), day("meeting_on", null=True),
           text("arrangements"), refs={"referral_id": "referral"}, index=["referral_id"],
           versioned=True)


def downgrade() -> None:
    drop("referral_step", index=["referral_id"])
    drop("plan_review", index=["plan_id", "student_id"])
    for name in ("risk_factor", "reported_signal", "referral", "pairing", "level_decision",
                 "follow_up", "counselling_record", "care_plan"):
        drop(name, index=["student_id"])
