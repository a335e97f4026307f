"""A private folder for the temporary files a library writes, instead of the system TEMP.

openpyxl writes every worksheet to a temporary file before zipping it (write-only
workbooks from the first row on), in the system TEMP folder, and removes it only after a
successful save or at a normal exit: a failed or killed export left a plain-text sheet
of 学籍号, 姓名, 班级 and bands there for anyone to read. `private_temp` points Python's
`tempfile` at a fresh owner-only folder beside the encrypted database while the block
runs and removes the folder in `finally`; `sweep` removes whatever a killed process
left, when the database is opened (the instance lock is held then, so no other program
is writing into it).

`tempfile.tempdir` is one setting for the whole process, so blocks that redirect it run
one at a time: workbook writes are short, and serialising them also means two exports
never race for the same file.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.paths import scratch_dir

_redirect = threading.Lock()


@contextmanager
def private_temp(db_path: Path) -> Iterator[Path]:
    """Inside the block, `tempfile` (and every library using it) writes into a fresh
    folder beside `db_path`, removed at the end whatever happens."""
    root = scratch_dir(db_path)
    root.mkdir(mode=0o700, exist_ok=True)
    with _redirect:
        folder = Path(tempfile.mkdtemp(dir=root))
        saved = tempfile.tempdir
        tempfile.tempdir = str(folder)
        try:
            yield folder
        finally:
            tempfile.tempdir = saved
            shutil.rmtree(folder, ignore_errors=True)


def sweep(db_path: Path) -> None:
    """Remove what a killed process left in the private folder. Call only with the
    database's instance lock held."""
    shutil.rmtree(scratch_dir(db_path), ignore_errors=True)
