"""`qingxin gui` forwards its options to the GUI (what scripts/demo runs headless)."""

from __future__ import annotations

import os
import subprocess
import sys

from app.services.setup import create_school
from tests.conftest import TEST_PASSWORD


def test_gui_screenshot_through_the_cli(tmp_path):
    db = tmp_path / "q.db"
    create_school(db, "截图中学", "admin", TEST_PASSWORD)
    png = tmp_path / "main.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QINGXIN_PASSWORD": TEST_PASSWORD}
    done = subprocess.run([sys.executable, "-m", "app", "gui", "--db", str(db), "--screenshot",
                           str(png)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_unknown_option_for_other_commands_is_refused(capsys):
    from app.cli import main

    try:
        main(["roster", "list", "--bogus"])
    except SystemExit as stop:
        assert stop.code == 2
    assert "无法识别的参数" in capsys.readouterr().err
