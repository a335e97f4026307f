"""筛查测评: the campaigns (测评批次) with their completion, and the way into every
screening task — new campaign, edit or delete one, import, answer-sheet entry,
self-administration, results and the participation list.

「删除批次」 is offered only for a campaign without results (a stored result is a record
of what happened); its disabled button says why, and deleting asks first.

Each task opens in its own dialog so the idle lock can close it with everything it
shows. The page reloads its lists when a broadcast says that campaigns, results or
participation changed; the per-class completion of the selected campaign loads on
a worker as the selection moves.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.changes import Changes
from app.services.screening.campaigns import (
    CampaignRow,
    CampaignSetup,
    ClassCompletion,
    campaign_setup,
    class_completion,
    delete_campaign,
    list_campaigns,
)
from app.ui import messages, strings
from app.ui.form_widgets import data_table, fit_columns, hint_label
from app.ui.opening import opened
from app.ui.screening import strings as s
from app.ui.screening.campaign_dialog import CampaignDialog
from app.ui.screening.entry_dialog import AnswerEntryDialog
from app.ui.screening.import_dialog import ImportDialog
from app.ui.screening.kiosk_launch import KioskLaunchDialog
from app.ui.screening.models import (
    CAMPAIGN_COLUMNS,
    COMPLETION_COLUMNS,
    RowFilterProxy,
    TintedTableModel,
    completion_tint,
    instrument_name,
)
from app.ui.screening.participation_dialog import ParticipationDialog
from app.ui.screening.results_dialog import ResultsDialog
from app.ui.store_context import StoreContext


class ScreeningPage(QWidget):
    def __init__(self, ctx: StoreContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.campaigns = TintedTableModel(CAMPAIGN_COLUMNS)
        self.proxy = RowFilterProxy(self.campaigns)
        self.completion = TintedTableModel(COMPLETION_COLUMNS, tint=completion_tint)
        for owned in (self.campaigns, self.proxy, self.completion):
            owned.setParent(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText(s.CAMPAIGN_SEARCH)
        self.search.setClearButtonEnabled(True)
        self.view = data_table()
        self.view.setModel(self.proxy)
        self.view.setSelectionMode(self.view.SelectionMode.SingleSelection)
        self.completion_view = data_table()
        self.completion_view.setModel(self.completion)
        self.completion_view.setSelectionMode(self.completion_view.SelectionMode.SingleSelection)
        self.count = QLabel()
        self.completion_title = QLabel(s.PICK_CAMPAIGN)
        self.completion_title.setStyleSheet("font-weight: bold;")
        self.new_button = QPushButton(s.NEW_CAMPAIGN)
        self.edit_button = QPushButton(s.EDIT_CAMPAIGN)
        self.edit_button.setToolTip(s.EDIT_TIP)
        self.delete_button = QPushButton(s.DELETE_CAMPAIGN)
        self.import_button = QPushButton(s.IMPORT)
        self.entry_button = QPushButton(s.ENTRY)
        self.kiosk_button = QPushButton(s.KIOSK)
        self.results_button = QPushButton(s.RESULTS)
        self.participation_button = QPushButton(s.PARTICIPATION)
        self.campaign_buttons = (self.edit_button, self.import_button, self.entry_button,
                                 self.kiosk_button, self.results_button,
                                 self.participation_button)

        actions = QHBoxLayout()
        actions.addWidget(self.search, 2)
        actions.addStretch(1)
        actions.addWidget(self.new_button)
        actions.addWidget(self.edit_button)
        actions.addWidget(self.delete_button)
        actions.addSpacing(12)
        for button in self.campaign_buttons[1:-1]:
            actions.addWidget(button)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addLayout(actions)
        upper_layout.addWidget(self.view, 1)
        upper_layout.addWidget(self.count)
        completion_head = QHBoxLayout()
        completion_head.addWidget(self.completion_title, 1)
        completion_head.addWidget(self.participation_button)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(completion_head)
        lower_layout.addWidget(hint_label(s.COMPLETION_HINT))
        lower_layout.addWidget(self.completion_view, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setSizes([380, 300])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.search.textChanged.connect(self._filter)
        self.view.selectionModel().selectionChanged.connect(self._campaign_changed)
        self.view.activated.connect(lambda _index: self.open_results())  # Enter too
        self.completion_view.activated.connect(self._class_activated)
        self.new_button.clicked.connect(self.new_campaign)
        self.edit_button.clicked.connect(self.edit_campaign)
        self.delete_button.clicked.connect(self.delete_campaign)
        self.import_button.clicked.connect(self.open_import)
        self.entry_button.clicked.connect(lambda: self.open_entry())
        self.kiosk_button.clicked.connect(lambda: self.open_kiosk())
        self.results_button.clicked.connect(self.open_results)
        self.participation_button.clicked.connect(lambda: self.open_participation())
        self._selected_id: int | None = None
        self._enable_buttons()

    # Page protocol -----------------------------------------------------------------

    def reload(self) -> None:
        self.count.setText(s.CAMPAIGNS_LOADING)
        self.ctx.query(self, list_campaigns, self._loaded)

    def clear(self) -> None:
        self.search.clear()
        self.campaigns.clear()
        self.completion.clear()
        self.count.clear()
        self.completion_title.setText(s.PICK_CAMPAIGN)
        self._enable_buttons()

    def on_changed(self, change: Changes) -> None:
        if change.campaigns:
            self.reload()

    # campaigns -----------------------------------------------------------------------

    def _loaded(self, rows: list[CampaignRow]) -> None:
        keep = self._selected_id
        self.campaigns.set_rows(rows)
        fit_columns(self.view)
        self.count.setText(s.CAMPAIGNS_COUNT.format(n=len(rows)) if rows else s.CAMPAIGNS_NONE)
        self.select_campaign(keep if keep is not None else (rows[0].id if rows else None))

    def select_campaign(self, campaign_id: int | None) -> None:
        for r in range(self.proxy.rowCount()):
            row = self.campaigns.row_at(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
            if row.id == campaign_id:
                self.view.selectRow(r)
                return
        self._campaign_changed()

    def selected_campaign(self) -> CampaignRow | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.campaigns.row_at(self.proxy.mapToSource(rows[0]).row())

    def _filter(self) -> None:
        needle = self.search.text().strip().lower()
        self.proxy.set_predicate(None if not needle else lambda r: needle in r.name.lower()
                                 or needle in instrument_name(r.instrument_code).lower())

    def _enable_buttons(self) -> None:
        campaign = self.selected_campaign()
        for button in self.campaign_buttons:
            button.setEnabled(campaign is not None)
        has_results = campaign is not None and campaign.done > 0
        self.delete_button.setEnabled(campaign is not None and not has_results)
        self.delete_button.setToolTip(s.DELETE_LOCKED_TIP.format(done=campaign.done)
                                      if has_results else s.DELETE_TIP)

    def _campaign_changed(self) -> None:
        campaign = self.selected_campaign()
        self._enable_buttons()
        if campaign is None:
            self.completion.clear()
            self.completion_title.setText(s.PICK_CAMPAIGN)
            return
        self._selected_id = campaign.id
        self.completion_title.setText(s.COMPLETION_LOADING)
        campaign_id = campaign.id
        self.ctx.query(self, lambda store: (campaign_id, class_completion(store, campaign_id)),
                       self._completion_loaded)

    def _completion_loaded(self, loaded: tuple[int, list[ClassCompletion]]) -> None:
        campaign_id, rows = loaded
        campaign = self.selected_campaign()
        if campaign is None or campaign.id != campaign_id:
            return  # the selection moved on while this was loading
        self.completion.set_rows(rows)
        fit_columns(self.completion_view)
        self.completion_title.setText(s.COMPLETION_TITLE.format(name=campaign.name))

    def selected_class_id(self) -> int | None:
        rows = self.completion_view.selectionModel().selectedRows()
        return self.completion.row_at(rows[0].row()).class_id if rows else None

    def _class_activated(self, index: QModelIndex) -> None:
        self.open_participation(self.completion.row_at(index.row()).class_id)

    # tasks -----------------------------------------------------------------------------

    def _open(self, make: Callable[[CampaignRow], QDialog]) -> QDialog | None:
        campaign = self.selected_campaign()
        if campaign is None:
            return None
        dialog = make(campaign)
        dialog.show()
        return dialog

    def new_campaign(self) -> CampaignDialog:
        dialog = CampaignDialog(self.ctx, self)
        dialog.accepted.connect(lambda: self._remember(dialog.created))
        return opened(dialog)

    def edit_campaign(self) -> None:
        """Read the campaign's classes and results per class, then open the prefilled form."""
        campaign = self.selected_campaign()
        if campaign is None:
            return
        campaign_id = campaign.id
        self.ctx.query(self, lambda store: campaign_setup(store, campaign_id),
                       self._open_editor, label=s.EDIT_LOADING)

    def _open_editor(self, setup: CampaignSetup) -> CampaignDialog:
        return opened(CampaignDialog(self.ctx, self, setup))

    def delete_campaign(self) -> QMessageBox | None:
        """Ask first; a campaign with results is explained, not offered."""
        campaign = self.selected_campaign()
        if campaign is None:
            return None
        if campaign.done:
            return messages.warn(self, s.DELETE_TITLE,
                                 s.DELETE_LOCKED_TIP.format(done=campaign.done))
        box = QMessageBox(QMessageBox.Icon.Warning, s.DELETE_TITLE,
                          s.DELETE_CONFIRM.format(name=campaign.name),
                          QMessageBox.StandardButton.NoButton, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        confirm = box.addButton(s.DELETE_BUTTON, QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(box.addButton(strings.CANCEL, QMessageBox.ButtonRole.RejectRole))
        campaign_id, name = campaign.id, campaign.name
        confirm.clicked.connect(lambda: self._delete(campaign_id, name))
        box.open()
        return box

    def _delete(self, campaign_id: int, name: str) -> None:
        self.ctx.mutate(self, lambda store, _p: delete_campaign(store, campaign_id),
                        lambda _deleted: self._deleted(name),
                        label=s.DELETING)

    def _deleted(self, name: str) -> None:
        self._selected_id = None
        messages.notify(self, s.DELETE_DONE.format(name=name))

    def _remember(self, created: CampaignRow | None) -> None:
        if created is not None:
            self._selected_id = created.id

    def open_import(self) -> QDialog | None:
        return self._open(lambda c: ImportDialog(self.ctx, c, self))

    def open_entry(self, class_id: int | None = None) -> QDialog | None:
        chosen = class_id if class_id is not None else self.selected_class_id()
        return self._open(lambda c: AnswerEntryDialog(self.ctx, c, chosen, self))

    def open_kiosk(self, class_id: int | None = None) -> QDialog | None:
        chosen = class_id if class_id is not None else self.selected_class_id()
        return self._open(lambda c: KioskLaunchDialog(self.ctx, c, chosen, self))

    def open_results(self) -> QDialog | None:
        return self._open(lambda c: ResultsDialog(self.ctx, c, self))

    def open_participation(self, class_id: int | None = None) -> QDialog | None:
        chosen = class_id if class_id is not None else self.selected_class_id()
        return self._open(lambda c: ParticipationDialog(self.ctx, c, chosen, self))
