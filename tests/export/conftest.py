"""A screened school and a district key for the export tests."""

from __future__ import annotations

import pytest

from app.seal import DistrictPrivateKey, new_district_key
from app.store.handle import Store
from tests.reports.report_helpers import ScreenedSchool, screened_school


@pytest.fixture(scope="session")
def district_key() -> DistrictPrivateKey:
    return new_district_key("x25519")


@pytest.fixture
def school(store: Store) -> ScreenedSchool:
    return screened_school(store)
