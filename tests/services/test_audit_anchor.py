"""The audit chain's head is anchored outside the database: removing the newest events
is detected, the anchor travels with backups, and a refused read is audited."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import delete, func, select

from app.cli import main
from app.errors import PermissionDeniedError
from app.models import AuditEvent
from app.paths import audit_anchor_path
from app.seal import AuditHead
from app.services.accounts import users as accounts
from app.services.accounts.auth import unlock
from app.services.audit import verify_chain
from app.services.audit_anchor import manifest_anchor, read_anchor
from app.services.audit_seal import open_detail
from app.services.casefile.snapshot import open_file
from app.services.demo.synthetic import synthetic_roster
from app.services.maintenance.backup import make_backup
from app.services.maintenance.restore import Secret, restore_backup
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.services.students import list_students
from app.store.handle import Store
from tests.conftest import TEST_PASSWORD


def _newest_id(store: Store) -> int:
    with store.read() as session:
        return session.scalar(select(func.max(AuditEvent.id))) or 0


def _delete_newest(store: Store, n: int) -> None:
    """What someone with the key and an SQLite shell could do."""
    with store.write() as session:
        newest = session.scalar(select(func.max(AuditEvent.id)))
        session.execute(delete(AuditEvent).where(AuditEvent.id > newest - n))


def test_anchor_follows_every_commit(store):
    anchor = read_anchor(store.path)
    assert anchor is not None and anchor.last_id == _newest_id(store)
    list_students(store)  # an audited read
    assert read_anchor(store.path).last_id == _newest_id(store)
    assert verify_chain(store).ok
    assert manifest_anchor(store.path) == AuditHead(_newest_id(store),
                                                    read_anchor(store.path).last_hash)
    if os.name != "nt":
        assert stat.S_IMODE(audit_anchor_path(store.path).stat().st_mode) == 0o600


def test_removing_the_newest_events_is_detected(store, db_path, monkeypatch, capsys):
    for _ in range(3):
        list_students(store)
    _delete_newest(store, 2)
    report = verify_chain(store)
    assert not report.ok and "最新记录被删除" in report.message
    store.close()
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)
    # The login that runs `audit verify` appends events with the deleted ids again:
    # the anchor does not move back, and the replacement does not match it.
    assert main(["audit", "verify", "--db", str(db_path)]) == 6
    assert "锚点" in capsys.readouterr().out


def test_verify_checks_a_head_kept_elsewhere(store, db_path, monkeypatch, capsys):
    """A sealed district file carries the head; `audit verify --anchor` checks the log still
    holds it, even once the anchor file beside the database was replaced too."""
    kept = read_anchor(store.path)
    list_students(store)
    _delete_newest(store, 2)  # the kept head and the event after it
    audit_anchor_path(db_path).unlink()  # and the local evidence with them
    list_students(store)  # a new anchor is written for the shortened log
    assert verify_chain(store).ok
    report = verify_chain(store, (kept,))
    assert not report.ok and "给定的锚点" in report.message
    store.close()
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)
    given = f"{kept.last_id}:{kept.last_hash}"
    assert main(["audit", "verify", "--db", str(db_path), "--anchor", given]) == 6
    assert "给定的锚点" in capsys.readouterr().out
    assert main(["audit", "verify", "--db", str(db_path), "--anchor", "12:zz"]) == 2
    assert "格式不对" in capsys.readouterr().err


def test_backup_carries_the_anchor_and_restore_takes_it(store, db_path, tmp_path):
    apply_roster_import(store, RosterPreview(file_name="t", rows=synthetic_roster(4, seed=2)))
    stick = tmp_path / "stick"
    stick.mkdir()
    backup = make_backup(store, stick).path
    assert read_anchor(backup) is not None
    for _ in range(3):
        list_students(store)  # the live log moves on past the backup
    store.close()
    restore_backup(db_path, backup, Secret("admin", TEST_PASSWORD))
    with unlock(db_path, "admin", TEST_PASSWORD) as restored:
        report = verify_chain(restored)
        assert report.ok, report.message


def test_a_refused_read_of_a_student_file_is_audited(store, db_path):
    apply_roster_import(store, RosterPreview(file_name="t", rows=synthetic_roster(
        60, seed=5, class_size=30)))
    students = list_students(store)
    own, other = students[0], next(s for s in students if s.class_id != students[0].class_id)
    accounts.create_user(store, "banzhuren", "", "class_teacher", TEST_PASSWORD, own.class_id)
    store.close()
    with unlock(db_path, "banzhuren", TEST_PASSWORD) as teacher:
        open_file(teacher, own.id)
        with pytest.raises(PermissionDeniedError):
            open_file(teacher, other.id)
    with unlock(db_path, "admin", TEST_PASSWORD) as admin, admin.read() as session:
        refused = session.execute(
            select(AuditEvent.username, AuditEvent.target_id, AuditEvent.detail)
            .where(AuditEvent.action == "student_open_denied")).all()
        assert [(r.username, r.target_id, open_detail(session, r.detail)) for r in refused] \
            == [("banzhuren", str(other.id), "班主任")]
    with unlock(db_path, "admin", TEST_PASSWORD) as admin:
        assert verify_chain(admin).ok
