"""What lands on disk is ciphertext; schema comes from migrations; upgrades back up."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from app.errors import StoreError
from app.models import Base
from app.paths import backup_dir, keyslot_path
from app.services import audit
from app.services.accounts.auth import unlock
from app.services.demo.synthetic import synthetic_roster
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.store import keyslots
from app.store.engine import create_encrypted_engine
from app.store.migrate import MIGRATIONS_DIR, current_revision, head_revision, upgrade
from tests.conftest import TEST_PASSWORD


def _files_of(db_path: Path) -> list[Path]:
    candidates = [db_path, keyslot_path(db_path),
                  db_path.with_name(db_path.name + "-wal"),
                  db_path.with_name(db_path.name + "-shm")]
    return [p for p in candidates if p.exists()]


def test_no_student_name_or_id_in_plaintext_on_disk(db_path, store):
    rows = synthetic_roster(60, seed=3)
    apply_roster_import(store, RosterPreview(file_name="t", rows=rows))
    # While open: the WAL holds the newest pages.
    files = _files_of(db_path)
    assert db_path.with_name(db_path.name + "-wal") in files
    needles = [r.name.encode() for r in rows[:20]] + [r.student_no.encode() for r in rows[:20]]
    needles += [r.name.encode("gbk") for r in rows[:5]] + [r.name.encode("utf-16-le")
                                                        for r in rows[:5]]
    for path in files:
        blob = path.read_bytes()
        for needle in needles:
            assert needle not in blob, f"plaintext found in {path.name}"
    assert b"SQLite format 3" not in db_path.read_bytes()[:16]


def test_empty_database_migrates_to_exactly_the_models(tmp_path):
    engine = create_encrypted_engine(tmp_path / "m.db", keyslots.new_database_key())
    assert upgrade(engine) is True
    assert upgrade(engine) is False  # already at head
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    engine.dispose()


def test_newer_database_is_refused(db_path, new_school):
    key = _db_key(db_path)
    engine = create_encrypted_engine(db_path, key)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff_future'"))
    engine.dispose()
    with pytest.raises(StoreError) as info:
        unlock(db_path, "admin", TEST_PASSWORD)
    assert "更新版本" in info.value.message


def test_older_database_is_backed_up_then_migrated(db_path, new_school):
    """A database from the first release (schema 0001) opens: backup first, then upgrade."""
    engine = create_encrypted_engine(db_path, _db_key(db_path))
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    assert current_revision(engine) == "0001"
    engine.dispose()
    with unlock(db_path, "admin", TEST_PASSWORD) as store:
        assert current_revision(store.engine) == head_revision()
        assert audit.verify_chain(store).ok  # the old rows came through intact
    backups = list(backup_dir(db_path).glob("before-migration-0001-*.db"))
    assert len(backups) == 1
    assert keyslot_path(backups[0]).exists()
    backup_engine = create_encrypted_engine(backups[0], _db_key(db_path))
    assert current_revision(backup_engine) == "0001"
    backup_engine.dispose()


def test_wrong_key_for_the_file_is_a_clear_message(db_path, new_school):
    engine = create_encrypted_engine(db_path, keyslots.new_database_key())
    with pytest.raises(StoreError) as info, engine.connect():
        pass
    assert "无法解密" in info.value.message
    engine.dispose()


def _db_key(db_path: Path) -> bytes:
    slot_file = keyslots.read_slot_file(keyslot_path(db_path))
    return keyslots.open_slot(slot_file, slot_file.find("password", "admin"), TEST_PASSWORD)
