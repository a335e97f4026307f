"""Shared fixtures: a new school's database and its admin's store, the screened school
the report, export and reports-page tests start from, and a district key. Argon2id
runs at full cost in the product; tests use a light cost (the parameters are stored
per slot, so this changes nothing but speed). Fixtures of one area live in that area's
conftest; GUI ones (`screens_dir`) in tests/ui/conftest.py."""

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


@pytest.fixture
def screened_school(store):
    """150 students, PHQ-9 twice and MHT for grade 7, decided levels
    (tests/reports/reports_helpers.py)."""
    from tests.reports.reports_helpers import make_screened_school

    return make_screened_school(store)


@pytest.fixture(scope="session")
def district_key():
    from app.seal import new_district_key

    return new_district_key("x25519")
