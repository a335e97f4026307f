"""一生一策: the plan (goals, measures, who is responsible, next review), its reviews,
and the people paired with the student.

The 双结对 check (plans.pairing_gap: a key or crisis student needs two adults paired at
once) is shown in red until it is met; 心理委员 appear as peer support, which supports
but does not count towards the pairing.
"""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout

from app.labels import PAIRING_ROLES, PLAN_CATEGORIES, PLAN_OUTCOMES, label
from app.services.casefile.plans import PAIRED_LEVELS, active_on
from app.services.casefile.rows import PairingRow
from app.ui.casefile import texts
from app.ui.casefile.file_tab import FileTab
from app.ui.casefile.history_dialog import HistoryDialog
from app.ui.casefile.loading import FileView
from app.ui.casefile.plan_dialogs import EndPairingDialog, PairingDialog, PlanDialog, ReviewDialog
from app.ui.casefile.widgets import (
    MUTED_TEXT,
    button_row,
    day,
    fill,
    group,
    rich_label,
    selected,
    table,
)
from app.ui.form_widgets import ERROR_STYLE
from app.ui.store_context import StoreContext
from app.ui.table_models import Column

REVIEW_COLUMNS = (
    Column(texts.COL_REVIEWED_ON, lambda r: day(r.reviewed_on), sort_key=lambda r: r.reviewed_on),
    Column(texts.COL_OUTCOME, lambda r: label(PLAN_OUTCOMES, r.outcome)),
    Column(texts.COL_NEXT_REVIEW, lambda r: day(r.next_review_on)),
    Column(texts.COL_NOTE, lambda r: r.note),
)
PAIRING_COLUMNS = (
    Column(texts.COL_ROLE, lambda r: label(PAIRING_ROLES, r.role)),
    Column(texts.COL_PERSON, lambda r: r.person),
    Column(texts.COL_STARTED_ON, lambda r: day(r.started_on), sort_key=lambda r: r.started_on),
    Column(texts.COL_ENDED_ON, lambda r: day(r.ended_on),
           sort_key=lambda r: r.ended_on or date.max),
    Column(texts.COL_NOTE, lambda r: r.note),
)


class PlanTab(FileTab):
    def __init__(self, ctx: StoreContext) -> None:
        super().__init__(ctx)
        self.plan_text = rich_label()
        self.plan_button = QPushButton(texts.PLAN_NEW)
        self.review_button = QPushButton(texts.PLAN_REVIEW)
        self.plan_history = QPushButton(texts.SHOW_HISTORY)
        self.plan_button.clicked.connect(lambda: self.edit_plan())
        self.review_button.clicked.connect(lambda: self.review())
        self.plan_history.clicked.connect(lambda: self.history())
        plan_box = group(texts.PLAN_BOX, self.plan_text)
        plan_box.layout().addLayout(button_row(self.plan_button, self.review_button,
                                               self.plan_history))
        self.reviews, self.review_model = table(REVIEW_COLUMNS, self)
        self.pairings, self.pairing_model = table(
            PAIRING_COLUMNS, self,
            foreground=lambda r, _c: MUTED_TEXT if r.ended_on else None)
        self.pairing_state = QLabel()
        self.pairing_state.setWordWrap(True)
        self.peers = QLabel()
        self.add_pairing_button = QPushButton(texts.PAIRING_ADD)
        self.end_pairing_button = QPushButton(texts.PAIRING_END)
        self.add_pairing_button.clicked.connect(lambda: self.add_pairing())
        self.end_pairing_button.clicked.connect(lambda: self.end_pairing())
        self.pairings.selectionModel().selectionChanged.connect(self._pairing_selected)
        pair_box = group(texts.PAIRINGS_BOX, self.pairing_state, self.peers, self.pairings)
        pair_box.layout().addLayout(button_row(self.add_pairing_button,
                                               self.end_pairing_button))
        layout = QVBoxLayout(self)
        layout.addWidget(plan_box)
        layout.addWidget(group(texts.REVIEWS_BOX, self.reviews), 1)
        layout.addWidget(pair_box, 1)

    def show_view(self, view: FileView) -> None:
        self.view_ = view
        f = view.file
        plan = f.plan
        if plan is None:
            self.plan_text.setText(texts.PLAN_NONE)
        else:
            next_review = day(plan.next_review_on, texts.NOT_SET)
            if plan.next_review_on and plan.next_review_on < view.today and not plan.closed:
                late = (view.today - plan.next_review_on).days
                next_review = (f"<span style='color:#b3261e'>{next_review}"
                               f"{texts.OV_OVERDUE.format(days=late)}</span>")
            self.plan_text.setText(texts.PLAN_TEXT.format(
                category=label(PLAN_CATEGORIES, plan.category),
                state=texts.PLAN_CLOSED if plan.closed else texts.PLAN_OPEN,
                goals=_html(plan.goals), measures=_html(plan.measures),
                responsible=escape(plan.responsible), next_review=next_review,
                revised=texts.PLAN_REVISED if plan.corrected else ""))
        self.plan_button.setText(texts.PLAN_REVISE if plan else texts.PLAN_NEW)
        self.review_button.setEnabled(plan is not None)
        self.plan_history.setEnabled(plan is not None and plan.corrected)
        fill(self.reviews, self.review_model, list(reversed(f.plan_reviews)))
        fill(self.pairings, self.pairing_model, list(f.pairings))
        self._show_pairing_state(view)
        for button in (self.plan_button, self.review_button, self.plan_history,
                       self.add_pairing_button, self.end_pairing_button):
            button.setVisible(view.can_edit)
        self._pairing_selected()

    def _show_pairing_state(self, view: FileView) -> None:
        f = view.file
        if f.pairing_gap:
            self.pairing_state.setStyleSheet(ERROR_STYLE)
            self.pairing_state.setText(f.pairing_gap)
        elif f.level_code in PAIRED_LEVELS:
            self.pairing_state.setStyleSheet("color: #2f7d6d;")
            self.pairing_state.setText(texts.PAIRING_OK)
        else:
            self.pairing_state.setText("")
        self.pairing_state.setVisible(bool(self.pairing_state.text()))
        peers = [p.person for p in f.pairings if p.role == "peer" and active_on(p, view.today)]
        self.peers.setText(texts.PEERS.format(names="、".join(peers)) if peers
                           else texts.PEERS_NONE)

    def _pairing_selected(self, *_args: object) -> None:
        row: PairingRow | None = selected(self.pairings, self.pairing_model)
        self.end_pairing_button.setEnabled(row is not None and row.ended_on is None)

    def edit_plan(self) -> PlanDialog | None:
        return self.open_dialog(
            lambda v: PlanDialog(self.ctx, v.file.profile.id, v.file.plan, v.file.level_code,
                                 v.today, self))

    def review(self) -> ReviewDialog | None:
        return self.open_dialog(
            lambda v: ReviewDialog(self.ctx, v.file.profile.id, v.today, self))

    def history(self) -> HistoryDialog | None:
        plan = self.view_.file.plan if self.view_ is not None else None
        return self.open_history("plan", plan.id if plan else None)

    def add_pairing(self) -> PairingDialog | None:
        return self.open_dialog(
            lambda v: PairingDialog(self.ctx, v.file.profile.id, v.today, self))

    def end_pairing(self) -> EndPairingDialog | None:
        row = selected(self.pairings, self.pairing_model)
        if row is None or row.ended_on is not None:
            return None
        return self.open_dialog(
            lambda v: EndPairingDialog(self.ctx, v.file.profile.id, row, v.today, self))


def _html(text: str) -> str:
    return escape(text).replace("\n", "<br>")
