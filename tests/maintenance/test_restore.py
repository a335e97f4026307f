"""Restoring a backup: the round trip, what is refused, and faults on the way — in each
failure the database in place is byte for byte what it was."""

from __future__ import annotations

import errno
import shutil

import pytest
import sqlcipher3
from alembic import command
from alembic.config import Config

from app.errors import BadInputError, StoreError, WrongPasswordError
from app.paths import backup_dir, keyslot_path
from app.services import audit
from app.services.accounts.auth import unlock
from app.services.maintenance.backup import backup_status, make_backup
from app.services.maintenance.backup_faults import BackupError
from app.services.maintenance.restore import Secret, restore_backup
from app.services.progress import Progress
from app.services.setup import create_school
from app.store.engine import create_encrypted_engine
from app.store.migrate import MIGRATIONS_DIR, current_revision, head_revision
from tests.conftest import TEST_PASSWORD
from tests.maintenance.maintenance_helpers import (
    add_students,
    db_key,
    digest,
    flip,
    leftovers,
    student_count,
)

ADMIN = Secret("admin", TEST_PASSWORD)


@pytest.fixture
def backed_up(db_path, store, tmp_path):
    """A school of 120 students backed up to a stick, then 30 more added and closed."""
    add_students(store, 120, seed=1)
    usb = tmp_path / "usb"
    usb.mkdir()
    backup = make_backup(store, usb).path
    add_students(store, 30, seed=2)
    store.close()
    return backup


def _state(db_path):  # type: ignore[no-untyped-def]
    return digest(db_path, keyslot_path(db_path))


def _no_partials(db_path) -> None:  # type: ignore[no-untyped-def]
    assert not [n for n in leftovers(db_path.parent) if "restore-partial" in n]


def test_round_trip_restores_the_backup_and_keeps_the_current_state(db_path, backed_up):
    result = restore_backup(db_path, backed_up, ADMIN)
    assert result.school_name == "青心实验中学" and result.migrated_from is None
    with unlock(db_path, "admin", TEST_PASSWORD) as store:
        assert student_count(store) == 120
        assert audit.verify_chain(store).ok
        restore = next(e for e in audit.list_events(store, 10) if e.action == "restore")
        assert restore.target_id == backed_up.name and restore.username == "admin"
        assert not backup_status(store).due  # a restore counts as a backup just made
    # What was there before is kept (encrypted) and opens with the same key.
    assert result.kept is not None and result.kept.parent == backup_dir(db_path)
    assert keyslot_path(result.kept).exists()
    assert not result.kept.read_bytes().startswith(b"SQLite format 3")
    conn = sqlcipher3.connect(str(result.kept))
    conn.execute(f"PRAGMA key = \"x'{db_key(db_path).hex()}'\"")
    assert conn.execute("SELECT count(*) FROM student").fetchone()[0] == 150
    conn.close()
    _no_partials(db_path)


def test_restore_onto_a_new_pc(tmp_path, backed_up):
    target = tmp_path / "new-pc" / "qingxin.db"
    result = restore_backup(target, backed_up, ADMIN)
    assert result.kept is None
    with unlock(target, "admin", TEST_PASSWORD) as store:
        assert student_count(store) == 120


def test_restore_with_the_recovery_code(db_path, new_school, backed_up):
    result = restore_backup(db_path, backed_up, Secret(recovery_code=new_school.recovery_code))
    assert result.kept is not None
    with unlock(db_path, "admin", TEST_PASSWORD) as store:
        restore = next(e for e in audit.list_events(store, 10) if e.action == "restore")
        assert restore.username == "#recovery"


def test_wrong_password_or_code_changes_nothing(db_path, backed_up):
    before = _state(db_path)
    with pytest.raises(WrongPasswordError) as info:
        restore_backup(db_path, backed_up, Secret("admin", "not-the-password"))
    assert "制作备份时有效的密码" in info.value.message
    with pytest.raises(WrongPasswordError):
        restore_backup(db_path, backed_up, Secret(recovery_code="AAAAA-AAAAA-AAAAA"))
    assert _state(db_path) == before and not backup_dir(db_path).exists()


def test_backup_without_its_key_file_is_refused(db_path, backed_up):
    keyslot_path(backed_up).unlink()
    with pytest.raises(BadInputError) as info:
        restore_backup(db_path, backed_up, ADMIN)
    assert ".keys" in info.value.message


def test_backup_from_a_newer_program_is_refused(db_path, backed_up):
    conn = sqlcipher3.connect(str(backed_up))
    conn.execute(f"PRAGMA key = \"x'{db_key(db_path).hex()}'\"")
    conn.execute("UPDATE alembic_version SET version_num = 'ffff_future'")
    conn.commit()
    conn.close()
    before = _state(db_path)
    with pytest.raises(StoreError) as info:
        restore_backup(db_path, backed_up, ADMIN)
    assert "更新版本" in info.value.message and "升级" in info.value.message
    assert _state(db_path) == before
    _no_partials(db_path)


def test_damaged_backup_is_refused(db_path, backed_up):
    flip(backed_up, backed_up.stat().st_size // 2)
    before = _state(db_path)
    with pytest.raises(BackupError) as info:
        restore_backup(db_path, backed_up, ADMIN)
    assert info.value.reason == "damaged" and "已损坏" in info.value.message
    assert "本机数据未被改动" in info.value.message
    assert _state(db_path) == before
    _no_partials(db_path)


@pytest.mark.parametrize("where", ["first page", "schema"])
def test_damage_where_sqlite_says_not_a_database_is_called_damage(db_path, backed_up, where):
    """A damaged first or schema page makes SQLite say "not a database", as a wrong key
    does; the pages' own checks tell them apart, so the teacher hears 已损坏 (try another
    copy), not 密钥不是同一套."""
    flip(backed_up, 100 if where == "first page" else 4096 + 100)
    with pytest.raises(BackupError) as info:
        restore_backup(db_path, backed_up, ADMIN)
    assert info.value.reason == "damaged" and "已损坏" in info.value.message


def test_backup_with_a_key_file_from_another_database_is_refused(db_path, backed_up,
                                                                 tmp_path):
    other = tmp_path / "other" / "qingxin.db"
    create_school(other, "别的学校", "admin", TEST_PASSWORD)
    shutil.copyfile(keyslot_path(other), keyslot_path(backed_up))  # same password, other key
    with pytest.raises(BadInputError):
        restore_backup(db_path, backed_up, ADMIN)
    before = _state(db_path)
    with pytest.raises(BackupError) as info:
        restore_backup(db_path, backed_up, ADMIN, allow_other_database=True)
    assert "无法解密" in info.value.message
    assert _state(db_path) == before


def test_another_schools_backup_only_on_purpose(db_path, backed_up, tmp_path):
    other = tmp_path / "other" / "qingxin.db"
    create_school(other, "别的学校", "admin", TEST_PASSWORD)
    with unlock(other, "admin", TEST_PASSWORD) as store:
        other_backup = make_backup(store, tmp_path / "usb").path
    before = _state(db_path)
    with pytest.raises(BadInputError) as info:
        restore_backup(db_path, other_backup, ADMIN)
    assert "另一个数据库" in info.value.message and _state(db_path) == before
    result = restore_backup(db_path, other_backup, ADMIN, allow_other_database=True)
    assert result.school_name == "别的学校"


def test_restore_refused_while_the_database_is_open(db_path, backed_up):
    with unlock(db_path, "admin", TEST_PASSWORD):
        with pytest.raises(StoreError) as info:
            restore_backup(db_path, backed_up, ADMIN)
        assert "另一个青心窗口" in info.value.message
    _no_partials(db_path)


def test_disk_full_while_copying_the_backup_in(db_path, backed_up, monkeypatch):
    from app.store import copies

    monkeypatch.setattr(copies, "CHUNK", 16 * 1024)
    before = _state(db_path)
    calls = []

    def report(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(BackupError) as info:
        restore_backup(db_path, backed_up, ADMIN, progress=Progress(report=report))
    assert info.value.reason == "no_space" and str(db_path.parent) in info.value.message
    assert _state(db_path) == before
    _no_partials(db_path)


def test_stick_pulled_out_while_restoring(db_path, backed_up, monkeypatch):
    from app.store import copies

    monkeypatch.setattr(copies, "CHUNK", 16 * 1024)
    before = _state(db_path)

    def report(done: int, total: int) -> None:
        if done > 32 * 1024:
            shutil.rmtree(backed_up.parent)
            raise OSError(errno.EIO, "I/O error")

    with pytest.raises(BackupError) as info:
        restore_backup(db_path, backed_up, ADMIN, progress=Progress(report=report))
    assert info.value.reason == "target_gone" and "U 盘" in info.value.message
    assert _state(db_path) == before
    _no_partials(db_path)


def test_a_damaged_database_is_replaced_by_its_backup(db_path, backed_up):
    flip(db_path, 100)
    with pytest.raises(StoreError):
        unlock(db_path, "admin", TEST_PASSWORD)
    result = restore_backup(db_path, backed_up, ADMIN)
    assert result.kept is not None  # the damaged file is kept too, for the record
    with unlock(db_path, "admin", TEST_PASSWORD) as store:
        assert student_count(store) == 120


def test_an_older_backup_is_migrated_after_its_own_backup(db_path, backed_up):
    """A backup made by the first release (schema 0001) is restored and brought to this
    program's schema, with an encrypted copy of it taken first — as any opening does."""
    engine = create_encrypted_engine(backed_up, db_key(db_path))
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    engine.dispose()
    result = restore_backup(db_path, backed_up, ADMIN)
    assert result.migrated_from == "0001"
    copies = list(backup_dir(db_path).glob("before-migration-0001-*.db"))
    assert len(copies) == 1 and keyslot_path(copies[0]).exists()
    old = create_encrypted_engine(copies[0], db_key(db_path))
    assert current_revision(old) == "0001"
    old.dispose()
    with unlock(db_path, "admin", TEST_PASSWORD) as store:
        assert current_revision(store.engine) == head_revision()
        assert student_count(store) == 120
        assert audit.verify_chain(store).ok


def test_a_failing_second_rename_puts_the_old_database_back(db_path, backed_up,
                                                           monkeypatch):
    """Database renamed in, key slots not: the old database is put back, so the file
    and its key slots always belong together."""
    import os

    real_replace = os.replace
    before = _state(db_path)

    def keys_fail(src, dst):  # type: ignore[no-untyped-def]
        if str(dst).endswith(".keys"):
            raise OSError(errno.EIO, "I/O error")
        return real_replace(src, dst)

    monkeypatch.setattr("os.replace", keys_fail)
    with pytest.raises(BackupError):
        restore_backup(db_path, backed_up, ADMIN)
    monkeypatch.undo()
    assert _state(db_path) == before
    _no_partials(db_path)
    with unlock(db_path, "admin", TEST_PASSWORD) as store:
        assert student_count(store) == 150
