"""Shared by the backup, restore and self-test tests: a school big enough to span many
pages, byte surgery on files, and mounting a small or read-only disk where allowed."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from app.paths import keyslot_path
from app.services.demo.synthetic import synthetic_roster
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.services.students import list_students
from app.store import keyslots
from app.store.handle import Store
from tests.conftest import TEST_PASSWORD


def add_students(store: Store, n: int, seed: int = 3) -> None:
    apply_roster_import(store, RosterPreview(file_name="t", rows=synthetic_roster(n, seed=seed)))


def student_count(store: Store) -> int:
    return len(list_students(store))


def digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes() if p.exists() else b"<missing>")
    return h.hexdigest()


def db_key(db_path: Path, password: str = TEST_PASSWORD) -> bytes:
    slot_file = keyslots.read_slot_file(keyslot_path(db_path))
    return keyslots.open_slot(slot_file, slot_file.find("password", "admin"), password)


def flip(path: Path, offset: int, mask: int = 0x5A) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= mask
    path.write_bytes(bytes(data))


def leftovers(folder: Path) -> list[str]:
    """Anything a failed operation left behind (partial copies, journals)."""
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def can_mount() -> bool:
    return os.name == "posix" and hasattr(os, "geteuid") and os.geteuid() == 0 \
        and shutil.which("mount") is not None


@contextmanager
def mounted_tmpfs(where: Path, options: str) -> Iterator[Path]:
    """A real small (or read-only) filesystem, as a USB stick would be; skips the test
    where mounting is not allowed (not root, or a container without the capability)."""
    where.mkdir(parents=True, exist_ok=True)
    if not can_mount():
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("mounting a tmpfs is not permitted here")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)
