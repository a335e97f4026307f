"""Shared fixtures. Argon2id runs at full cost in the product; tests use a light cost
(the parameters are stored per slot, so this changes nothing but speed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store import keyslots

TEST_PASSWORD = "correct-horse-1"


@pytest.fixture(autouse=True)
def _light_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyslots, "DEFAULT_KDF",
                        keyslots.KdfParams(memory_kib=8 * 1024, iterations=1, lanes=1))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "school" / "qingxin.db"


@pytest.fixture
def new_school(db_path: Path):
    from app.services.setup import create_school

    return create_school(db_path, "青心实验中学", "admin", TEST_PASSWORD)


@pytest.fixture
def store(db_path: Path, new_school) -> Iterator:
    from app.services.accounts.auth import unlock

    s = unlock(db_path, "admin", TEST_PASSWORD)
    yield s
    s.close()
