"""The entry point and the audit log's paging, over the real services."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QImage

from app.paths import keyslot_path
from app.services import audit
from app.services.accounts.auth import unlock
from app.services.setup import create_school
from app.ui.app import run
from app.ui.audit_page import PAGE_SIZE, AuditPage
from app.ui.shell import database_state
from app.ui.store_context import StoreContext

PASSWORD = "correct-horse-1"


def test_database_state_decides_between_setup_and_login(db_path: Path):
    assert database_state(db_path) == "new"
    create_school(db_path, "青心实验中学", "admin", PASSWORD)
    assert database_state(db_path) == "ready"
    keyslot_path(db_path).unlink()
    assert database_state(db_path) == "incomplete"


def test_run_with_screenshot_signs_in_and_saves_the_main_window(qtbot, db_path: Path,
                                                                tmp_path: Path, monkeypatch):
    create_school(db_path, "青心实验中学", "admin", PASSWORD)
    monkeypatch.setenv("QINGXIN_PASSWORD", PASSWORD)
    png = tmp_path / "main.png"
    assert run(["--db", str(db_path), "--screenshot", str(png)]) == 0
    assert QImage(str(png)).width() >= 800
    monkeypatch.setenv("QINGXIN_PASSWORD", "wrong-password")
    assert run(["--db", str(db_path), "--screenshot", str(png)]) == 3


def test_audit_log_loads_a_page_at_a_time(qtbot, db_path: Path):
    create_school(db_path, "青心实验中学", "admin", PASSWORD)
    store = unlock(db_path, "admin", PASSWORD)
    try:
        for i in range(PAGE_SIZE + 50):
            audit.record_for(store, "backup", "file", i)
        page = AuditPage(StoreContext(store))
        qtbot.addWidget(page)
        page.reload()
        qtbot.waitUntil(lambda: page.model.rowCount() == PAGE_SIZE, timeout=10_000)
        total = page.model.total
        assert total == PAGE_SIZE + 52  # plus school_created and login
        assert page.model.canFetchMore(QModelIndex())
        page.model.fetchMore(QModelIndex())
        qtbot.waitUntil(lambda: page.model.rowCount() == total, timeout=10_000)
        assert not page.model.canFetchMore(QModelIndex())
        ids = [row.id for row in page.model.rows]
        assert ids == sorted(ids, reverse=True) and len(set(ids)) == total
    finally:
        store.close()
