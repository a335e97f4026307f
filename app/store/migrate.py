"""Schema migrations (alembic, shipped inside the package).

Opening a database brings its schema to the program's head revision. An existing
database is copied (encrypted) into backups/ first, so a failed migration loses nothing.
A database from a newer program is refused: we cannot know what its tables mean.

Alembic is imported inside the functions: it costs ~0.4 s, which the login window
should not wait for; it is needed only once a password has opened the database.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from app.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "no migrations shipped"
    return head


def known_revision(revision: str) -> bool:
    """Whether this program ships `revision` (a backup from a newer program does not)."""
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    try:
        ScriptDirectory.from_config(_config()).get_revision(revision)
    except CommandError:
        return False
    return True


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, before: Callable[[str | None], None] | None = None) -> bool:
    """Migrate to head; `before(current)` runs first when existing data is migrated.

    Returns True if anything ran.
    """
    from alembic import command

    cfg = _config()
    current = current_revision(engine)
    if current is not None and not known_revision(current):
        raise StoreError("该数据库由更新版本的青心创建，请先升级本程序再打开。",
                         detail=f"unknown revision {current}")
    if current == head_revision():
        return False
    if current is not None and before is not None:
        before(current)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return True
