"""All background work goes through `run_op` (Anki's CollectionOp/QueryOp, in one helper).

A service call runs on a QThreadPool thread while the window stays responsive; a
progress dialog appears if it takes longer than a moment. The service receives a
`Progress` whose `is_cancelled` reads the dialog's cancel button, so a service that
calls `progress.step()` rolls back when the user cancels. Results and errors come back
to the GUI thread through queued signals: the result goes to `on_done`, an error the
user can cause to `on_failure` (or to one Chinese warning box), anything else to the
generic error box. Nothing raised in a worker can take the program down.

If the widget that started an operation has been destroyed by the time it finishes
(the idle lock closes dialogs), its callbacks are skipped; `broadcast` still runs,
because data that changed must be announced whoever asked for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.errors import QingxinError
from app.services.progress import Progress
from app.ui import messages, strings

SHOW_PROGRESS_AFTER_MS = 400

_running: set[Op] = set()


def busy() -> bool:
    """Whether any operation is still running (the idle lock waits for it)."""
    return bool(_running)


class Op(QObject):
    """One background call and its progress dialog; `finished` fires after callbacks ran."""

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)
    finished = Signal()

    def __init__(self, parent_widget: QWidget | None, on_done: Callable[[Any], None],
                 on_failure: Callable[[QingxinError], None] | None,
                 broadcast: Callable[[Any], None] | None) -> None:
        super().__init__()
        self._parent_widget = parent_widget
        self._on_done = on_done
        self._on_failure = on_failure
        self._broadcast = broadcast
        self._cancel = threading.Event()
        self._dialog: QProgressDialog | None = None
        self.running = True
        self.succeeded.connect(self._succeed)
        self.failed.connect(self._fail)
        self.progressed.connect(self._progress)

    @property
    def progress(self) -> Progress:
        return Progress(report=self.progressed.emit, is_cancelled=self._cancel.is_set)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def show_progress(self, label: str, cancellable: bool) -> None:
        dialog = QProgressDialog(label, strings.CANCEL, 0, 0, self._live_parent())
        dialog.setWindowTitle(strings.APP_TITLE)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(SHOW_PROGRESS_AFTER_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if cancellable:
            dialog.canceled.connect(self.cancel)
        else:
            dialog.setCancelButton(None)
        self._dialog = dialog

    def _live_parent(self) -> QWidget | None:
        parent = self._parent_widget
        return parent if parent is not None and shiboken6.isValid(parent) else None

    def _progress(self, done: int, total: int) -> None:
        if self._dialog is not None and total > 0:
            self._dialog.setMaximum(total)
            self._dialog.setValue(min(done, total))

    def _close_dialog(self) -> None:
        if self._dialog is not None:
            self._dialog.hide()  # not close(): closing a QProgressDialog emits canceled
            self._dialog.deleteLater()
            self._dialog = None

    def _orphaned(self) -> bool:
        return self._parent_widget is not None and not shiboken6.isValid(self._parent_widget)

    def _succeed(self, result: object) -> None:
        self._close_dialog()
        try:
            if self._broadcast is not None:
                self._broadcast(result)
            if not self._orphaned():
                self._on_done(result)
        except Exception as exc:  # a bug in a callback: report it, keep running
            messages.show_error(self._live_parent(), exc)
        finally:
            self._end()

    def _fail(self, exc: BaseException) -> None:
        self._close_dialog()
        try:
            if self._orphaned():
                return
            if isinstance(exc, QingxinError) and self._on_failure is not None:
                self._on_failure(exc)
            else:
                messages.show_error(self._live_parent(), exc)
        finally:
            self._end()

    def _end(self) -> None:
        self.running = False
        _running.discard(self)
        self.finished.emit()


class _Job(QRunnable):
    def __init__(self, op: Op, fn: Callable[[Progress], Any]) -> None:
        super().__init__()
        self._op = op
        self._fn = fn

    def run(self) -> None:
        try:
            result = self._fn(self._op.progress)
        except BaseException as exc:  # delivered to the GUI thread, shown there
            self._op.failed.emit(exc)
        else:
            self._op.succeeded.emit(result)


def run_op(parent: QWidget | None, fn: Callable[[Progress], Any],
           on_done: Callable[[Any], None], *, label: str | None = strings.WORKING,
           cancellable: bool = True,
           on_failure: Callable[[QingxinError], None] | None = None,
           broadcast: Callable[[Any], None] | None = None) -> Op:
    """Run `fn(progress)` on a worker thread; call `on_done(result)` on the GUI thread.

    `label=None` shows no progress dialog (for quick reads that update a view in place).
    Pass `cancellable=False` when `fn` does not check its Progress: a cancel button that
    does nothing would be a lie.
    """
    op = Op(parent, on_done, on_failure, broadcast)
    if label is not None:
        op.show_progress(label, cancellable)
    _running.add(op)
    QThreadPool.globalInstance().start(_Job(op, fn))
    return op
