"""Helpers of the student-file GUI tests: waiting for workers, opening a file, filling
and submitting a form, and reading what a table shows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QLabel, QTableView, QWidget
from sqlalchemy import func, select

from app.models import AuditEvent, Campaign, SchoolYear, ScreeningResult
from app.store.handle import Store
from app.ui.casefile.file_window import StudentFileWindow, open_student_file
from app.ui.casefile.widgets import FormDialog
from app.ui.store_context import StoreContext
from tests.ui.ui_helpers import idle

HOSPITAL = "市第六人民医院 儿童青少年心理科"
HOSPITAL_DEPLOY = """[[hospitals]]
name = "市第六人民医院"
department = "儿童青少年心理科"
"""


@dataclass(frozen=True)
class School:
    store: Store
    ctx: StoreContext
    class_ids: tuple[int, int]
    students: tuple[int, ...]  # the first three in 初一(1)班, the rest in 初二(2)班



def open_file(qtbot, ctx: StoreContext, student_id: int,
              tab: str = "overview") -> StudentFileWindow:
    window = open_student_file(ctx, None, student_id, tab)
    qtbot.addWidget(window)
    idle(qtbot)
    assert window.view_ is not None
    return window


def submit(qtbot, dialog: FormDialog) -> None:
    dialog.ok.click()
    idle(qtbot)


def column(model: QAbstractItemModel, col: int) -> list[str]:
    return [model.index(r, col).data() for r in range(model.rowCount())]


def table_texts(view: QTableView) -> list[list[str]]:
    model = view.model()
    return [[model.index(r, c).data() or "" for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def all_text(root: QWidget) -> str:
    """Every label and table cell under `root`: what a person could read there."""
    parts = [w.text() for w in root.findChildren(QLabel)]
    for view in root.findChildren(QTableView):
        parts += ["\t".join(row) for row in table_texts(view)]
    return "\n".join(parts)


def audit_count(store: Store, action: str, target_id: int | None = None) -> int:
    query = select(func.count(AuditEvent.id)).where(AuditEvent.action == action)
    if target_id is not None:
        query = query.where(AuditEvent.target_id == str(target_id))
    with store.read() as session:
        return session.scalar(query) or 0


def add_result(store: Store, student_id: int, campaign: str, total: float, band: str,
               level: str = "none", taken: date | None = None, school_year: int | None = None,
               critical: str = "", instrument: str = "phq9") -> int:
    """A stored result (its campaign made on first use, in the current school year unless
    one is named); scoring and import are tested elsewhere."""
    with store.write() as session:
        camp = session.scalar(select(Campaign).where(Campaign.name == campaign))
        if camp is None:
            if school_year is None:
                school_year = session.scalar(select(SchoolYear.start_year)
                                             .where(SchoolYear.is_current))
            camp = Campaign(name=campaign, instrument_code=instrument, school_year=school_year,
                            starts_on=taken)
            session.add(camp)
            session.flush()
        taken_at = datetime.combine(taken, datetime.min.time()) if taken else None
        session.add(ScreeningResult(
            campaign_id=camp.id, student_id=student_id, instrument_code=instrument,
            instrument_version="1", taken_at=taken_at, source="import",
            scores=json.dumps({"valid": True, "total": total, "bands": {"total": band},
                               "critical": [int(i) for i in critical.split(",") if i],
                               "critical_answers": {i: "几乎每天" for i in critical.split(",")
                                                    if i}}, ensure_ascii=False),
            total=total, valid=True, critical_items=critical, suggested_level=level))
        return camp.id


def current_tab_title(window: StudentFileWindow) -> str:
    return window.tabs.tabText(window.tabs.currentIndex())


def key_enter(qtbot, view: QTableView) -> None:
    qtbot.keyClick(view, Qt.Key.Key_Return)
