"""The GUI as a user meets it, in its own process, for the memory figure:

    QINGXIN_PASSWORD=… python -m bench.gui_driver DB STUDENT_ID

Signs in as admin (as `qingxin gui --screenshot` does), waits for the home page and every
list to load, shows the student list, opens the student's file (timed until its first
tab is painted), shows each of its tabs, then prints one JSON line: the process's peak
resident memory and how long the steps took. Runs offscreen; the runner starts it (jobs_gui.py).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from app.services.auth import unlock
from app.ui import strings, workers
from app.ui.app import prepare_application
from app.ui.casefile.file_window import open_student_file
from app.ui.shell import Shell

TIMEOUT_S = 300


def wait(app: QApplication, done: Callable[[], bool] = lambda: True) -> None:
    """Run the event loop until no worker is busy and `done()` holds."""
    deadline = time.monotonic() + TIMEOUT_S
    while workers.busy() or not done():
        if time.monotonic() > deadline:
            raise TimeoutError("the GUI did not finish loading")
        app.processEvents()
        time.sleep(0.002)
    app.processEvents()


def peak_rss_bytes() -> int:
    """VmHWM on Linux; elsewhere getrusage (kilobytes on Linux, bytes on macOS)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def main(argv: list[str]) -> int:
    db, student_id = Path(argv[0]), int(argv[1])
    app = QApplication(["qingxin"])
    prepare_application(app)
    shell = Shell(db)
    store = unlock(db, "admin", os.environ["QINGXIN_PASSWORD"])
    start = time.perf_counter()
    window = shell.window
    window.attach(store)
    wait(app)
    home = time.perf_counter() - start
    window.show_area(strings.NAV_STUDENTS)
    page = window.students_page
    assert page is not None
    wait(app)
    window.grab()
    start = time.perf_counter()
    file_window = open_student_file(window.ctx, window, student_id)
    wait(app, lambda: file_window.view_ is not None)
    file_window.grab()
    opened = time.perf_counter() - start
    for i in range(file_window.tabs.count()):
        file_window.tabs.setCurrentIndex(i)
        file_window.grab()
    print(json.dumps({"peak_rss": peak_rss_bytes(), "home_s": home, "file_s": opened,
                      "students": page.model.rowCount()}))
    file_window.close()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
