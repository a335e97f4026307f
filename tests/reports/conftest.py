"""The screened school every report test starts from."""

from __future__ import annotations

import pytest

from app.store.handle import Store
from tests.reports.report_helpers import ScreenedSchool, screened_school


@pytest.fixture
def school(store: Store) -> ScreenedSchool:
    return screened_school(store)
