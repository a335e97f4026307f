"""The forms of the 一生一策 tab: the plan, its review, and 师生结对.

Each form calls one service of app/services/casefile/plans.py; the rules (a review date after
the review, a plan before its review, a reason for a revision) are the service's, and
its Chinese refusal appears in the form.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import QLineEdit, QWidget

from app.labels import PAIRING_ROLES, PLAN_CATEGORIES, PLAN_OUTCOMES, label
from app.services.casefile.plans import add_pairing, end_pairing, review_plan, save_plan
from app.services.casefile.rows import PairingRow, PlanRow
from app.store.handle import Store
from app.ui.casefile import texts
from app.ui.casefile.widgets import (
    FormDialog,
    OnDayDialog,
    code_combo,
    date_edit,
    date_of,
    day,
    text_edit,
)
from app.ui.store_context import StoreContext

REVIEW_AFTER_DAYS = 30


class PlanDialog(FormDialog):
    """Make the plan, or revise it (a new version; the old one stays in the history)."""

    def __init__(self, ctx: StoreContext, student_id: int, plan: PlanRow | None,
                 level: str, today: date, parent: QWidget | None) -> None:
        title = texts.PLAN_TITLE_REVISE if plan else texts.PLAN_TITLE_NEW
        super().__init__(ctx, student_id, title, parent, width=600)
        default_category = level if level in PLAN_CATEGORIES else "general"
        self.category = code_combo(PLAN_CATEGORIES, plan.category if plan else default_category)
        self.goals = text_edit(rows=3)
        self.measures = text_edit(rows=4)
        self.responsible = QLineEdit(plan.responsible if plan else "")
        next_review = plan.next_review_on if plan and plan.next_review_on else None
        self.next_review = date_edit(next_review or today + timedelta(days=REVIEW_AFTER_DAYS))
        self.reason = QLineEdit()
        if plan is not None:
            self.goals.setPlainText(plan.goals)
            self.measures.setPlainText(plan.measures)
        self.form.addRow(texts.F_CATEGORY, self.category)
        self.form.addRow(texts.F_GOALS, self.goals)
        self.form.addRow(texts.F_MEASURES, self.measures)
        self.form.addRow(texts.F_RESPONSIBLE, self.responsible)
        self.form.addRow(texts.F_NEXT_REVIEW, self.next_review)
        if plan is not None:
            self.form.addRow(texts.F_REVISE_REASON, self.reason)

    def build(self) -> Callable[[Store], Any]:
        sid = self.student_id
        category, goals = self.category.currentData(), self.goals.toPlainText()
        measures, responsible = self.measures.toPlainText(), self.responsible.text()
        next_review, reason = date_of(self.next_review), self.reason.text()
        return lambda store: save_plan(store, sid, category, goals, measures, responsible,
                                       next_review, reason)


class ReviewDialog(FormDialog):
    def __init__(self, ctx: StoreContext, student_id: int, today: date,
                 parent: QWidget | None) -> None:
        super().__init__(ctx, student_id, texts.REVIEW_TITLE, parent)
        self.reviewed_on = date_edit(today, latest=today)
        self.outcome = code_combo(PLAN_OUTCOMES)
        self.note = text_edit(rows=3)
        self.next_review = date_edit(today + timedelta(days=REVIEW_AFTER_DAYS))
        self.outcome.currentIndexChanged.connect(
            lambda: self.next_review.setEnabled(self.outcome.currentData() != "close"))
        self.form.addRow(texts.F_REVIEWED_ON, self.reviewed_on)
        self.form.addRow(texts.F_OUTCOME, self.outcome)
        self.form.addRow(texts.F_NOTE, self.note)
        self.form.addRow(texts.F_NEXT_REVIEW, self.next_review)

    def build(self) -> Callable[[Store], Any]:
        sid, on, outcome = self.student_id, date_of(self.reviewed_on), self.outcome.currentData()
        note = self.note.toPlainText().strip()
        nxt = None if outcome == "close" else date_of(self.next_review)
        return lambda store: review_plan(store, sid, on, outcome, note, nxt)


class PairingDialog(FormDialog):
    def __init__(self, ctx: StoreContext, student_id: int, today: date,
                 parent: QWidget | None) -> None:
        super().__init__(ctx, student_id, texts.PAIRING_ADD_TITLE, parent,
                         width=420)
        self.role = code_combo(PAIRING_ROLES)
        self.person = QLineEdit()
        self.started_on = date_edit(today, latest=today)
        self.note = QLineEdit()
        self.form.addRow(texts.F_ROLE, self.role)
        self.form.addRow(texts.F_PERSON, self.person)
        self.form.addRow(texts.F_STARTED_ON, self.started_on)
        self.form.addRow(texts.F_NOTE, self.note)

    def build(self) -> Callable[[Store], Any]:
        sid, role, person = self.student_id, self.role.currentData(), self.person.text()
        on, note = date_of(self.started_on), self.note.text().strip()
        return lambda store: add_pairing(store, sid, role, person, on, note)


class EndPairingDialog(OnDayDialog):
    def __init__(self, ctx: StoreContext, student_id: int, pairing: PairingRow, today: date,
                 parent: QWidget | None) -> None:
        super().__init__(ctx, student_id, texts.PAIRING_END_TITLE,
                         f"{label(PAIRING_ROLES, pairing.role)} {pairing.person}"
                         f"（{day(pairing.started_on)} 起）",
                         texts.F_ENDED_ON, pairing.id, today, end_pairing, parent, width=420)
        self.pairing = pairing
