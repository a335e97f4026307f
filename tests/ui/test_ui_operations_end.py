"""Operations end whatever happens (issue 21, finding 1): a progress dialog deleted with
the dialog that started the work, a callback that fails, a double-click or an Esc
before the progress dialog shows, and a lock while work runs — none may leave an
operation registered, and none may reach a deleted widget."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QMessageBox, QPushButton, QVBoxLayout
from test_ui_end_to_end import PASSWORD, front_login, front_login_of, login

from app.changes import NOTHING, ChangesWith
from app.services.progress import Progress
from app.services.setup import create_school
from app.ui import strings, workers
from app.ui.login import LoginDialog
from app.ui.shell import Shell
from app.ui.workers import SHOW_PROGRESS_AFTER_MS, run_op
from tests.ui.ui_helpers import close_boxes, closed, message_boxes, visible

GATE_S = 10


class StartsWork(QDialog):
    """A dialog whose button starts background work, as 确认导入 does."""

    def __init__(self, gate: threading.Event) -> None:
        super().__init__()
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.gate = gate
        self.started: list[workers.Op] = []
        self.results: list[object] = []
        self.button = QPushButton("确认", self)
        self.button.clicked.connect(self.start)
        QVBoxLayout(self).addWidget(self.button)

    def start(self) -> None:
        gate = self.gate

        def job(progress: Progress) -> str:
            for i in range(100):
                progress.report(i, 100)
                if gate.wait(0.01):
                    break
            gate.wait(GATE_S)
            progress.report(100, 100)  # reaches the GUI after the dialog may be gone
            return "done"

        self.started.append(run_op(self, job, self.results.append, label="导入中…"))


@pytest.fixture
def dialog(qtbot) -> StartsWork:
    """A StartsWork on screen; the work its button starts waits for `dialog.gate`."""
    starts = StartsWork(threading.Event())
    starts.show()
    qtbot.waitExposed(starts)
    return starts


def test_progress_dialog_deleted_with_its_parent_still_ends(qtbot, dialog):
    gate = dialog.gate
    dialog.button.click()
    [op] = dialog.started
    qtbot.wait(SHOW_PROGRESS_AFTER_MS + 300)  # the progress dialog is on screen now
    dialog.reject()  # the idle lock's way: WA_DeleteOnClose deletes it and its progress box
    qtbot.waitUntil(lambda: closed(dialog), timeout=2_000)
    QTest.qWait(50)
    gate.set()
    qtbot.waitUntil(lambda: not op.running, timeout=GATE_S * 1000)
    assert not workers.busy()
    assert message_boxes() == []  # no "already deleted" bug box


def test_a_failing_callback_still_ends_the_operation(qtbot):
    def broken(_result: object) -> None:
        raise RuntimeError("a bug in on_done")

    op = run_op(None, lambda _p: 1, broken, label="处理中…")
    qtbot.waitUntil(lambda: not op.running, timeout=5_000)
    assert not workers.busy()
    [box] = message_boxes()
    assert box.icon() == QMessageBox.Icon.Critical
    close_boxes()


def test_a_double_click_starts_the_work_once(qtbot, dialog):
    gate = dialog.gate
    QTest.mouseDClick(dialog.button, Qt.MouseButton.LeftButton)
    QTest.mouseClick(dialog.button, Qt.MouseButton.LeftButton)
    assert len(dialog.started) == 1
    gate.set()
    qtbot.waitUntil(lambda: not workers.busy(), timeout=GATE_S * 1000)
    assert dialog.results == ["done"]
    QTest.mouseClick(dialog.button, Qt.MouseButton.LeftButton)  # input is back after
    assert len(dialog.started) == 2
    qtbot.waitUntil(lambda: not workers.busy(), timeout=GATE_S * 1000)


def test_esc_right_after_the_click_does_not_close_the_dialog_under_its_work(qtbot, dialog):
    gate = dialog.gate
    QTest.mouseClick(dialog.button, Qt.MouseButton.LeftButton)
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    gate.set()
    qtbot.waitUntil(lambda: not workers.busy(), timeout=GATE_S * 1000)
    assert dialog.results == ["done"]


def test_cancel_all_ends_work_and_shows_nothing_of_it(qtbot, dialog):
    gate = dialog.gate
    dialog.button.click()
    [op] = dialog.started
    workers.cancel_all()
    assert op.cancelled
    ended: list[bool] = []
    workers.when_idle(lambda: ended.append(True))
    gate.set()
    qtbot.waitUntil(lambda: bool(ended), timeout=GATE_S * 1000)
    assert dialog.results == [] and message_boxes() == []


def test_the_lock_does_not_wait_for_running_work(qtbot, db_path: Path):
    """Locking with work running: the window hides at once, the work is cancelled, and
    the Store is closed, and the lock screen shown, when the work has let go of it."""
    create_school(db_path, "青心实验中学", "admin", PASSWORD)
    shell = Shell(db_path, idle_ms=60_000)
    login(qtbot, front_login_of(shell), "admin", PASSWORD)
    window = shell.window
    store = shell.ctx.store
    gate = threading.Event()
    seen: list[object] = []
    op = shell.ctx.mutate(window, lambda _store, _p: ChangesWith(gate.wait(GATE_S), NOTHING),
                          seen.append, label=None)
    assert op is not None and workers.busy()
    window.lock()
    assert not window.isVisible() and shell.ctx.store is None
    assert store is not None and store.is_open  # the running work still holds it
    assert not visible(LoginDialog)  # which must not open the database meanwhile
    gate.set()
    qtbot.waitUntil(lambda: not store.is_open, timeout=GATE_S * 1000)
    assert front_login(shell).windowTitle() == strings.LOCKED_TITLE
    assert seen == [] and not workers.busy()
    login(qtbot, front_login(shell), "admin", PASSWORD)
    assert window.isVisible()


def test_the_idle_lock_comes_while_work_runs(qtbot, db_path: Path):
    create_school(db_path, "青心实验中学", "admin", PASSWORD)
    shell = Shell(db_path, idle_ms=400)
    login(qtbot, front_login_of(shell), "admin", PASSWORD)
    gate = threading.Event()
    shell.ctx.mutate(shell.window, lambda _store, p: ChangesWith(gate.wait(GATE_S), NOTHING),
                     lambda _r: None, label=None)
    try:
        qtbot.waitUntil(lambda: shell.ctx.store is None, timeout=5_000)
        assert not shell.window.isVisible()
    finally:
        gate.set()
    qtbot.waitUntil(lambda: visible(LoginDialog) != [], timeout=GATE_S * 1000)
    assert front_login(shell).windowTitle() == strings.LOCKED_TITLE


def test_an_error_reported_off_the_gui_thread_is_logged_not_boxed(qtbot, caplog):
    """PySide hands a failing QRunnable.run to sys.excepthook on the worker: a message
    box made there (or after the application is gone) aborts the whole program."""
    from app.ui.app import _show_unexpected

    def report() -> None:
        try:
            raise KeyError("张三")
        except KeyError as exc:
            _show_unexpected(KeyError, exc, exc.__traceback__)

    thread = threading.Thread(target=report)
    thread.start()
    thread.join(5)
    qtbot.wait(50)
    assert message_boxes() == []
    assert "unexpected KeyError" in caplog.text and "张三" not in caplog.text
