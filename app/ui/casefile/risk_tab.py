"""风险因素: the student's 处境不利因素 (留守, 单亲, 丧亲 …), noted and later resolved.

Active factors feed the warning rules (warning/rules.py), so resolving one is recorded
as a new version with its date rather than deleting it: the history still shows that
the factor existed and when it ended.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.labels import RISK_FACTORS, label
from app.services.casefile.entries import add_risk_factor, resolve_risk_factor
from app.services.casefile.rows import RiskFactorRow
from app.store.handle import Store
from app.ui.casefile import texts
from app.ui.casefile.file_tab import FileTab
from app.ui.casefile.history_dialog import HistoryDialog
from app.ui.casefile.loading import FileView
from app.ui.casefile.widgets import (
    MUTED_TEXT,
    FormDialog,
    OnDayDialog,
    button_row,
    code_combo,
    date_edit,
    date_of,
    day,
    fill,
    selected,
    table,
    text_edit,
)
from app.ui.store_context import StoreContext
from app.ui.table_models import Column


def _state(row: RiskFactorRow) -> str:
    state = texts.RISK_RESOLVED if row.resolved_on else texts.RISK_ACTIVE
    return f"{state}（{texts.CORRECTED}）" if row.corrected and not row.resolved_on else state


COLUMNS = (
    Column(texts.COL_FACTOR, lambda r: label(RISK_FACTORS, r.code),
           sort_key=lambda r: list(RISK_FACTORS).index(r.code) if r.code in RISK_FACTORS
           else len(RISK_FACTORS)),
    Column(texts.COL_NOTED_ON, lambda r: day(r.noted_on), sort_key=lambda r: r.noted_on),
    Column(texts.COL_RESOLVED_ON, lambda r: day(r.resolved_on),
           sort_key=lambda r: r.resolved_on or date.max),
    Column(texts.COL_STATE, _state),
    Column(texts.COL_SOURCE, lambda r: r.source),
    Column(texts.COL_NOTE, lambda r: r.note),
)


class AddRiskDialog(FormDialog):
    def __init__(self, ctx: StoreContext, student_id: int, today: date,
                 parent: QWidget | None) -> None:
        super().__init__(ctx, student_id, texts.RISK_ADD_TITLE, parent)
        self.code = code_combo(RISK_FACTORS)
        self.noted_on = date_edit(today, latest=today)
        self.source = QLineEdit()
        self.note = text_edit(rows=3)
        self.form.addRow(texts.F_FACTOR, self.code)
        self.form.addRow(texts.F_NOTED_ON, self.noted_on)
        self.form.addRow(texts.F_SOURCE, self.source)
        self.form.addRow(texts.F_NOTE, self.note)

    def build(self) -> Callable[[Store], Any]:
        sid, code, on = self.student_id, self.code.currentData(), date_of(self.noted_on)
        source, note = self.source.text().strip(), self.note.toPlainText().strip()
        return lambda store: add_risk_factor(store, sid, code, on, source, note)


class ResolveRiskDialog(OnDayDialog):
    def __init__(self, ctx: StoreContext, row: RiskFactorRow, student_id: int, today: date,
                 parent: QWidget | None) -> None:
        super().__init__(ctx, student_id, texts.RISK_RESOLVE_TITLE,
                         f"{label(RISK_FACTORS, row.code)}（{day(row.noted_on)} 起）",
                         texts.F_RESOLVED_ON, row.id, today, resolve_risk_factor, parent,
                         width=400)
        self.row = row


class RiskTab(FileTab):
    def __init__(self, ctx: StoreContext) -> None:
        super().__init__(ctx)
        self.table, self.model = table(
            COLUMNS, self, foreground=lambda r, _c: MUTED_TEXT if r.resolved_on else None)
        self.add_button = QPushButton(texts.RISK_ADD)
        self.resolve_button = QPushButton(texts.RISK_RESOLVE)
        self.history_button = QPushButton(texts.SHOW_HISTORY)
        self.add_button.clicked.connect(lambda: self.add())
        self.resolve_button.clicked.connect(lambda: self.resolve())
        self.history_button.clicked.connect(lambda: self.history())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        layout = QVBoxLayout(self)
        layout.addLayout(button_row(self.add_button, self.resolve_button,
                                    self.history_button))
        layout.addWidget(self.table, 1)
        self._selection_changed()

    def show_view(self, view: FileView) -> None:
        self.view_ = view
        fill(self.table, self.model, sorted(view.file.risk_factors,
                                            key=lambda r: (r.resolved_on is not None,
                                                           r.noted_on)))
        for button in (self.add_button, self.resolve_button, self.history_button):
            button.setVisible(view.can_edit)
        self._selection_changed()

    def _selection_changed(self, *_args: object) -> None:
        row = selected(self.table, self.model)
        self.resolve_button.setEnabled(row is not None and row.resolved_on is None)
        self.history_button.setEnabled(row is not None and row.corrected)

    def add(self) -> AddRiskDialog | None:
        return self.open_dialog(
            lambda v: AddRiskDialog(self.ctx, v.file.profile.id, v.today, self))

    def resolve(self) -> ResolveRiskDialog | None:
        row = selected(self.table, self.model)
        if row is None or row.resolved_on is not None:
            return None
        return self.open_dialog(
            lambda v: ResolveRiskDialog(self.ctx, row, v.file.profile.id, v.today, self))

    def history(self) -> HistoryDialog | None:
        row = selected(self.table, self.model)
        return self.open_history("risk_factor", row.id if row else None)
