"""Fixtures for the instrument tests: the shipped definitions and the test-only ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.instruments import load_definition_file, load_instrument
from app.instruments import school as school_module
from app.instruments.model import Instrument

DATA = Path(__file__).parent / "data"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The school's own instruments folder (作答模板, settings.toml), empty, in tmp_path."""
    path = tmp_path / "instruments"
    path.mkdir()
    monkeypatch.setattr(school_module, "_folder", path)
    return path


@pytest.fixture(scope="session")
def mht() -> Instrument:
    return load_instrument("mht")


@pytest.fixture(scope="session")
def mssmhs() -> Instrument:
    return load_instrument("mssmhs")


@pytest.fixture(scope="session")
def phq9() -> Instrument:
    return load_instrument("phq9")


@pytest.fixture(scope="session")
def gad7() -> Instrument:
    return load_instrument("gad7")


@pytest.fixture(scope="session")
def sds() -> Instrument:
    return load_definition_file(DATA / "sds.toml")


@pytest.fixture(scope="session")
def norm_demo() -> Instrument:
    return load_definition_file(DATA / "norm_demo.toml")
