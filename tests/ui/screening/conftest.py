"""Fixtures of the screening GUI tests: a small school (90 synthetic students in three
grades) with a StoreContext over it, and the screenshot folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.services.demo.synthetic import synthetic_roster
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.services.students import list_students
from app.ui.store_context import StoreContext
from tests.ui.screening.screening_helpers import School
from tests.ui.ui_helpers import idle


@pytest.fixture
def school(store, qtbot) -> Iterator[School]:
    apply_roster_import(store, RosterPreview(file_name="t", rows=synthetic_roster(90, seed=3)))
    yield School(store, StoreContext(store), list_students(store))
    idle(qtbot)  # no worker may outlive the store fixture, which closes next

