"""Where Qingxin keeps its files.

Which database a run opens, first match wins:

1. `--db PATH` on the command line (GUI and CLI): one run, said explicitly;
2. the environment variable `QINGXIN_DATA_DIR` (the folder; the file is qingxin.db in
   it): set for one Windows account, a script or a test, it is more specific than the
   district-wide file, so it wins over it;
3. `[app] data_dir` in the deployment file (deploy.toml), the district's choice for
   every PC it is rolled out to;
4. the user's data folder from platformdirs (`%LOCALAPPDATA%\\Qingxin` on Windows).

The deployment file is read by the caller (app.deployment.load_deployment) and its
`data_dir` handed in here, so this module stays free of file parsing. Every file
belonging to one database sits beside it and is named after it, so a backup or a
move takes the whole set.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_data_dir

from app import APP_NAME

DB_FILENAME = "qingxin.db"
DATA_DIR_ENV = "QINGXIN_DATA_DIR"


def data_dir(deployed: Path | None = None) -> Path:
    """The data folder by rules 2–4 above; `deployed` is the deployment's data_dir."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    if deployed is not None:
        return deployed
    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_db_path(deployed: Path | None = None) -> Path:
    """The database when no `--db` was given (rule 1 is the caller's)."""
    return data_dir(deployed) / DB_FILENAME


def keyslot_path(db_path: Path) -> Path:
    """The key-slot file: wrapped copies of the database key, one per user."""
    return db_path.with_name(db_path.name + ".keys")


def attempts_path(db_path: Path) -> Path:
    """Failed-login counters, kept outside the database so a restart does not reset them."""
    return db_path.with_name(db_path.name + ".attempts")


def audit_anchor_path(db_path: Path) -> Path:
    """The audit chain's newest event (id and hash), kept outside the database."""
    return db_path.with_name(db_path.name + ".audit")


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def scratch_dir(db_path: Path) -> Path:
    """Where libraries may put temporary files while the program writes a workbook of
    students' data (app/store/scratch.py): beside the encrypted database, never the
    system TEMP folder."""
    return db_path.with_name(db_path.name + ".tmp")


def school_instruments_dir(db_path: Path) -> Path:
    """The school's own instrument definitions, settings and item texts
    (app/instruments/school.py)."""
    return db_path.parent / "instruments"


def backup_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def log_dir(db_path: Path) -> Path:
    """The program's log (app/logfile.py): beside the data, never student data."""
    return db_path.parent / "logs"


def resources_dir() -> Path:
    """resources/ from a source checkout, or from inside the PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def cjk_font_path() -> Path:
    return resources_dir() / "fonts" / "wqy-microhei.ttc"
