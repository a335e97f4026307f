"""run_op: results on the GUI thread, errors as one dialog, cancel, no crash."""

from __future__ import annotations

import gc
import threading
import time

from PySide6.QtWidgets import QMessageBox, QWidget

from app.errors import BadInputError, QingxinError
from app.services.progress import Progress
from app.ui import messages, strings, workers
from app.ui.workers import run_op
from tests.ui.ui_helpers import close_boxes, closed, message_boxes


def wait_done(qtbot, op: workers.Op) -> None:
    qtbot.waitUntil(lambda: not op.running, timeout=10_000)


def test_result_arrives_on_the_gui_thread(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[tuple[int, bool]] = []
    gui_thread = threading.current_thread()
    op = run_op(parent, lambda _p: 6 * 7,
                lambda result: seen.append((result, threading.current_thread() is gui_thread)),
                label=None)
    assert workers.busy()
    wait_done(qtbot, op)
    assert seen == [(42, True)]
    assert not workers.busy()


def test_user_error_becomes_one_chinese_warning_with_its_problems(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)

    def fail(_p: Progress) -> None:
        raise BadInputError("名册中有 2 行无法导入。",
                            problems=["第 3 行：缺少学籍号", "第 9 行：性别不明"])

    wait_done(qtbot, run_op(parent, fail, lambda _r: None))
    [box] = message_boxes()
    assert box.icon() == QMessageBox.Icon.Warning
    assert "名册中有 2 行无法导入。" in box.text()
    assert "第 9 行：性别不明" in box.text()
    close_boxes()


def test_on_failure_takes_user_errors_instead_of_a_dialog(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    caught: list[str] = []

    def fail(_p: Progress) -> None:
        raise QingxinError("用户名或密码不正确。")

    wait_done(qtbot, run_op(parent, fail, lambda _r: None, label=None,
                            on_failure=lambda exc: caught.append(exc.message)))
    assert caught == ["用户名或密码不正确。"]
    assert message_boxes() == []


def test_unexpected_error_shows_a_generic_box_without_the_exception_text(qtbot, caplog):
    parent = QWidget()
    qtbot.addWidget(parent)

    def bug(_p: Progress) -> None:
        raise KeyError("张三")  # a bug whose message happens to hold a name

    wait_done(qtbot, run_op(parent, bug, lambda _r: None, on_failure=lambda _e: None))
    [box] = message_boxes()
    assert box.icon() == QMessageBox.Icon.Critical
    assert box.text() == strings.UNEXPECTED_TEXT
    assert "张三" not in box.text() and "张三" not in caplog.text
    assert "KeyError" in caplog.text
    close_boxes()


def test_cancel_reaches_the_service_and_is_reported_calmly(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    done: list[object] = []

    def long_job(progress: Progress) -> str:
        for i in range(1000):
            progress.step(i, 1000)
            time.sleep(0.005)
        return "finished"

    op = run_op(parent, long_job, done.append, label="测试中…", cancellable=True)
    qtbot.wait(50)
    op.cancel()
    wait_done(qtbot, op)
    assert done == []
    [box] = message_boxes()
    assert box.icon() == QMessageBox.Icon.Information
    assert "已取消" in box.text()
    close_boxes()


def test_callbacks_are_skipped_when_the_parent_is_gone_but_broadcast_runs(qtbot):
    parent = QWidget()
    done: list[object] = []
    announced: list[object] = []
    gate = threading.Event()
    op = run_op(parent, lambda _p: gate.wait(5) and "changed", done.append, label=None,
                broadcast=announced.append)
    parent.deleteLater()
    qtbot.waitUntil(lambda: closed(parent), timeout=2000)
    gate.set()
    wait_done(qtbot, op)
    assert done == [] and announced == ["changed"]



def test_a_box_without_parent_stays_on_screen(qtbot):
    messages.inform(None, "标题", "没有父窗口的提示")
    qtbot.wait(50)
    gc.collect()
    assert [box.text() for box in message_boxes()] == ["没有父窗口的提示"]
    close_boxes()
    qtbot.wait(50)
    assert message_boxes() == []
