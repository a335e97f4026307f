"""反映 from the warning network: the report box and filed reports

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 09:45:00

A 班主任 or 年级组长 files a 反映 whose text is sealed to the report box's public key
(`signal_box`; its private key is a sealed column, stored as TEXT like the others);
`signal_report` keeps what the filer may see (student, source, severity, date, status)
and, once a staff sign-in has opened it, the file's reported_signal it became.
"""

from app.store.migrations.shapes import blob, create, day, drop, integer, moment, string, text



revision = '0010'
down_revision = '0009'


def upgrade() -> None:
    create("signal_box", blob("public_key"), text("private_key"), moment("created_at"))
    create("signal_report", integer("student_id"), string("source", 16),
           string("severity", 16), day("seen_on"), string("filed_by", 40), moment("filed_at"),
           integer("box_id", null=True), blob("sealed", null=True),
           integer("signal_id", null=True), string("decision", 16, null=True),
           day("decided_on", null=True), string("decided_by", 40),
           refs={"box_id": "signal_box", "signal_id": "reported_signal",
                 "student_id": "student"}, index=["filed_by", "student_id"])


def downgrade() -> None:
    drop("signal_report", index=["filed_by", "student_id"])
    drop("signal_box")
