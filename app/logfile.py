"""The program's log: `logs/qingxin.log` in the data folder, rotated, never student data.

Messages that say 「已记入日志」 point the school's IT here. What is written: the start of
each run (version, GUI or command line, Windows version), the type and `detail` of each
error shown to a user (`QingxinError.detail` holds ids, counts and error codes, never a
name: app/errors.py), and for a bug the exception's type and the file, line and function
of each frame — never an exception's text, which could quote a student's name.

The log lives beside the database so that IT finds it with the data (and a shared data
folder has one log for the PC). It rotates at `MAX_BYTES` keeping `BACKUPS` old files,
so it can never fill the disk. A folder the log cannot be written to costs the log, not
the program.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import platform
from collections.abc import Iterator
from pathlib import Path

from app import __version__
from app.paths import log_dir

LOGGER = "qingxin"
LOG_NAME = "qingxin.log"
MAX_BYTES = 512 * 1024
BACKUPS = 3
FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"


def start_logging(db_path: Path, program: str) -> Path | None:
    """Send the `qingxin` loggers to the data folder's log (once per process; a second
    call for another folder moves it). Returns the file, or None if it cannot be
    written."""
    logger = logging.getLogger(LOGGER)
    folder = log_dir(db_path)
    path = folder / LOG_NAME
    for handler in list(logger.handlers):
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            if Path(handler.baseFilename) == path.absolute():
                return path
            logger.removeHandler(handler)
            handler.close()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.info("qingxin %s started (%s) on %s, Python %s", __version__, program,
                platform.platform(), platform.python_version())
    return path


@contextlib.contextmanager
def logging_into(db_path: Path, program: str) -> Iterator[Path | None]:
    """The log in `db_path`'s folder for the duration only, then the one before (the
    self-test logs into its own temporary folder, where ST08 checks it for student
    data)."""
    logger = logging.getLogger(LOGGER)
    before = [h for h in logger.handlers if isinstance(h, logging.handlers.RotatingFileHandler)]
    for handler in before:
        logger.removeHandler(handler)
    try:
        yield start_logging(db_path, program)
    finally:
        for handler in list(logger.handlers):
            if isinstance(handler, logging.handlers.RotatingFileHandler):
                logger.removeHandler(handler)
                handler.close()
        for handler in before:
            logger.addHandler(handler)
