"""The teacher's side of 本机作答: choose the class and the student, then hand over the
PC. By default only students who are due and have no result yet are listed, so the
next student is one click away; the list refreshes when a kiosk sheet is saved.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.changes import Changes
from app.errors import BadInputError
from app.services.screening.campaigns import CampaignRow
from app.services.screening.consent import refusal, takes
from app.services.screening.entry import (
    ParticipantRow,
)
from app.ui import messages
from app.ui.form_widgets import data_table, fit_columns, hint_label
from app.ui.screening import strings as s
from app.ui.screening.class_picker import ClassPicker
from app.ui.screening.kiosk import KioskDialog
from app.ui.screening.models import (
    PARTICIPANT_COLUMNS,
    RowFilterProxy,
    TintedTableModel,
    participant_tint,
)
from app.ui.store_context import StoreContext


def waiting(row: ParticipantRow, consent_policy: str = "none") -> bool:
    """Still to answer, and taken by the deployment's consent policy (a student marked
    不同意 under "opt-out" is not offered)."""
    return row.status == "due" and not row.has_result and takes(consent_policy, row.consent)


class KioskLaunchDialog(QDialog):
    def __init__(self, ctx: StoreContext, campaign: CampaignRow, class_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.campaign = campaign
        self.kiosk: KioskDialog | None = None
        self.setWindowTitle(s.KIOSK_PICK_TITLE.format(name=campaign.name))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(820, 560)
        self.class_picker = ClassPicker(ctx, campaign.id, class_id)
        self.show_done = QCheckBox(s.KIOSK_SHOW_DONE)
        self.model = TintedTableModel(PARTICIPANT_COLUMNS, tint=participant_tint)
        self.proxy = RowFilterProxy(self.model)
        for owned in (self.model, self.proxy):
            owned.setParent(self)
        policy = ctx.deployment.consent
        self.waiting = lambda row: waiting(row, policy)
        self.proxy.set_predicate(self.waiting)
        self.view = data_table()
        self.view.setModel(self.proxy)
        self.view.setSelectionMode(self.view.SelectionMode.SingleSelection)
        self.start_button = QPushButton(s.KIOSK_START)
        self.start_button.setDefault(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.ActionRole)
        top = QHBoxLayout()
        top.addWidget(QLabel(s.PART_CLASS))
        top.addWidget(self.class_picker)
        top.addWidget(self.show_done)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(s.KIOSK_PICK_HINT))
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.class_picker.students_loaded.connect(self._loaded)
        self.show_done.toggled.connect(
            lambda on: self.proxy.set_predicate(None if on else self.waiting))
        self.view.doubleClicked.connect(lambda _index: self.start())
        self.start_button.clicked.connect(self.start)
        buttons.rejected.connect(self.reject)
        ctx.changed.connect(self._on_changed)
        self.class_picker.reload()

    def _loaded(self, rows: list[ParticipantRow]) -> None:
        self.model.set_rows(rows)
        fit_columns(self.view)
        if self.proxy.rowCount():
            self.view.selectRow(0)

    def selected(self) -> ParticipantRow | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(self.proxy.mapToSource(rows[0]).row())

    def start(self) -> KioskDialog | None:
        student = self.selected()
        if student is None:
            return None
        if not takes(self.ctx.deployment.consent, student.consent):
            messages.show_error(self, BadInputError(f"该学生{refusal(student.consent)}。"))
            return None
        self.kiosk = KioskDialog(self.ctx, self.campaign, student, self)
        self.kiosk.showFullScreen()
        return self.kiosk

    def _on_changed(self, change: Changes) -> None:
        if change.campaign(self.campaign.id):
            self.class_picker.load_students()
