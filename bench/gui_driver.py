"""The GUI as a user meets it, in its own process, for the memory figure:

    QINGXIN_PASSWORD=… python -m bench.gui_driver DB STUDENT_ID

Starts the program as `qingxin gui --db DB` does (`launch`, then what `run` does before
the event loop), signs in as admin through the login dialog (Argon2id with 128 MiB on
a worker, as always), waits for the home page and every list to load, shows the
student list, opens the student's file (timed until its first tab is painted), shows
each of its tabs, then prints one JSON line: the process's peak and final resident
memory and how long the steps took. Runs offscreen; the runner starts it (jobs_gui.py).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from app.ui import strings, workers
from app.ui.app import freeze_startup_objects, launch
from app.ui.casefile.file_window import open_student_file
from app.ui.login import LoginDialog
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


def memory() -> tuple[int, int]:
    """(peak, current) resident memory in bytes: /proc on Linux, the process's working
    set on Windows, getrusage's peak elsewhere (current unknown there: 0)."""
    status = Path("/proc/self/status")
    if status.exists():
        fields = dict(line.split(":", 1) for line in status.read_text().splitlines())
        return (int(fields["VmHWM"].split()[0]) * 1024, int(fields["VmRSS"].split()[0]) * 1024)
    if sys.platform == "win32":
        return _windows_memory()
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, 0  # bytes on macOS


def _windows_memory() -> tuple[int, int]:
    import ctypes
    from ctypes import wintypes

    class Counters(ctypes.Structure):
        _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD),
                    ("PeakWorkingSetSize", ctypes.c_size_t), ("WorkingSetSize", ctypes.c_size_t),
                    ("QuotaPeakPagedPoolUsage", ctypes.c_size_t),
                    ("QuotaPagedPoolUsage", ctypes.c_size_t),
                    ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t),
                    ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
                    ("PagefileUsage", ctypes.c_size_t), ("PeakPagefileUsage", ctypes.c_size_t)]

    counters = Counters()
    counters.cb = ctypes.sizeof(counters)
    process = ctypes.windll.kernel32.GetCurrentProcess()  # type: ignore[attr-defined]
    ctypes.windll.psapi.GetProcessMemoryInfo(  # type: ignore[attr-defined]
        process, ctypes.byref(counters), counters.cb)
    return counters.PeakWorkingSetSize, counters.WorkingSetSize


def main(argv: list[str]) -> int:
    db, student_id = Path(argv[0]), int(argv[1])
    shell = launch(["--db", str(db)])
    assert isinstance(shell, Shell) and isinstance(shell.front, LoginDialog), shell
    freeze_startup_objects()
    shell.window_built.connect(freeze_startup_objects)  # as `run` does
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    wait(app)
    login = shell.front
    login.username.setText("admin")
    login.password.setText(os.environ["QINGXIN_PASSWORD"])
    start = time.perf_counter()
    login.submit.click()
    wait(app, lambda: not login.isVisible())  # the main window is built at sign-in
    window = shell.window
    wait(app, window.isVisible)
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
    peak, now = memory()
    print(json.dumps({"peak_rss": peak, "rss": now, "home_s": home, "file_s": opened,
                      "students": page.model.rowCount()}))
    file_window.close()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
