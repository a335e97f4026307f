"""One `Changes` value per write (app/changes.py): every writing service returns what it
changed, `mutate` broadcasts that once the write has committed (and refuses a result
that says nothing), and each page reloads on the fields it shows and on no others.
What each service returns is tested without Qt in tests/services/test_changes.py."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QWidget

from app.changes import NOTHING, Changes, ChangesWithId
from app.errors import BadInputError
from app.store.handle import Store
from app.ui import workers
from app.ui.casefile.warnings_page import WarningsPage
from app.ui.reports.reports_page import ReportsPage
from app.ui.screening.campaign_page import ScreeningPage
from app.ui.settings.backup_tab import BackupTab
from app.ui.store_context import EVERY_LIST, StoreContext
from app.ui.store_context import unsaid as product_unsaid  # before the fixture replaces it
from app.ui.students_page import StudentsPage
from app.ui.users_page import UsersPage

SAMPLES = {
    "students": Changes(students=True),
    "campaigns": Changes(campaigns=[3]),
    "casefile": Changes(casefile=[5]),
    "levels": Changes(levels=True),
    "referrals": Changes(referrals=True),
    "users": Changes(users=True),
    "backups": Changes(backups=True),
    "nothing": NOTHING,
}
RECORDS = {"students", "campaigns", "casefile", "levels", "referrals"}


def idle(qtbot) -> None:
    qtbot.waitUntil(lambda: not workers.busy(), timeout=20_000)


def test_mutate_broadcasts_what_the_service_returned_after_the_write(qtbot, store: Store):
    ctx = StoreContext(store)
    seen: list[Changes] = []
    ctx.changed.connect(seen.append)
    done: list[object] = []
    ctx.mutate(None, lambda _store, _p: ChangesWithId(7, Changes(campaigns=(7,))),
               done.append, label=None)
    idle(qtbot)
    assert done == [7]  # the caller still gets the service's result
    assert seen == [Changes(campaigns=frozenset({7}))]
    ctx.mutate(None, lambda _store, _p: NOTHING, done.append, label=None)
    idle(qtbot)
    assert seen[-1] == NOTHING and len(seen) == 2


def test_a_result_that_says_nothing_reloads_every_list_and_fails_the_tests(
        qtbot, store: Store, monkeypatch, unsaid_writes: list[str]):
    shown: list[BaseException] = []
    monkeypatch.setattr("app.ui.messages.show_error", lambda _parent, exc: shown.append(exc))
    ctx = StoreContext(store)
    seen: list[Changes] = []
    ctx.changed.connect(seen.append)
    done: list[object] = []
    for result in (7, None, "saved", [NOTHING]):
        ctx.mutate(None, lambda _store, _p, r=result: r, done.append, label=None)
        idle(qtbot)
    # The write has committed: the teacher sees it done, not failed, and every list reloads.
    assert done == [7, None, "saved", [NOTHING]] and shown == []
    assert seen == [EVERY_LIST] * 4
    # … and the test fixture has caught all four (the teardown would fail on them).
    assert unsaid_writes == ["int", "NoneType", "str", "list"]
    unsaid_writes.clear()


def test_the_product_logs_a_write_that_said_nothing(caplog):
    with caplog.at_level(logging.ERROR, logger="app.ui.store_context"):
        assert product_unsaid(None) == EVERY_LIST
    assert "NoneType" in caplog.text and "says nothing" in caplog.text


def test_a_failed_write_broadcasts_nothing(qtbot, store: Store, monkeypatch):
    monkeypatch.setattr("app.ui.messages.show_error", lambda *_a, **_k: None)
    ctx = StoreContext(store)
    seen: list[Changes] = []
    ctx.changed.connect(seen.append)
    failures: list[BadInputError] = []

    def refuse(_store: Store, _p: object) -> Changes:
        raise BadInputError("不行")

    ctx.mutate(None, refuse, seen.append, label=None, on_failure=failures.append)
    idle(qtbot)
    assert seen == [] and len(failures) == 1


def _pages(ctx: StoreContext) -> dict[str, tuple[Callable[[], QWidget], set[str]]]:
    return {
        "students": (lambda: StudentsPage(ctx, can_manage=True, own_class_only=False),
                     {"students", "levels"}),
        "screening": (lambda: ScreeningPage(ctx), {"campaigns"}),
        "users": (lambda: UsersPage(ctx, lambda: []), {"users"}),
        "backup": (lambda: BackupTab(ctx, can_restore=True), {"backups"}),
        "warnings": (lambda: WarningsPage(ctx), RECORDS),
        "reports": (lambda: ReportsPage(ctx), RECORDS),
    }


@pytest.mark.parametrize("name", ["students", "screening", "users", "backup", "warnings",
                                  "reports"])
def test_each_page_reloads_on_its_fields_only(qtbot, store: Store, name: str):
    ctx = StoreContext(store)
    build, wanted = _pages(ctx)[name]
    page = build()
    qtbot.addWidget(page)
    idle(qtbot)
    reloads: list[None] = []
    page.reload = lambda: reloads.append(None)  # type: ignore[method-assign]
    page.show()  # the warning and report pages reload only while on screen
    reloaded = set()
    for field, change in SAMPLES.items():
        before = len(reloads)
        page.on_changed(change)
        if len(reloads) > before:
            reloaded.add(field)
    assert reloaded == wanted
