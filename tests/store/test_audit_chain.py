"""The audit log's hash chain detects edits and deletions."""

from __future__ import annotations

from sqlalchemy import text

from app.services import audit
from app.services.students import list_students


def _events(store, n):
    for i in range(n):
        audit.record_for(store, "student_open", "student", i)


def test_fresh_chain_verifies(store):
    _events(store, 5)
    report = audit.verify_chain(store)
    assert report.ok
    assert report.checked >= 6  # school_created, login, 5 opens
    assert "完整" in report.message


def test_edited_event_breaks_the_chain(store):
    _events(store, 5)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET detail = 'x' WHERE id = 4"))
    report = audit.verify_chain(store)
    assert not report.ok and report.first_break == 4
    assert "内容被修改" in report.message


def test_deleted_event_breaks_the_chain(store):
    _events(store, 5)
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = 3"))
    report = audit.verify_chain(store)
    assert not report.ok and report.first_break == 4
    assert "删除" in report.message


def test_listing_students_is_audited(store):
    before = audit.count_events(store)
    list_students(store)
    assert audit.count_events(store) == before + 1
    assert audit.list_events(store, limit=1)[0].action == "student_list"
