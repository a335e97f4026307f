"""Fixtures of the 报告与上报 GUI tests: the screened school the report tests use (150
students, PHQ-9 twice and MHT for grade 7, decided levels) on a page's store context
(the district key and the screenshot folder come from tests/conftest.py and
tests/ui/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.store.handle import Store
from tests.reports.reports_helpers import make_screened_school
from tests.ui.reports.reports_helpers import Screened
from tests.ui.ui_helpers import idle


@pytest.fixture
def screened(store: Store, qtbot) -> Iterator[Screened]:
    yield Screened(store, make_screened_school(store))
    idle(qtbot)  # no worker may outlive the store fixture, which closes next

