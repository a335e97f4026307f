"""The unlocked Store that every page shares, and the "what changed" broadcast.

Pages never keep a Store of their own: the idle lock closes it here, once, and any
later call finds it gone (a StoreError in Chinese) instead of a half-closed engine.
`query` is Anki's QueryOp (read, no broadcast); `mutate` is its CollectionOp: after
the service commits, the `Changes` its result says it made (app/changes.py, Anki's
OpChanges) is emitted on `changed`, the one signal every view listens to, and each
view reads the fields it shows to decide whether it must reload.
`deployment` is the district's deployment file as read once at start (the defaults
when there is none), so every page applies the same policy for the whole session.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from app.changes import Changes, changes_of
from app.deployment import Deployment
from app.errors import QingxinError, StoreError
from app.services.progress import Progress
from app.ui import messages, strings
from app.ui.workers import Op, run_op

if TYPE_CHECKING:
    from app.store.handle import Store



log = logging.getLogger(__name__)

EVERY_LIST = Changes(students=True, levels=True, referrals=True, users=True, backups=True)
"""What is broadcast after a write whose service said nothing: every list reloads."""


def unsaid(result: object) -> Changes:
    """What to broadcast after a write whose service returned no `Changes`. That is a
    bug, and the GUI tests fail on it (tests/ui/conftest.py replaces this function); but
    the write has committed by now, so the teacher is not told it failed — which would
    invite entering it a second time. Every list reloads instead, and the log names the
    result's type (no student data) for whoever reads it."""
    log.error("a writing service returned %s, which says nothing of what it changed; "
              "every list is reloaded", type(result).__name__)
    return EVERY_LIST


class StoreContext(QObject):
    changed = Signal(object)
    lock_requested = Signal()
    """A 锁定 button outside the main window (the student's file) asks for the one lock
    (MainWindow.lock, as Ctrl+L does)."""

    def __init__(self, store: Store | None = None,
                 deployment: Deployment | None = None) -> None:
        super().__init__()
        self.store = store
        self.deployment = deployment or Deployment()

    def require_store(self) -> Store:
        if self.store is None or not self.store.is_open:
            raise StoreError("数据库已锁定，请重新登录。")
        return self.store

    def query(self, parent: QWidget | None, fn: Callable[[Store], Any],
              on_done: Callable[[Any], None], *, label: str | None = None,
              on_failure: Callable[[QingxinError], None] | None = None) -> Op | None:
        try:
            store = self.require_store()
        except StoreError as exc:
            messages.show_error(parent, exc)
            return None
        return run_op(parent, lambda _progress: fn(store), on_done, label=label,
                      cancellable=False, on_failure=on_failure)

    def mutate(self, parent: QWidget | None, fn: Callable[[Store, Progress], Any],
               on_done: Callable[[Any], None], *, label: str = strings.WORKING,
               cancellable: bool = False,
               on_failure: Callable[[QingxinError], None] | None = None) -> Op | None:
        """Run a write on a worker; once it has committed, emit on `changed` what the
        service says it changed: its result is a `Changes` or carries one
        (`changes_of`, Anki's on_op_finished). A result that says nothing is a bug
        (`unsaid`): the GUI tests fail on it, the product reloads every list."""
        try:
            store = self.require_store()
        except StoreError as exc:
            messages.show_error(parent, exc)
            return None

        def broadcast(result: Any) -> None:
            try:
                changes = changes_of(result)
            except TypeError:
                changes = unsaid(result)
            self.changed.emit(changes)

        return run_op(parent, lambda progress: fn(store, progress), on_done, label=label,
                      cancellable=cancellable, on_failure=on_failure, broadcast=broadcast)
