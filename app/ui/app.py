"""The GUI entry point: `run(argv)`, called by `qingxin gui` (app.cli) and the installer's
launcher.

The deployment file is read once, here, before any window: a broken one stops the
program with a message naming the file and the key (exit code 2), because a school
working under half its district's policy is worse than one that does not start. What
it says then holds for the whole run (StoreContext.deployment).

Options: `--db PATH` (default: app.paths.default_db_path(), where the deployment's
`[app] data_dir` applies), `--lock-minutes N` (idle auto-lock; default the deployment's
`[app] auto_lock_minutes`, 10 without one), and `--screenshot PNG`, which signs in with
`--user` and the QINGXIN_PASSWORD environment variable, saves the main window as an
image and exits — for a machine without a display (QT_QPA_PLATFORM=offscreen) and for
the docs.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QThread, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.deployment import Deployment, load_deployment
from app.errors import QingxinError
from app.logfile import start_logging
from app.paths import default_db_path, keyslot_path
from app.ui import messages, screen_fit, strings, workers
from app.ui.collector import collect_on_gui_thread
from app.ui.fonts import install_chinese_translation, use_shipped_font
from app.ui.palette import use_light_palette, use_window_icon
from app.ui.shell import Shell, database_state

SCREENSHOT_POLL_MS = 100
EXIT_STORE_PROBLEM = 4


def parse_args(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="qingxin gui", description="青心 图形界面")
    parser.add_argument("--db", type=Path, default=None, help="数据库文件（默认在用户数据目录）")
    parser.add_argument("--lock-minutes", type=float, default=None,
                        help="无操作多少分钟后自动锁定（默认取部署文件，未设为 10）")
    parser.add_argument("--screenshot", type=Path, default=None,
                        help="登录（QINGXIN_PASSWORD）后把主窗口保存为 PNG 并退出")
    parser.add_argument("--user", default="admin", help="--screenshot 使用的用户名")
    return parser.parse_known_args(list(argv))


def prepare_application(app: QApplication) -> None:
    """Font, translations, application name, icon, the light palette and windows that
    fit the screen: what every window relies on."""
    app.setApplicationName("Qingxin")
    app.setApplicationDisplayName(strings.APP_TITLE)
    use_light_palette(app)
    use_window_icon(app)
    screen_fit.install(app)
    use_shipped_font(app)
    install_chinese_translation(app)


def _show_unexpected(kind: type[BaseException], exc: BaseException,
                     tb: TracebackType | None) -> None:
    """A bug in a slot must not end the session: show the generic box, log the type.
    Off the GUI thread (PySide reports a failing QRunnable.run here) only the log line:
    a box made on a worker, or after the application is gone, aborts the process."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    app = QApplication.instance()
    if app is None or QThread.currentThread() is not app.thread():
        messages.log_unexpected(exc.with_traceback(tb))
        return
    messages.show_error(None, exc.with_traceback(tb))


def run(argv: Sequence[str] | None = None) -> int:
    shell = launch(argv)
    if isinstance(shell, int):
        return shell
    freeze_startup_objects()
    shell.window_built.connect(freeze_startup_objects)
    code = QApplication.exec()
    workers.cancel_all()  # nothing may run on while Python tears the application down
    QThreadPool.globalInstance().waitForDone()
    return code


def freeze_startup_objects() -> None:
    """Move what start-up made (modules, classes, the windows) out of the garbage
    collector's reach: it lives for the whole run, and every full collection walked it
    again — the first student file opened in a session waited ≈110 ms for one such walk
    on the worker (docs/PERFORMANCE.md, "Summary"). Called by `run` only, at start and
    again once the main window is built at the first sign-in (its modules and pages are
    start-up too), so tests that launch many windows keep a collector that sees all of
    them."""
    gc.freeze()


def launch(argv: Sequence[str] | None = None) -> Shell | int:
    """Everything before the event loop: the application, garbage collection on the
    GUI thread only (app.ui.collector), the deployment, the first window. Returns the
    shell on screen, or the exit code when there is nothing to run
    (a broken deployment file, an incomplete database, a screenshot taken)."""
    args, qt_args = parse_args(sys.argv[1:] if argv is None else argv)
    app = QApplication.instance() or QApplication(["qingxin", *qt_args])
    assert isinstance(app, QApplication)
    prepare_application(app)
    collect_on_gui_thread(app)
    app.setQuitOnLastWindowClosed(False)
    try:
        deployment = load_deployment()
    except QingxinError as err:
        if args.screenshot is not None:
            print(f"错误：{err.message}", file=sys.stderr)
        else:
            QMessageBox.critical(None, strings.APP_TITLE,
                                 strings.DEPLOY_INVALID.format(message=err.message))
        return err.exit_code
    db_path: Path = args.db or default_db_path(deployment.data_dir)
    start_logging(db_path, "GUI")
    minutes = deployment.auto_lock_minutes if args.lock_minutes is None else args.lock_minutes
    if args.screenshot is not None:
        return _screenshot(app, db_path, deployment, args.user, args.screenshot)
    state = database_state(db_path)
    if state == "incomplete":
        missing = keyslot_path(db_path) if db_path.exists() else db_path
        QMessageBox.critical(None, strings.APP_TITLE, strings.DB_INCOMPLETE.format(
            folder=db_path.parent, missing=missing.name))
        return EXIT_STORE_PROBLEM
    if state == "unreachable":
        QMessageBox.critical(None, strings.APP_TITLE,
                             strings.DB_UNREACHABLE.format(folder=db_path.parent))
        return EXIT_STORE_PROBLEM
    sys.excepthook = _show_unexpected
    shell = Shell(db_path, int(minutes * 60_000), deployment)
    shell.start()
    return shell


def _screenshot(app: QApplication, db_path: Path, deployment: Deployment, username: str,
                png: Path) -> int:
    from app.services.accounts.auth import unlock

    password = os.environ.get("QINGXIN_PASSWORD", "")
    shell = Shell(db_path, deployment=deployment)
    try:
        store = unlock(db_path, username, password)
    except QingxinError as err:
        print(f"错误：{err.message}", file=sys.stderr)
        return err.exit_code
    shell.window.attach(store)

    def save_when_loaded() -> None:
        if workers.busy():
            QTimer.singleShot(SCREENSHOT_POLL_MS, save_when_loaded)
            return
        png.parent.mkdir(parents=True, exist_ok=True)
        shell.window.grab().save(str(png))
        shell.window.close()
        app.quit()

    QTimer.singleShot(SCREENSHOT_POLL_MS, save_when_loaded)
    app.exec()
    print(png)
    return 0
