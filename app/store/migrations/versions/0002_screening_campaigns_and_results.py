"""screening campaigns and results

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 18:58:03.851617
"""

from app.store.migrations.shapes import (
    create, day, double, drop, flag, integer, moment, string, text,
)



revision = '0002'
down_revision = '0001'


def upgrade() -> None:
    create("campaign", string("name", 100), string("instrument_code", 32),
           integer("school_year"), integer("term"), day("starts_on", null=True),
           day("ends_on", null=True), moment("created_at"), string("created_by", 40),
           unique=["name"])
    create("campaign_class", integer("campaign_id"), integer("class_id"),
           refs={"campaign_id": "campaign", "class_id": "school_class"},
           cascade=["campaign_id"], key=["campaign_id", "class_id"])
    create("participation", integer("campaign_id"), integer("student_id"),
           string("status", 16), string("consent", 16), string("note", 200),
           refs={"campaign_id": "campaign", "student_id": "student"}, cascade=["campaign_id"],
           named_unique={"one_per_student": ("campaign_id", "student_id")},
           index=["campaign_id", "student_id"])
    create("screening_result", integer("campaign_id"), integer("student_id"),
           string("instrument_code", 32), string("instrument_version", 32),
           moment("taken_at", null=True), string("taken_at_source", 16), string("source", 16),
           text("answers"), text("scores"), double("total"), flag("valid"),
           string("validity_note", 200), string("critical_items", 200),
           string("suggested_level", 16), moment("created_at"), string("created_by", 40),
           refs={"campaign_id": "campaign", "student_id": "student"}, cascade=["campaign_id"],
           named_unique={"one_result": ("campaign_id", "student_id")},
           index=["campaign_id", "student_id"])


def downgrade() -> None:
    drop("screening_result", index=["campaign_id", "student_id"])
    drop("participation", index=["campaign_id", "student_id"])
    drop("campaign_class")
    drop("campaign")
