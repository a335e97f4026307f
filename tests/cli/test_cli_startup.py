"""Start-up pays only for what it shows: `qingxin --version` and `--help`, and the GUI up
to the login window, do not import the heavy libraries or the code that uses them
(docs/PERFORMANCE.md, "Start-up"). Checked by what a fresh interpreter holds in
sys.modules afterwards, not by timing: a behaviour a new top-level import breaks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

HEAVY = ("openpyxl", "reportlab", "numpy", "pandas", "alembic", "highspy", "sqlalchemy",
         "python_calamine", "app.services.district", "app.services.statistics",
         "app.services.sheet_output")
"""Loaded when first used: spreadsheets, PDFs (every renderer imports reportlab; the
REPORTS list and the plain rows of app/reports/data.py are data, read by the argument
tables), scoring, migrations, the LP audit, the database layer and the export code."""

CLI_CHILD = """
import json, runpy, sys
sys.argv = ["qingxin", *sys.argv[1:]]
try:
    runpy.run_module("app", run_name="__main__", alter_sys=True)
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""

GUI_CHILD = """
import json, sys
from PySide6.QtWidgets import QApplication
from app.ui.app import launch
shell = launch(["--db", sys.argv[1]])
assert shell.front is not None and shell.front.isVisible(), shell.front
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _modules_after(code: str, *args: str) -> tuple[str, list[str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("QINGXIN_DEPLOY", None)
    run = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                         text=True, env=env, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout, json.loads(run.stderr.strip().splitlines()[-1])


def _heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_import_nothing_heavy(flag):
    out, modules = _modules_after(CLI_CHILD, flag)
    assert "qingxin" in out
    assert _heavy(modules) == []


def test_the_login_window_imports_nothing_heavy(tmp_path):
    """The login window needs the database's files to exist, not to be read."""
    db = tmp_path / "qingxin.db"
    db.write_bytes(b"")
    (tmp_path / "qingxin.db.keys").write_bytes(b"")
    _, modules = _modules_after(GUI_CHILD, str(db))
    assert "app.ui.login" in modules
    assert _heavy(modules) == []
    assert "app.ui.main_window" not in modules


SCREENING_CHILD = """
import json, sys
from pathlib import Path
from app.store import keyslots
keyslots.DEFAULT_KDF = keyslots.KdfParams(memory_kib=8 * 1024, iterations=1, lanes=1)
from app.services.accounts.auth import unlock
from app.services.maintenance.selftest_files import write_files
from app.services.roster.importing import apply_roster_import, preview_roster_import
from app.services.screening.campaigns import create_campaign
from app.services.screening.importing import apply_screening_import, preview_screening_import
from app.services.screening.results import campaign_results
from app.services.setup import create_school
folder = Path(sys.argv[1])
db = folder / "school" / "qingxin.db"
db.parent.mkdir()
create_school(db, "青心实验中学", "admin", "correct-horse-1")
store = unlock(db, "admin", "correct-horse-1")
files = write_files(folder)
apply_roster_import(store, preview_roster_import(store, files.roster))
campaign = create_campaign(store, "PHQ-9", "phq9")
apply_screening_import(store, preview_screening_import(store, campaign.id, files.answers))
print(len(campaign_results(store, campaign.id)))
store.close()
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def test_a_screening_import_does_not_load_pandas(tmp_path):
    """pandas is for the statistics tables (statistics/campaign.py, district/): importing
    a roster and a campaign's answers and scoring them never pays its import."""
    out, modules = _modules_after(SCREENING_CHILD, str(tmp_path))
    assert out.split() == ["40"]
    assert "app.services.screening.importing" in modules and "numpy" in modules
    assert [m for m in modules if m == "pandas" or m.startswith("pandas.")] == []
