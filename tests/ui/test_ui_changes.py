"""One `Changes` value per write (app/ui/changes.py): `mutate` broadcasts what the
operation declared once it has committed, and each page reloads on the fields it shows
and on no others."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QWidget

from app.errors import BadInputError
from app.store.handle import Store
from app.ui import workers
from app.ui.casefile.warnings_page import WarningsPage
from app.ui.changes import NOTHING, Changes, file_changes
from app.ui.reports.reports_page import ReportsPage
from app.ui.screening.campaign_page import ScreeningPage
from app.ui.settings.backup_tab import BackupTab
from app.ui.store_context import StoreContext
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


def test_mutate_broadcasts_the_declared_changes_after_the_write(qtbot, store: Store):
    ctx = StoreContext(store)
    seen: list[Changes] = []
    ctx.changed.connect(seen.append)
    done: list[object] = []
    ctx.mutate(None, lambda _store, _p: 7, done.append,
               changes=lambda new_id: Changes(campaigns=(new_id,)), label=None)
    idle(qtbot)
    assert done == [7]  # the caller still gets the service's result
    assert seen == [Changes(campaigns=frozenset({7}))]
    ctx.mutate(None, lambda _store, _p: None, done.append, changes=NOTHING, label=None)
    idle(qtbot)
    assert seen[-1] == NOTHING and len(seen) == 2


def test_a_failed_write_broadcasts_nothing(qtbot, store: Store, monkeypatch):
    monkeypatch.setattr("app.ui.messages.show_error", lambda *_a, **_k: None)
    ctx = StoreContext(store)
    seen: list[Changes] = []
    ctx.changed.connect(seen.append)
    failures: list[BadInputError] = []

    def refuse(_store: Store, _p: object) -> None:
        raise BadInputError("不行")

    ctx.mutate(None, refuse, seen.append, changes=Changes(students=True), label=None,
               on_failure=failures.append)
    idle(qtbot)
    assert seen == [] and len(failures) == 1


def test_a_file_write_names_its_students_and_what_else_it_moves():
    level = file_changes((4, 9), "level")
    assert level.file(4) and level.file(9) and not level.file(5)
    assert level.levels and not level.referrals and not level.students
    step = file_changes((4,), "referral_step")  # may make the student 休学 or 在读
    assert step.referrals and step.students and not step.levels and step.records
    assert not NOTHING.records and not Changes(users=True, backups=True).records


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
