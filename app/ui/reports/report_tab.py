"""测评报告: a campaign's reports — the kinds services.reports.kinds.for_campaigns()
lists (团体报告, 个人报告), for the school, a grade or a class, as one PDF.

Only campaigns with results are offered. The grades and classes come from the
campaign's participants as they are now (the reports count students by their current
class), loaded on a worker as the campaign changes. Rendering runs through
`StoreContext.mutate` with a cancellable progress dialog; the services write the file
and its audit entries together, so a cancelled or failed print leaves neither.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.reports.data import SECRET
from app.services.classes import list_classes
from app.services.reports.kinds import CampaignPrint, ReportKind, for_campaigns
from app.services.reports.output import PrintedReport
from app.services.roster.normalize import grade_display_name
from app.services.screening.campaigns import CampaignRow, class_completion, list_campaigns
from app.store.handle import Store
from app.ui.file_dialogs import REPORTS, ask_save_path, safe_file_name
from app.ui.form_widgets import hint_label
from app.ui.reports import texts
from app.ui.reports.saving import day_text, open_folder, show_saved
from app.ui.screening.models import instrument_name
from app.ui.store_context import StoreContext
from app.ui.workers import Op

COMBO_WIDTH = 320


@dataclass(frozen=True)
class ClassChoice:
    class_id: int
    name: str
    grade: int | None
    done: int


@dataclass(frozen=True)
class ScopeChoices:
    """The grades and classes a campaign's report can be limited to."""

    campaign_id: int
    classes: tuple[ClassChoice, ...]

    def grades(self) -> list[tuple[int, int, int]]:
        """(grade, classes, results) for each grade, youngest first."""
        found: dict[int, tuple[int, int]] = {}
        for c in self.classes:
            if c.grade is not None:
                n, done = found.get(c.grade, (0, 0))
                found[c.grade] = (n + 1, done + c.done)
        return [(g, n, done) for g, (n, done) in sorted(found.items())]


def load_campaigns(store: Store) -> list[CampaignRow]:
    return [c for c in list_campaigns(store) if c.done > 0]


def load_scope_choices(store: Store, campaign_id: int) -> ScopeChoices:
    """A campaign's classes by its participants' current class; graduated classes keep
    their name but no grade (a grade report counts current classes only)."""
    grades = {c.id: c.grade for c in list_classes(store)}
    return ScopeChoices(campaign_id, tuple(
        ClassChoice(c.class_id, c.class_name, grades.get(c.class_id), c.done)
        for c in class_completion(store, campaign_id)))


@dataclass(frozen=True)
class ReportRequest:
    kind: ReportKind
    campaign_id: int
    campaign_name: str
    scope: str  # as the services take it: "school", "grade:7", "class:<id>"
    scope_label: str
    min_cell: int | None = None  # a copy for outside the school (kind.hides_small_cells)

    def suggested_name(self) -> str:
        return safe_file_name(texts.REPORT_NAME.format(
            campaign=self.campaign_name, kind=self.kind.label, scope=self.scope_label,
            day=day_text()))


class ReportTab(QWidget):
    def __init__(self, ctx: StoreContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.campaign = QComboBox()
        self.campaign.setMinimumWidth(COMBO_WIDTH)
        self.status = hint_label()
        self._kinds = {kind.code: kind for kind in for_campaigns()}
        self.kind_radios = {code: QRadioButton(kind.label) for code, kind in self._kinds.items()}
        self.kinds = QButtonGroup(self)
        for button in self.kind_radios.values():
            self.kinds.addButton(button)
        next(iter(self.kind_radios.values())).setChecked(True)
        self.school_radio = QRadioButton(texts.SCOPE_SCHOOL)
        self.grade_radio = QRadioButton(texts.SCOPE_GRADE)
        self.class_radio = QRadioButton(texts.SCOPE_CLASS)
        self.school_radio.setChecked(True)
        self.scopes = QButtonGroup(self)
        for button in (self.school_radio, self.grade_radio, self.class_radio):
            self.scopes.addButton(button)
        self.grade = QComboBox()
        self.klass = QComboBox()
        for combo in (self.campaign, self.grade, self.klass):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.outside = QCheckBox(texts.GROUP_OUTSIDE)
        self.outside.toggled.connect(lambda _on: self._update())
        self.hint = hint_label()
        self.generate_button = QPushButton(texts.GENERATE)
        self.last = QLabel()
        self.last.setWordWrap(True)
        self.last.setTextFormat(Qt.TextFormat.RichText)
        self.last.linkActivated.connect(lambda _link: self._open_last_folder())
        self._last_path: Path | None = None
        self._campaigns: dict[int, CampaignRow] = {}
        self._choices: ScopeChoices | None = None

        kinds = QHBoxLayout()
        for button in self.kind_radios.values():
            kinds.addWidget(button)
        kinds.addStretch(1)
        scopes = QHBoxLayout()
        scopes.addWidget(self.school_radio)
        scopes.addSpacing(12)
        scopes.addWidget(self.grade_radio)
        scopes.addWidget(self.grade)
        scopes.addSpacing(12)
        scopes.addWidget(self.class_radio)
        scopes.addWidget(self.klass)
        scopes.addStretch(1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(texts.CAMPAIGN, self.campaign)
        form.addRow(self.status)
        form.addRow(texts.KIND, kinds)
        form.addRow(texts.SCOPE, scopes)
        form.addRow("", self.outside)
        actions = QHBoxLayout()
        actions.addWidget(self.generate_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addLayout(actions)
        layout.addWidget(self.last)
        layout.addStretch(1)

        self.campaign.currentIndexChanged.connect(self._campaign_changed)
        self.kinds.buttonToggled.connect(lambda _b, _on: self._update())
        self.scopes.buttonToggled.connect(lambda _b, _on: self._update())
        self.grade.activated.connect(lambda _i: self.grade_radio.setChecked(True))
        self.klass.activated.connect(lambda _i: self.class_radio.setChecked(True))
        self.generate_button.clicked.connect(self.generate)
        self._update()

    # loading ---------------------------------------------------------------------

    def reload(self) -> None:
        self.status.setText(texts.CAMPAIGNS_LOADING)
        self.status.setVisible(True)
        self.ctx.query(self, load_campaigns, self._campaigns_loaded, label=None)

    def clear(self) -> None:
        self._choices = None
        self._campaigns = {}
        self._last_path = None
        for combo in (self.campaign, self.grade, self.klass):
            combo.blockSignals(True)
            combo.clear()
            combo.blockSignals(False)
        self.status.clear()
        self.last.clear()
        self._update()

    def _campaigns_loaded(self, rows: list[CampaignRow]) -> None:
        keep = self.campaign.currentData()
        self._campaigns = {row.id: row for row in rows}
        self.campaign.blockSignals(True)
        self.campaign.clear()
        for row in rows:
            self.campaign.addItem(texts.CAMPAIGN_ITEM.format(
                name=row.name, instrument=instrument_name(row.instrument_code), done=row.done),
                row.id)
        self.campaign.blockSignals(False)
        self.status.setText("" if rows else texts.CAMPAIGNS_NONE)
        self.status.setVisible(not rows)
        index = self.campaign.findData(keep) if keep is not None else -1
        self.campaign.setCurrentIndex(max(index, 0) if rows else -1)
        self._campaign_changed()

    def select_campaign(self, campaign_id: int) -> None:
        self.campaign.setCurrentIndex(self.campaign.findData(campaign_id))

    def _campaign_changed(self) -> None:
        """Load the campaign's grades and classes. On a reload of the same campaign the
        combos keep their choice while the new counts load."""
        campaign_id = self.campaign.currentData()
        if self._choices is not None and self._choices.campaign_id != campaign_id:
            self._choices = None
            self._fill_scopes()  # another campaign's classes must not stay on offer
        if campaign_id is not None:
            self.ctx.query(self, lambda store: load_scope_choices(store, campaign_id),
                           self._scopes_loaded, label=None)

    def _scopes_loaded(self, choices: ScopeChoices) -> None:
        if choices.campaign_id != self.campaign.currentData():
            return  # the teacher moved on while this was loading
        self._choices = choices
        self._fill_scopes()

    def _fill_scopes(self) -> None:
        choices = self._choices
        keep_grade, keep_class = self.grade.currentData(), self.klass.currentData()
        for combo in (self.grade, self.klass):
            combo.blockSignals(True)
            combo.clear()
        if choices is not None:
            for grade, classes, done in choices.grades():
                self.grade.addItem(texts.GRADE_ITEM.format(
                    name=grade_display_name(grade), classes=classes, done=done), grade)
            for c in choices.classes:
                self.klass.addItem(texts.CLASS_ITEM.format(name=c.name, done=c.done),
                                   c.class_id)
        for combo, keep in ((self.grade, keep_grade), (self.klass, keep_class)):
            index = combo.findData(keep) if keep is not None else -1
            combo.setCurrentIndex(max(index, 0) if combo.count() else -1)
            combo.blockSignals(False)
        self._update()

    def chosen_kind(self) -> ReportKind:
        return next(self._kinds[code] for code, button in self.kind_radios.items()
                    if button.isChecked())

    def _update(self) -> None:
        kind = self.chosen_kind()
        n = self.ctx.deployment.policy.min_cell
        self.outside.setVisible(kind.hides_small_cells)
        hint = texts.HINTS[kind.code]
        if kind.hides_small_cells:
            hint += texts.GROUP_HINT_OUTSIDE.format(n=n, cut=n - 1) \
                if self.outside.isChecked() else texts.GROUP_HINT_OWN
        self.hint.setText(hint)
        # A report naming students (机密) is handed out with care: its hint says so in amber.
        self.hint.setStyleSheet("color: #8a4b00;" if kind.level == SECRET else "")
        has_campaign = self.campaign.currentData() is not None
        for widget in (*self.kind_radios.values(), self.school_radio):
            widget.setEnabled(has_campaign)
        # A grade or a class, where the kind covers one (its scopes) and the campaign has any.
        grades = "grade" in kind.scopes and self.grade.count() > 0
        classes = "class" in kind.scopes and self.klass.count() > 0
        for widget in (self.grade_radio, self.grade):
            widget.setEnabled(grades)
        for widget in (self.class_radio, self.klass):
            widget.setEnabled(classes)
        if (self.grade_radio.isChecked() and not grades) or \
                (self.class_radio.isChecked() and not classes):
            self.school_radio.setChecked(True)
        self.generate_button.setEnabled(has_campaign)

    # printing --------------------------------------------------------------------

    def request(self) -> ReportRequest | None:
        campaign_id = self.campaign.currentData()
        if campaign_id is None:
            return None
        kind = self.chosen_kind()
        name = self._campaigns[campaign_id].name
        if self.grade_radio.isChecked():
            grade = self.grade.currentData()
            scope, label = f"grade:{grade}", texts.GRADE_LABEL.format(
                name=grade_display_name(grade))
        elif self.class_radio.isChecked():
            chosen = next(c for c in self._choices.classes  # type: ignore[union-attr]
                          if c.class_id == self.klass.currentData())
            scope, label = f"class:{chosen.class_id}", chosen.name
        else:
            scope, label = "school", texts.SCOPE_SCHOOL
        outside = kind.hides_small_cells and self.outside.isChecked()
        return ReportRequest(kind, campaign_id, name, scope, label,
                             self.ctx.deployment.policy.min_cell if outside else None)

    def generate(self) -> Op | None:
        request = self.request()
        if request is None:
            return None
        path = ask_save_path(self, REPORTS, texts.SAVE_REPORT.format(kind=request.kind.label),
                             request.suggested_name(), texts.PDF_FILTER, ".pdf")
        if path is None:
            return None
        return self.print_to(request, path)

    def print_to(self, request: ReportRequest, path: Path) -> Op | None:
        asked = CampaignPrint(request.campaign_id, request.scope, path, request.min_cell)
        return self.ctx.mutate(
            self, lambda store, progress: request.kind.print_campaign(store, asked, progress),
            lambda done: self._printed(request, done),
            label=texts.PRINTING.format(kind=request.kind.label), cancellable=True)

    def _printed(self, request: ReportRequest, done: PrintedReport) -> None:
        text = texts.DONE[request.kind.code].format(scope=request.scope_label,
                                                    n=done.students, path=done.path)
        self._last_path = done.path
        self.last.setText(html.escape(texts.LAST_REPORT.format(path=done.path)) + "　"
                          + texts.OPEN_FOLDER_LINK)
        show_saved(self, texts.REPORT_DONE_TITLE, text, done.path)

    def _open_last_folder(self) -> None:
        if self._last_path is not None:
            open_folder(self._last_path)
