"""Kill the process in the middle of an import: the database holds all of it or none."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from app.services.accounts.auth import unlock
from app.services.students import list_students
from tests.conftest import TEST_PASSWORD

CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from app.store import keyslots
    keyslots.DEFAULT_KDF = keyslots.KdfParams(memory_kib=8 * 1024, iterations=1, lanes=1)
    from app.services.accounts.auth import unlock
    from app.services.progress import Progress
    from app.services.roster.importing import RosterPreview, apply_roster_import
    from app.services.demo.synthetic import synthetic_roster

    def report(done, total):
        if done >= total // 2:
            print("HALF", flush=True)
            time.sleep(60)

    store = unlock(Path(sys.argv[1]), "admin", sys.argv[2])
    rows = synthetic_roster(2000, seed=11)
    apply_roster_import(store, RosterPreview(file_name="t", rows=rows), Progress(report=report))
""")


def test_sigkill_mid_import_leaves_all_or_nothing(db_path, new_school):
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_path), TEST_PASSWORD],
        stdout=subprocess.PIPE, text=True, cwd=os.getcwd(),
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "HALF"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    with unlock(db_path, "admin", TEST_PASSWORD) as store:
        assert len(list_students(store)) in (0, 2000)
        assert len(list_students(store)) == 0  # killed before commit: nothing at all
