"""新建 and 编辑测评批次: name, instrument, term, dates and the classes that take part.

The class list comes from `list_classes` on a worker; classes outside the instrument's
grade range stay selectable (a school may screen a younger class on purpose) but are
not ticked by the grade shortcut's default. The campaign is created or saved on a
worker and what changed is broadcast, so the campaign list reloads itself.

Editing opens the same form prefilled from a `CampaignSetup`: the instrument is fixed
(stored results were scored with it), a date may be left unset as a campaign made on
the command line has none, and a class holding results stays ticked and cannot be
unticked, saying why — the service refuses it too, should results arrive meanwhile.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import QingxinError
from app.instruments import Instrument, list_instruments
from app.services.classes import ClassRow, list_classes
from app.services.roster.file import grade_display_name
from app.services.screening.campaigns import (
    CampaignChanged,
    CampaignRow,
    CampaignSetup,
    create_campaign,
    update_campaign,
)
from app.terms import TERM_WORDS, current_term, school_year_text, term_text
from app.ui import messages
from app.ui.form_errors import FieldErrors
from app.ui.form_widgets import error_label, hint_label
from app.ui.screening import strings as s
from app.ui.store_context import StoreContext

DEFAULT_DAYS = 14
NO_DATE = QDate(2000, 1, 1)
"""The earliest date an edited campaign's date field offers; shown as 「（未填）」."""


def _today() -> QDate:
    today = date.today()
    return QDate(today.year, today.month, today.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


class CampaignDialog(QDialog):
    """A new campaign, or with `setup` the same form to correct an existing one."""

    def __init__(self, ctx: StoreContext, parent: QWidget | None = None,
                 setup: CampaignSetup | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setup = setup
        self.created: CampaignRow | None = None
        self.saved: CampaignChanged | None = None
        self.locked: dict[int, int] = dict(setup.results_by_class) if setup else {}
        """Class id → results: classes that must stay in the campaign."""
        self.setWindowTitle(s.EDIT_TITLE.format(name=setup.campaign.name) if setup
                            else s.NEW_TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(560, 620)
        self.instruments: list[Instrument] = list_instruments()
        self.classes: list[ClassRow] = []
        self.name = QLineEdit()
        self.instrument = QComboBox()
        for instrument in self.instruments:
            self.instrument.addItem(instrument.label, instrument.code)
        self.instrument_hint = hint_label()
        self.year = QComboBox()
        self.term = QComboBox()
        for term in TERM_WORDS:
            self.term.addItem(term_text(0, term), term)
        self.starts = QDateEdit(_today())
        self.ends = QDateEdit(_today().addDays(DEFAULT_DAYS))
        for edit in (self.starts, self.ends):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.class_list = QListWidget()
        self.grade_reason = QLineEdit()
        self.grade_reason.setPlaceholderText(s.NEW_GRADE_REASON_HINT)
        self.grade = QComboBox()
        self.all_button = QPushButton(s.NEW_ALL)
        self.none_button = QPushButton(s.NEW_NONE)
        for button in (self.all_button, self.none_button):
            button.setAutoDefault(False)
        self.grade.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.selected = hint_label()
        self.error = error_label()
        self.buttons = QDialogButtonBox()
        self.create_button = QPushButton(s.EDIT_SAVE if setup else s.NEW_CREATE)
        self.create_button.setDefault(True)
        self.buttons.addButton(self.create_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)

        year, term = current_term(date.today())
        self._fill_years(year)
        self.term.setCurrentIndex(max(0, self.term.findData(term)))
        picks = QHBoxLayout()
        picks.addWidget(self.all_button)
        picks.addWidget(self.none_button)
        picks.addStretch(1)
        picks.addWidget(hint_label(s.NEW_GRADE))
        picks.addWidget(self.grade)
        form = QFormLayout()
        form.addRow(s.NEW_INSTRUMENT, self.instrument)
        form.addRow("", self.instrument_hint)
        form.addRow(s.NEW_NAME, self.name)
        form.addRow(s.NEW_YEAR, self.year)
        form.addRow(s.NEW_TERM, self.term)
        form.addRow(s.NEW_STARTS, self.starts)
        form.addRow(s.NEW_ENDS, self.ends)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint_label(s.NEW_CLASSES))
        if setup is not None:
            layout.addWidget(hint_label(s.EDIT_CLASSES_HINT))
        layout.addLayout(picks)
        layout.addWidget(self.class_list, 1)
        layout.addWidget(self.selected)
        reason = QFormLayout()
        reason.addRow(s.NEW_GRADE_REASON, self.grade_reason)
        layout.addLayout(reason)
        layout.addWidget(self.error)
        self.field_errors = FieldErrors(self.error, form, reason)
        layout.addWidget(self.buttons)

        self.instrument.currentIndexChanged.connect(self._instrument_changed)
        self.term.currentIndexChanged.connect(self._suggest_name)
        self.year.currentIndexChanged.connect(self._suggest_name)
        self.all_button.clicked.connect(lambda: self._check_all(True))
        self.none_button.clicked.connect(lambda: self._check_all(False))
        self.grade.activated.connect(self._check_grade)
        self.class_list.itemChanged.connect(self._show_selected)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self._suggested = ""
        if setup is not None:
            self._prefill(setup)
        self._instrument_changed()
        ctx.query(self, list_classes, self._classes_loaded)

    def _prefill(self, setup: CampaignSetup) -> None:
        campaign = setup.campaign
        self.instrument.setCurrentIndex(max(0, self.instrument.findData(campaign.instrument_code)))
        self.instrument.setEnabled(False)
        self.name.setText(campaign.name)
        self.term.setCurrentIndex(max(0, self.term.findData(campaign.term)))
        if campaign.school_year:
            self._fill_years(campaign.school_year)
        for edit, value in ((self.starts, campaign.starts_on), (self.ends, campaign.ends_on)):
            edit.setMinimumDate(NO_DATE)
            edit.setSpecialValueText(s.EDIT_NO_DATE)
            edit.setDate(_qdate(value) if value is not None else NO_DATE)

    def _fill_years(self, chosen: int) -> None:
        """The chosen school year with the one before and after (a campaign entered
        late, or planned ahead)."""
        self.year.clear()
        for year in (chosen - 1, chosen, chosen + 1):
            self.year.addItem(school_year_text(year), year)
        self.year.setCurrentIndex(1)

    @property
    def _year(self) -> int:
        return int(self.year.currentData())

    @property
    def current_instrument(self) -> Instrument:
        return self.instruments[max(0, self.instrument.currentIndex())]

    def _instrument_changed(self) -> None:
        instrument = self.current_instrument
        hint = s.NEW_INSTRUMENT_HINT.format(
            label=instrument.label, items=instrument.item_count, low=instrument.grade_min,
            high=instrument.grade_max,
            texts=s.NEW_HAS_TEXTS if instrument.has_item_texts else s.NEW_NO_TEXTS)
        self.instrument_hint.setText(hint if self.setup is None
                                     else f"{hint}\n{s.EDIT_INSTRUMENT_FIXED}")
        self._suggest_name()

    def _suggest_name(self) -> None:
        """Fill in a name until the teacher types their own (never over a saved name)."""
        if self.setup is not None or self.name.text() not in ("", self._suggested):
            return
        term = self.term.currentData() or 1
        year = self._year + (1 if term == 2 else 0)
        instrument = self.current_instrument
        self._suggested = s.NEW_DEFAULT_NAME.format(
            year=year, season=s.SEASONS.get(term, ""),
            short=instrument.short_name or instrument.name)
        self.name.setText(self._suggested)

    def _classes_loaded(self, classes: list[ClassRow]) -> None:
        if self.setup is not None:
            # A campaign's class may since have graduated: it is still one of its classes.
            known = {row.id for row in classes}
            classes = sorted([*classes, *(c for c in self.setup.classes if c.id not in known)],
                             key=lambda c: (c.grade, c.number))
        self.classes = classes
        self.class_list.blockSignals(True)
        self.class_list.clear()
        for row in classes:
            item = QListWidgetItem(f"{row.name}（{row.students} 人）")
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            if row.id in self.locked:
                item.setText(s.EDIT_CLASS_LOCKED.format(name=row.name, students=row.students,
                                                        results=self.locked[row.id]))
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip(s.EDIT_CLASSES_HINT)
            self.class_list.addItem(item)
        self.class_list.blockSignals(False)
        if self.setup is not None:
            self.check_classes({c.id for c in self.setup.classes})
        self.grade.clear()
        self.grade.addItem(s.NEW_GRADE_PICK, None)
        for grade in sorted({row.grade for row in classes}):
            self.grade.addItem(grade_display_name(grade), grade)
        self._show_selected()

    def _check(self, i: int, checked: bool) -> None:
        """Tick or untick a class; a class holding results stays ticked."""
        checked = checked or self.classes[i].id in self.locked
        self.class_list.item(i).setCheckState(
            Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def _check_all(self, checked: bool) -> None:
        self.class_list.blockSignals(True)
        for i in range(self.class_list.count()):
            self._check(i, checked)
        self.class_list.blockSignals(False)
        self._show_selected()

    def _check_grade(self) -> None:
        grade = self.grade.currentData()
        if grade is None:
            return
        self.class_list.blockSignals(True)
        for i, row in enumerate(self.classes):
            if row.grade == grade:
                self._check(i, True)
        self.class_list.blockSignals(False)
        self.grade.setCurrentIndex(0)
        self._show_selected()

    def check_classes(self, class_ids: set[int]) -> None:
        for i, row in enumerate(self.classes):
            self._check(i, row.id in class_ids)

    def selected_class_ids(self) -> list[int]:
        return [row.id for i, row in enumerate(self.classes)
                if self.class_list.item(i).checkState() == Qt.CheckState.Checked]

    def _show_selected(self) -> None:
        chosen = set(self.selected_class_ids())
        students = sum(row.students for row in self.classes if row.id in chosen)
        self.selected.setText(s.NEW_SELECTED.format(classes=len(chosen), students=students))

    def _date(self, edit: QDateEdit) -> date | None:
        return None if self.setup is not None and edit.date() == NO_DATE \
            else _pydate(edit.date())

    def submit(self) -> None:
        class_ids = self.selected_class_ids()
        starts, ends = self._date(self.starts), self._date(self.ends)
        if not class_ids:
            self.field_errors.show(s.NEW_NEED_CLASS, self.class_list)
            return
        if starts is not None and ends is not None and ends < starts:
            self.field_errors.show(s.NEW_DATES_ORDER, self.ends)
            return
        self.field_errors.clear()
        name, code, term = self.name.text(), self.current_instrument.code, self.term.currentData()
        year = self._year
        reason, policy = self.grade_reason.text().strip(), self.ctx.deployment.outside_grades
        self.create_button.setEnabled(False)
        if self.setup is not None:
            campaign_id = self.setup.campaign.id
            self.ctx.mutate(self, lambda store, _p: update_campaign(
                store, campaign_id, name=name, class_ids=class_ids, term=term,
                starts_on=starts, ends_on=ends, school_year=year,
                grade_reason=reason or None, grades_policy=policy), self._saved,
                label=s.EDIT_SAVING,
                on_failure=self._failed)
            return
        self.ctx.mutate(self, lambda store, _p: create_campaign(
            store, name, code, class_ids, term=term, starts_on=starts, ends_on=ends,
            school_year=year, grade_reason=reason, grades_policy=policy),
            self._created,
            label=s.NEW_CREATING, on_failure=self._failed)

    def _saved(self, changed: CampaignChanged) -> None:
        self.saved = changed
        text = s.EDIT_DONE.format(name=changed.campaign.name)
        if changed.students_added or changed.students_removed:
            text += s.EDIT_DONE_STUDENTS.format(added=changed.students_added,
                                                removed=changed.students_removed)
        messages.notify(self.parentWidget(), text)
        self.accept()

    def _created(self, row: CampaignRow) -> None:
        self.created = row
        messages.notify(self.parentWidget(), s.NEW_DONE.format(name=row.name, due=row.due))
        self.accept()

    def _failed(self, exc: QingxinError) -> None:
        """The service's refusal names its field (批次名称, the reason for classes
        outside the instrument's grades): focus goes there, and the line goes when
        it is edited."""
        self.create_button.setEnabled(True)
        self.field_errors.show(exc.message)
