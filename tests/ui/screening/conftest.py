"""Fixtures of the screening GUI tests: a small school (90 synthetic students in three
grades) with a StoreContext over it, and the screenshot folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from screeninghelpers import School, idle

from app.services.demo.synthetic import synthetic_roster
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.services.students import list_students
from app.ui.store_context import StoreContext


@pytest.fixture
def school(store, qtbot) -> Iterator[School]:
    apply_roster_import(store, RosterPreview(file_name="t", rows=synthetic_roster(90, seed=3)))
    yield School(store, StoreContext(store), list_students(store))
    idle(qtbot)  # no worker may outlive the store fixture, which closes next


@pytest.fixture
def screens_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("QINGXIN_SCREENS_DIR") or tmp_path / "screens")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
