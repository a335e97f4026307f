"""The soak test's driver, run in a child process by bench/soak.py (a crash must be seen
from outside): the real program, started as `qingxin gui` starts it, on a demo school
in a temporary folder, driven at random for a while.

Every tick it picks one visible window (the modal one if a modal dialog is up), one
visible, enabled widget in it, and acts on it as a user would through Qt's input events
(click, double-click, a click then Esc at once, typing, choosing, scrolling); message
boxes get answered; the lock screen gets the password. Static file dialogs are replaced
by choices inside the temporary folder (input files made for the school, or a name in
an output folder), so nothing outside it is read or written. Now and then it stays
still longer than the idle lock's timeout, and the window must then lock.

It fails on: an unexpected error (the GUI's generic error box logs "unexpected …" on
the qingxin.ui logger; uncaught exceptions in threads and in finalisers too), an
operation still running past OP_TIMEOUT_S, an idle lock that did not come, resident
memory growing more than the bound after warm-up, the program quitting by itself.
Each action is one JSON line in the log, with the step number, the seed and the time,
so a failure can be found and replayed (same seed, same school, same choices for the
same screens; timings of background work can still differ).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QPoint,
    Qt,
    QThreadPool,
    QTimer,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QTabBar,
    QTextEdit,
    QWidget,
)

from app.services.demo.school import DEMO_PASSWORD, create_demo
from app.services.maintenance.selftest_files import write_files
from app.services.students import list_students
from app.ui import workers
from app.ui.app import freeze_startup_objects, launch
from app.ui.login import LoginDialog
from app.ui.shell import Shell
from bench.answer_files import write_mht_wjx
from bench.gui_driver import memory

TICK_MS = 40
OP_TIMEOUT_S = 120
MEMORY_EVERY_S = 5
TEXTS = ["", "张", "7", "三年级", "2024", "=1+1", "测试备注", "a" * 40, "  ", "初一(1)班", "-1"]
KEYS = [Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Tab, Qt.Key.Key_Down,
        Qt.Key.Key_Up, Qt.Key.Key_Space, Qt.Key.Key_PageDown]


def type_text(widget: QWidget, text: str) -> None:
    """Key events carrying each character (QTest.keyClicks knows only ASCII)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            if not workers.alive(widget):
                return
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


@dataclass
class Findings:
    unexpected: list[str] = field(default_factory=list)
    stuck_ops: list[str] = field(default_factory=list)
    lock_misses: int = 0
    quit_early: bool = False
    rss_mb: list[tuple[float, float]] = field(default_factory=list)  # (minute, MB)


class UnexpectedLog(logging.Handler):
    """The generic error box's log line (messages.show_error) is an unexpected error."""

    def __init__(self, findings: Findings) -> None:
        super().__init__(logging.ERROR)
        self.findings = findings

    def emit(self, record: logging.LogRecord) -> None:
        self.findings.unexpected.append(record.getMessage())


class Soak:
    def __init__(self, args: argparse.Namespace, folder: Path) -> None:
        self.args = args
        self.rng = random.Random(args.seed)
        self.folder = folder
        self.out = folder / "out"
        self.out.mkdir()
        self.inputs: list[Path] = []
        self.findings = Findings()
        self.step = 0
        self.actions = 0
        self.started = time.monotonic()
        self.deadline = self.started + args.minutes * 60
        self.log = (args.log or folder / "actions.jsonl").open("w", encoding="utf-8")
        self.op_seen: dict[int, float] = {}
        self.pause_until = 0.0
        self.lock_due = 0.0
        self.next_memory = 0.0
        self.done = False
        self.shell: Shell | None = None

    # --- the school and its files -------------------------------------------------
    def prepare(self) -> Path:
        db = self.folder / "school" / "qingxin.db"
        create_demo(db, students=self.args.students, seed=self.args.seed)
        from app.services.accounts.auth import unlock

        with unlock(db, "admin", DEMO_PASSWORD) as store:
            students = list_students(store)
        files = self.folder / "inputs"
        files.mkdir()
        made = write_files(files, seed=self.args.seed)
        write_mht_wjx(files / "MHT 问卷星导出.xlsx", students[: len(students) // 2],
                      seed=self.args.seed)
        (files / "不是表格.xlsx").write_bytes(b"not a workbook")
        self.inputs = [made.roster, made.answers, files / "MHT 问卷星导出.xlsx",
                       files / "不是表格.xlsx"]
        return db

    def patch_file_dialogs(self) -> None:
        """Static file dialogs answer from the temporary folder (or are cancelled)."""
        def open_name(*_a, **_k) -> tuple[str, str]:
            choices = [*self.inputs, *sorted(self.out.rglob("*.db"))]
            pick = self.rng.choice([*choices, None])
            self.record("file-dialog", "open", str(pick.name) if pick else "cancel")
            return (str(pick) if pick else "", "")

        def save_name(_parent=None, _title="", suggested="", *_a, **_k) -> tuple[str, str]:
            if self.rng.random() < 0.2:
                self.record("file-dialog", "save", "cancel")
                return ("", "")
            name = Path(suggested).name or "导出"
            target = self.out / f"{self.step}-{name}"
            self.record("file-dialog", "save", target.name)
            return (str(target), "")

        def folder_name(*_a, **_k) -> str:
            pick = self.rng.choice([str(self.out), ""])
            self.record("file-dialog", "folder", pick and "out")
            return pick

        QFileDialog.getOpenFileName = staticmethod(open_name)  # type: ignore[method-assign]
        QFileDialog.getSaveFileName = staticmethod(save_name)  # type: ignore[method-assign]
        QFileDialog.getExistingDirectory = staticmethod(folder_name)  # type: ignore[method-assign]

    # --- the log --------------------------------------------------------------------
    def record(self, where: str, action: str, what: str = "") -> None:
        self.actions += where != "check"
        self.log.write(json.dumps({"step": self.step, "seed": self.args.seed,
                                   "t": round(time.monotonic() - self.started, 3),
                                   "where": where, "action": action, "what": what},
                                  ensure_ascii=False) + "\n")

    # --- the loop -------------------------------------------------------------------
    def start(self, db: Path) -> None:
        shell = launch(["--db", str(db), "--lock-minutes", str(self.args.lock_seconds / 60)])
        assert isinstance(shell, Shell), shell
        self.shell = shell
        freeze_startup_objects()
        shell.window_built.connect(freeze_startup_objects)  # as `run` does
        app = QApplication.instance()
        app.aboutToQuit.connect(self._quitting)
        timer = QTimer(app)
        timer.timeout.connect(self.tick)
        timer.start(TICK_MS)
        self.timer = timer

    def _quitting(self) -> None:
        if not self.done:
            self.findings.quit_early = True
            self.record("app", "quit by itself")

    def tick(self) -> None:
        now = time.monotonic()
        try:
            self.watch(now)
            if now >= self.deadline:
                self.finish()
                return
            if now < self.pause_until:
                return
            self.act(now)
        except Exception:  # a bug in the driver, not in the program: stop and say so
            self.findings.unexpected.append("driver: " + traceback.format_exc())
            self.finish()

    def watch(self, now: float) -> None:
        for op in list(workers._running):
            first = self.op_seen.setdefault(id(op), now)
            if now - first > OP_TIMEOUT_S and id(op) not in self.findings.stuck_ops:
                self.findings.stuck_ops.append(f"op {id(op)} running for {now - first:.0f} s")
                self.record("check", "stuck operation", str(id(op)))
        live = {id(op) for op in workers._running}
        self.op_seen = {k: v for k, v in self.op_seen.items() if k in live}
        if self.lock_due and now > self.lock_due:
            window = self.shell.window
            if window.isVisible():
                self.findings.lock_misses += 1
                self.record("check", "idle lock did not come")
            self.lock_due = 0.0
        if now >= self.next_memory:
            self.next_memory = now + MEMORY_EVERY_S
            _peak, rss = memory()
            self.findings.rss_mb.append((round((now - self.started) / 60, 2),
                                         round(rss / 2**20, 1)))

    def act(self, now: float) -> None:
        self.step += 1
        login = self.front_login()
        if login is not None:
            self.sign_in(login)
            return
        if self.rng.random() < self.args.idle_chance:
            # The idle watcher looks every quarter of the timeout (at most 15 s).
            wait = self.args.lock_seconds + min(15, self.args.lock_seconds / 4) + 3
            self.pause_until = now + wait
            self.lock_due = now + wait - 1 if self.shell.window.isVisible() else 0.0
            self.record("idle", "stay still", f"{wait} s")
            return
        window = self.pick_window()
        if window is None:
            return
        self.act_in(window)

    def front_login(self) -> LoginDialog | None:
        modal = QApplication.activeModalWidget()
        if modal is not None and not isinstance(modal, LoginDialog):
            return None
        for w in QApplication.topLevelWidgets():
            if isinstance(w, LoginDialog) and w.isVisible():
                return w
        return None

    def sign_in(self, login: LoginDialog) -> None:
        if not login.submit.isEnabled():
            return
        login.username.setText("admin")
        wrong = self.rng.random() < 0.05
        login.password.setText("wrong-password" if wrong else DEMO_PASSWORD)
        self.record("LoginDialog", "sign in", "wrong password" if wrong else "admin")
        QTest.mouseClick(login.submit, Qt.MouseButton.LeftButton)

    def pick_window(self) -> QWidget | None:
        modal = QApplication.activeModalWidget()
        if modal is not None:
            return modal
        windows = [w for w in QApplication.topLevelWidgets()
                   if w.isVisible() and not isinstance(w, (LoginDialog, QProgressDialog))]
        return self.rng.choice(windows) if windows else None

    def act_in(self, window: QWidget) -> None:
        name = type(window).__name__
        if isinstance(window, QProgressDialog):
            if self.rng.random() < 0.3:
                self.record(name, "cancel progress")
                window.cancel()
            return
        if isinstance(window, QMessageBox):
            self.record(name, "answer box", window.windowTitle())
            buttons = window.buttons()
            if buttons and self.rng.random() < 0.8:
                QTest.mouseClick(self.rng.choice(buttons), Qt.MouseButton.LeftButton)
            else:
                QTest.keyClick(window, Qt.Key.Key_Escape)
            return
        if isinstance(window, QDialog) and self.rng.random() < 0.04:
            self.record(name, "key", "Escape")
            QTest.keyClick(window, Qt.Key.Key_Escape)
            return
        widgets = [w for w in window.findChildren(QWidget)
                   if w.isVisible() and w.isEnabled() and w.window() is window
                   and isinstance(w, (QAbstractButton, QLineEdit, QComboBox, QTabBar,
                                      QAbstractItemView, QAbstractSpinBox, QTextEdit,
                                      QPlainTextEdit))]
        if not widgets:
            return
        self.use(self.rng.choice(widgets), name)

    def use(self, w: QWidget, where: str) -> None:
        kind = type(w).__name__
        label = (w.text() if isinstance(w, QAbstractButton) else w.objectName())[:30]
        what = f"{kind} {label}".strip()
        roll = self.rng.random()
        if isinstance(w, QAbstractButton):
            if roll < 0.1:
                self.record(where, "double-click", what)
                QTest.mouseDClick(w, Qt.MouseButton.LeftButton)
            elif roll < 0.15:
                self.record(where, "click then Esc", what)
                QTest.mouseClick(w, Qt.MouseButton.LeftButton)
                window = w.window() if workers.alive(w) else None
                if window is not None and workers.alive(window):
                    QTest.keyClick(window, Qt.Key.Key_Escape)
            else:
                self.record(where, "click", what)
                QTest.mouseClick(w, Qt.MouseButton.LeftButton)
        elif isinstance(w, QLineEdit):
            secret = w.echoMode() != QLineEdit.EchoMode.Normal
            # Mostly the right password: wrong ones soon meet the throttle (2, 4 … 300 s),
            # and the run would spend its minutes waiting at the kiosk's exit prompt.
            text = DEMO_PASSWORD if secret and roll < 0.95 else self.rng.choice(TEXTS)
            self.record(where, "type", f"{what} {'<password>' if secret else text}")
            w.clear()
            type_text(w, text)
            if self.rng.random() < 0.3:
                QTest.keyClick(w, Qt.Key.Key_Return)
        elif isinstance(w, QComboBox):
            if w.count():
                index = self.rng.randrange(w.count())
                self.record(where, "choose", f"{what} #{index}")
                w.setCurrentIndex(index)
        elif isinstance(w, QTabBar):
            if w.count():
                index = self.rng.randrange(w.count())
                self.record(where, "tab", f"{what} #{index}")
                w.setCurrentIndex(index)
        elif isinstance(w, QAbstractItemView):
            self.use_view(w, where, what, roll)
        elif isinstance(w, QAbstractSpinBox):
            key = self.rng.choice([Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp])
            self.record(where, "step", what)
            QTest.keyClick(w, key)
        else:  # text edits
            self.record(where, "type", f"{what} {self.rng.choice(TEXTS)}")
            type_text(w, self.rng.choice(TEXTS))

    def use_view(self, view: QAbstractItemView, where: str, what: str, roll: float) -> None:
        model = view.model()
        if model is None or model.rowCount(QModelIndex()) == 0:
            return
        columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(QModelIndex())
        row = self.rng.randrange(min(model.rowCount(QModelIndex()), 40))
        column = self.rng.randrange(max(1, columns))
        index = model.index(row, column)
        view.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        rect = view.visualRect(index)
        if not rect.isValid():
            return
        point = rect.center()
        if roll < 0.25:
            self.record(where, "double-click row", f"{what} {row},{column}")
            QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton,
                              Qt.KeyboardModifier.NoModifier, point)
        elif roll < 0.35:
            key = self.rng.choice(KEYS)
            self.record(where, "key in view", f"{what} {key.name}")
            QTest.keyClick(view, key)
        else:
            self.record(where, "click row", f"{what} {row},{column}")
            QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                             Qt.KeyboardModifier.NoModifier, QPoint(point))

    # --- the end --------------------------------------------------------------------
    def finish(self) -> None:
        if self.done:
            return
        self.done = True
        self.timer.stop()
        workers.cancel_all()
        app = QApplication.instance()
        for w in QApplication.topLevelWidgets():
            if isinstance(w, QDialog) and w.isVisible():
                w.reject()
        workers.when_idle(app.quit)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak_driver")
    parser.add_argument("--minutes", type=float, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--lock-seconds", type=float, default=20)
    parser.add_argument("--idle-chance", type=float, default=0.0005)
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--log", type=Path, default=None)
    args = parser.parse_args(argv)
    soak = Soak(args, args.folder)
    findings = soak.findings
    logging.getLogger("qingxin.ui").addHandler(UnexpectedLog(findings))
    threading.excepthook = lambda a: findings.unexpected.append(
        f"thread: {a.exc_type.__name__}")
    sys.unraisablehook = lambda u: findings.unexpected.append(
        f"unraisable: {u.exc_type.__name__} in {u.object!r:.80}")
    db = soak.prepare()
    soak.patch_file_dialogs()
    soak.start(db)
    QApplication.exec()
    QThreadPool.globalInstance().waitForDone(OP_TIMEOUT_S * 1000)
    soak.log.close()
    print(json.dumps({"seed": args.seed, "minutes": args.minutes, "actions": soak.actions,
                      "ticks": soak.step,
                      "unexpected": findings.unexpected, "stuck_ops": findings.stuck_ops,
                      "lock_misses": findings.lock_misses,
                      "quit_early": findings.quit_early, "rss_mb": findings.rss_mb},
                     ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
