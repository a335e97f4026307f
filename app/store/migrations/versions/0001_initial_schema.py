"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 18:50:34.718320
"""


from app.store.migrations.shapes import create, day, drop, flag, integer, moment, string


revision = '0001'
down_revision = None


def upgrade() -> None:
    create("audit_event", moment("at"), string("username", 40), string("action", 32),
           string("target_kind", 32), string("target_id", 64), string("detail", 500),
           string("prev_hash", 64), string("hash", 64), unique=["hash"], index=["at"])
    create("school", string("code", 32), string("name", 100), integer("top_grade"),
           moment("created_at"))
    create("school_class", integer("grade"), integer("number"), integer("archived_year"),
           named_unique={"grade_number": ("grade", "number", "archived_year")})
    create("school_year", integer("start_year"), day("starts_on"), flag("is_current"),
           unique=["start_year"])
    create("app_user", string("username", 40), string("display_name", 60),
           string("role", 16), integer("class_id", null=True), flag("active"),
           moment("created_at"), refs={"class_id": "school_class"}, unique=["username"])
    create("student", string("student_no", 40), string("name", 60), string("gender", 1),
           day("birth_date", null=True), integer("class_id"), string("status", 16),
           moment("created_at"), moment("updated_at"), refs={"class_id": "school_class"},
           unique=["student_no"], index=["class_id"])
    create("class_move", integer("student_id"), integer("from_class_id", null=True),
           integer("to_class_id"), string("reason", 16), moment("moved_at"),
           refs={"from_class_id": "school_class", "student_id": "student",
                 "to_class_id": "school_class"}, index=["student_id"])
    create("guardian", integer("student_id"), string("name", 60), string("relation", 20),
           string("phone", 40), string("note", 200), refs={"student_id": "student"},
           index=["student_id"])


def downgrade() -> None:
    drop("guardian", index=["student_id"])
    drop("class_move", index=["student_id"])
    drop("student", index=["class_id"])
    for name in ("app_user", "school_year", "school_class", "school"):
        drop(name)
    drop("audit_event", index=["at"])
