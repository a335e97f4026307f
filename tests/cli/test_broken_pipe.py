"""`qingxin … | head`: when the reader stops early the command ends quietly with 141
(128 + SIGPIPE, as other tools do), not with 「内部错误」 or a Python warning."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.services.demo.synthetic import synthetic_roster
from app.services.roster.importing import RosterPreview, apply_roster_import
from tests.conftest import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str]) -> tuple[int, str]:
    """Run with stdout a pipe whose reader has gone (as `head` is once it has its
    lines; closed before the command writes, so the write meets the closed pipe)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QINGXIN_PASSWORD": TEST_PASSWORD}
    proc = subprocess.Popen([sys.executable, "-m", "app", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8", "replace")
    return proc.wait(timeout=120), err


def test_roster_list_into_a_closed_pipe(store, db_path):
    apply_roster_import(store, RosterPreview(file_name="t", rows=synthetic_roster(50, seed=4)))
    store.close()
    code, err = _run(["roster", "list", "--db", str(db_path)])
    assert code == 141, err
    assert err == ""


def test_backup_into_a_closed_pipe(store, db_path, tmp_path):
    store.close()
    stick = tmp_path / "stick"
    stick.mkdir()
    code, err = _run(["backup", "--db", str(db_path), "--to", str(stick)])
    assert code == 141, err
    assert err == ""
    assert len(list(stick.glob("qingxin-backup-*.db"))) == 1  # the backup itself was made
