"""Fixtures of the 报告与上报 GUI tests: the screened school the report tests use (150
students, PHQ-9 twice and MHT for grade 7, decided levels), a district key pair, and the
screenshot folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from reportspagehelpers import Screened, idle

from app.seal import DistrictPrivateKey, new_district_key
from app.store.handle import Store
from tests.reports.report_helpers import screened_school


@pytest.fixture(scope="session")
def district_key() -> DistrictPrivateKey:
    return new_district_key("x25519")


@pytest.fixture
def screened(store: Store, qtbot) -> Iterator[Screened]:
    yield Screened(store, screened_school(store))
    idle(qtbot)  # no worker may outlive the store fixture, which closes next


@pytest.fixture
def screens_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("QINGXIN_SCREENS_DIR") or tmp_path / "screens")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
