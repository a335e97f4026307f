"""All background work goes through `run_op` (Anki's CollectionOp/QueryOp, in one helper).

A service call runs on a QThreadPool thread while the window stays responsive; a
progress dialog appears if it takes longer than a moment. The service receives a
`Progress` whose `is_cancelled` reads the dialog's cancel button, so a service that
calls `progress.step()` rolls back when the user cancels. Results and errors come back
to the GUI thread through queued signals: the result goes to `on_done`, an error the
user can cause to `on_failure` (or to one Chinese warning box), anything else to the
generic error box. Nothing raised in a worker can take the program down.

An operation ends whatever happens: `_end()` (which takes it off the running list the
lock, close and restore wait for) runs in a `finally` around everything the GUI thread
does with its result, so a callback that fails, or a progress dialog deleted with the
dialog that started the work, can never leave it registered for good (a soak test
found both: double-clicking 确认导入, or Esc just after it, closed the dialog that owned
the progress box, and the lock then waited for ever).

While an operation with a progress dialog runs, the window that started it takes no
input, from the first moment: the window-modal progress dialog only shows after
SHOW_PROGRESS_AFTER_MS, and a double-click or an Esc in that gap submitted twice or
closed the dialog under its own work.

If the widget that started an operation has been destroyed by the time it finishes
(the idle lock closes dialogs), its callbacks are skipped; `broadcast` still runs,
because data that changed must be announced whoever asked for it. `cancel_all` (the
lock, closing the window) cancels every operation and detaches it: nothing of its
result reaches the screen, it only ends.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from app.errors import QingxinError
from app.services.progress import Progress
from app.ui import messages, strings

SHOW_PROGRESS_AFTER_MS = 400

_running: set[Op] = set()
_when_idle: list[Callable[[], None]] = []


def busy() -> bool:
    """Whether any operation is still running (the idle lock waits for it)."""
    return bool(_running)


def cancel_all() -> None:
    """Cancel every running operation and drop whatever it would show: for the lock
    and for closing the program, which must not wait on work nobody will look at."""
    for op in list(_running):
        op.detach()


def when_idle(callback: Callable[[], None]) -> None:
    """Call `callback` on the GUI thread once no operation runs: now, if none does."""
    if not _running:
        callback()
        return
    _when_idle.append(callback)


def _call_idle_waiters() -> None:
    while _when_idle and not _running:
        _when_idle.pop(0)()


def alive(widget: QObject | None) -> bool:
    return widget is not None and shiboken6.isValid(widget)


class _InputGuard(QObject):
    """Drops the user's input to one window until removed: what the window-modal
    progress dialog does once it shows, from the moment the work starts."""

    BLOCKED = frozenset({
        QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick, QEvent.Type.KeyPress, QEvent.Type.KeyRelease,
        QEvent.Type.Wheel, QEvent.Type.Shortcut,
    })

    def __init__(self, window: QWidget) -> None:
        super().__init__()
        self._window = window
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in self.BLOCKED and isinstance(watched, QWidget):
            return alive(self._window) and watched.window() is self._window
        if kind == QEvent.Type.Close and watched is self._window and event.spontaneous():
            event.ignore()
            return True
        return False

    def remove(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


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
        self._guard: _InputGuard | None = None
        self._detached = False
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

    def detach(self) -> None:
        """Cancel, take the progress dialog down, and show nothing of the result."""
        self._detached = True
        self.cancel()
        self._release_window()

    def show_progress(self, label: str, cancellable: bool) -> None:
        parent = self._live_parent()
        dialog = QProgressDialog(label, strings.CANCEL, 0, 0, parent)
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
        if parent is not None:
            self._guard = _InputGuard(parent.window())

    def _live_parent(self) -> QWidget | None:
        parent = self._parent_widget
        return parent if alive(parent) else None

    def _live_dialog(self) -> QProgressDialog | None:
        """The progress dialog, unless it went with a parent that was deleted."""
        return self._dialog if alive(self._dialog) else None

    def _progress(self, done: int, total: int) -> None:
        dialog = self._live_dialog()
        if dialog is not None and total > 0 and not self._detached:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))

    def _release_window(self) -> None:
        """Close the progress dialog and give the window its input back."""
        if self._guard is not None:
            self._guard.remove()
            self._guard = None
        dialog, self._dialog = self._live_dialog(), None
        if dialog is not None:
            dialog.hide()  # not close(): closing a QProgressDialog emits canceled
            dialog.deleteLater()

    def _orphaned(self) -> bool:
        return self._detached or (self._parent_widget is not None
                                  and not alive(self._parent_widget))

    def _succeed(self, result: object) -> None:
        try:
            self._release_window()
            if self._broadcast is not None and not self._detached:
                self._broadcast(result)
            if not self._orphaned():
                self._on_done(result)
        except Exception as exc:  # a bug in a callback: report it, keep running
            messages.show_error(self._live_parent(), exc)
        finally:
            self._end()

    def _fail(self, exc: BaseException) -> None:
        try:
            self._release_window()
            if self._orphaned():
                return
            if isinstance(exc, QingxinError) and self._on_failure is not None:
                self._on_failure(exc)
            else:
                messages.show_error(self._live_parent(), exc)
        except Exception as bug:  # a bug in on_failure: report it, keep running
            messages.show_error(self._live_parent(), bug)
        finally:
            self._end()

    def _end(self) -> None:
        self.running = False
        _running.discard(self)
        try:
            self.finished.emit()
        finally:
            if not _running and _when_idle:
                QTimer.singleShot(0, _call_idle_waiters)


class _Job(QRunnable):
    def __init__(self, op: Op, fn: Callable[[Progress], Any]) -> None:
        super().__init__()
        self._op = op
        self._fn = fn

    def run(self) -> None:
        try:
            result = self._fn(self._op.progress)
        except BaseException as exc:  # delivered to the GUI thread, shown there
            outcome, value = self._op.failed, exc
        else:
            outcome, value = self._op.succeeded, result
        with contextlib.suppress(RuntimeError):  # the Op is gone: the program is closing
            outcome.emit(value)


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
