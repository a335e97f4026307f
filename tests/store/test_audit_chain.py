"""The audit log's hash chain detects edits and deletions."""

from __future__ import annotations

import pytest
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


@pytest.mark.parametrize(("change", "said"), [
    ("UPDATE audit_event SET detail = 'x' WHERE id = 4", "内容被修改"),
    ("DELETE FROM audit_event WHERE id = 3", "删除"),
], ids=["edited", "deleted"])
def test_an_edited_or_deleted_event_breaks_the_chain_at_event_4(store, change, said):
    _events(store, 5)
    with store.engine.begin() as conn:
        conn.execute(text(change))
    report = audit.verify_chain(store)
    assert not report.ok and report.first_break == 4
    assert said in report.message


def test_listing_students_is_audited(store):
    before = audit.count_events(store)
    list_students(store)
    assert audit.count_events(store) == before + 1
    assert audit.list_events(store, limit=1)[0].action == "student_list"
