"""Where Qingxin keeps its files.

The database lives in the user's data folder (platformdirs) unless the deployment file
or `--db` says otherwise. Every file belonging to one database sits beside it and is
named after it, so a backup or a move takes the whole set.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_data_dir

from app import APP_NAME

DB_FILENAME = "qingxin.db"


def data_dir() -> Path:
    override = os.environ.get("QINGXIN_DATA_DIR")
    return Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME


def keyslot_path(db_path: Path) -> Path:
    """The key-slot file: wrapped copies of the database key, one per user."""
    return db_path.with_name(db_path.name + ".keys")


def attempts_path(db_path: Path) -> Path:
    """Failed-login counters, kept outside the database so a restart does not reset them."""
    return db_path.with_name(db_path.name + ".attempts")


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def backup_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def resources_dir() -> Path:
    """resources/ from a source checkout, or from inside the PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def cjk_font_path() -> Path:
    return resources_dir() / "fonts" / "wqy-microhei.ttc"
