"""First-run setup: a new encrypted database for one school.

Creates the database key and the staff key (app/models/sealed.py), the admin's key slot
and the recovery slot (both hold both keys), the schema (via
the migrations, so a new database and a migrated one are the same), the school, the
current school year and the admin account. The recovery code is returned once and
never stored in the clear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from app.atomic import create_private
from app.errors import BadInputError, StoreError
from app.models import School, SchoolYear, User
from app.paths import keyslot_path
from app.services import audit
from app.services.accounts.passwords import check_new_password, check_username
from app.services.accounts.staff_key import reseal
from app.store import keyslots
from app.store.engine import create_encrypted_engine
from app.store.migrate import upgrade


@dataclass(frozen=True)
class SetupResult:
    db_path: Path
    recovery_code: str


def school_year_start(today: date) -> int:
    """The school year starts in September: 2026-03 is still 2025-2026."""
    return today.year if today.month >= 8 else today.year - 1


def create_school(db_path: Path, school_name: str, admin_username: str, admin_password: str,
                  admin_display_name: str = "", school_code: str = "",
                  top_grade: int = 9, today: date | None = None) -> SetupResult:
    school_name = school_name.strip()
    admin_username = admin_username.strip()
    if not school_name:
        raise BadInputError("请填写学校名称。")
    if not admin_username:
        raise BadInputError("请填写管理员用户名。")
    check_username(admin_username)  # the rule every later account meets
    check_new_password(admin_password)
    slot_path = keyslot_path(db_path)
    if db_path.exists() or slot_path.exists():
        raise StoreError(f"{db_path.parent} 中已有青心数据库，不能重复建立。")
    db_path.parent.mkdir(parents=True, exist_ok=True)

    db_key = keyslots.new_database_key()
    recovery_code = keyslots.new_recovery_code()
    slot_file = keyslots.new_slot_file()
    slot_file.school = school_name  # for the login window, before anything is unlocked
    staff_key = keyslots.new_database_key()
    keys = {keyslots.DATABASE: db_key, keyslots.STAFF_KEY: staff_key}
    slot_file.slots.append(keyslots.make_slot(slot_file.db_id, keys, admin_password,
                                              "password", admin_username))
    slot_file.slots.append(keyslots.make_slot(slot_file.db_id, keys, recovery_code,
                                              "recovery"))
    keyslots.write_slot_file(slot_path, slot_file)
    create_private(db_path)  # SQLite gives -wal and -shm the same owner-only mode
    try:
        _seed(db_path, db_key, staff_key, school_name, school_code, top_grade, admin_username,
              admin_display_name or admin_username, today or date.today())
    except BaseException:
        for leftover in (db_path, slot_path, db_path.with_name(db_path.name + "-wal"),
                         db_path.with_name(db_path.name + "-shm")):
            leftover.unlink(missing_ok=True)
        raise
    return SetupResult(db_path, recovery_code)


def _seed(db_path: Path, db_key: bytes, staff_key: bytes, school_name: str,
          school_code: str, top_grade: int, admin_username: str, admin_display_name: str,
          today: date) -> None:
    """The admin row must exist before open_store can log anyone in, so the first rows
    go in directly on the engine, right after the schema is made."""
    engine = create_encrypted_engine(db_path, db_key)
    try:
        upgrade(engine)
        with Session(engine) as session, session.begin():
            start = school_year_start(today)
            session.add(School(name=school_name, code=school_code, top_grade=top_grade))
            session.add(SchoolYear(start_year=start, starts_on=date(start, 9, 1),
                                   is_current=True))
            session.add(User(username=admin_username, display_name=admin_display_name,
                             role="admin"))
            session.flush()
            # Nothing to seal yet: writes the check value and makes the audit key pair,
            # so the first event's detail is sealed already.
            reseal(session, None, staff_key)
            audit.record(session, admin_username, "school_created", "school", 1)
    finally:
        engine.dispose()
