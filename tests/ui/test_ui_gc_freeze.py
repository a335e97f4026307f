"""`run` freezes what start-up made before the event loop starts, so no full garbage
collection walks it again during the session (the first student file opened waited
≈110 ms for such a walk); `launch` alone, which the tests call, leaves the collector
as it was."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app import deployment as deploy_module
from app.ui.app import launch, run
from app.ui.login import LoginDialog
from app.ui.shell import Shell


@pytest.fixture
def no_deployment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(deploy_module.DEPLOY_ENV, raising=False)
    monkeypatch.setattr(deploy_module, "candidate_paths", lambda: [tmp_path / "none.toml"])
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # launch() installs its own


def test_run_freezes_before_the_event_loop(qtbot, new_school, db_path, no_deployment,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    frozen_at_loop: list[int] = []
    monkeypatch.setattr(QApplication, "exec",
                        staticmethod(lambda: frozen_at_loop.append(gc.get_freeze_count()) or 0))
    gc.unfreeze()
    try:
        assert run(["--db", str(db_path)]) == 0
    finally:
        gc.unfreeze()
    assert frozen_at_loop and frozen_at_loop[0] > 0


def test_launch_alone_does_not_freeze(qtbot, new_school, db_path, no_deployment) -> None:
    gc.unfreeze()
    shell = launch(["--db", str(db_path)])
    assert isinstance(shell, Shell) and isinstance(shell.front, LoginDialog)
    assert gc.get_freeze_count() == 0
