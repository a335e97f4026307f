"""查看结果: a campaign's results, filtered and sorted, one student's profile beside
them, and the export to Excel.

Loading the rows is audited by the service (they are students' scores); the export
runs on a worker with progress and cancel and is audited as `student_export`. The
profile is drawn from the stored record, so it shows the scores as computed when the
sheet was stored, with the definition's bands and wording.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.changes import Changes
from app.instruments import WARNING_LABELS, Instrument
from app.instruments.model import TOTAL
from app.services.progress import Progress
from app.services.screening.campaigns import CampaignRow
from app.services.screening.results import ResultRow, campaign_results
from app.store.handle import Store
from app.ui.casefile.file_window import StudentFileWindow, open_student_file
from app.ui.export_dialog import ExportChoice, export_list
from app.ui.form_widgets import data_table, fit_columns, hint_label
from app.ui.row_open import RowOpener, main_window_of
from app.ui.screening import strings as s
from app.ui.screening.campaign_window import CampaignWindow
from app.ui.screening.models import (
    CRITICAL_TEXT_COLOR,
    RowFilterProxy,
    TintedTableModel,
    instrument_for,
)
from app.ui.screening.profile_chart import ProfileChart
from app.ui.screening.results_model import (
    ResultFilter,
    band_of,
    column_index,
    critical_color,
    critical_text,
    result_columns,
    result_tint,
    warning_color,
)
from app.ui.store_context import StoreContext

if TYPE_CHECKING:
    from app.services.screening.export import ResultsExported



class ProfilePanel(QWidget):
    """The chart and, in words, what the bands and notes say about one sheet."""

    def __init__(self) -> None:
        super().__init__()
        self.title = QLabel(s.RESULTS_PICK_STUDENT)
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold; font-size: 11pt;")
        self.critical = hint_label()
        self.critical.setStyleSheet(f"color: {CRITICAL_TEXT_COLOR}; font-weight: bold;")
        self.chart = ProfileChart()
        self.wording = QPlainTextEdit()
        self.wording.setReadOnly(True)
        self.wording.setFrameShape(QFrame.Shape.NoFrame)
        self.wording.viewport().setAutoFillBackground(False)
        self.footer = hint_label(s.RESULTS_SUGGESTION_NOTE)
        self.footer.setStyleSheet("color: #777;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.critical)
        layout.addWidget(self.chart)
        layout.addWidget(self.wording, 1)
        layout.addWidget(self.footer)
        self.show_row(None, None)

    def show_row(self, instrument: Instrument | None, row: ResultRow | None) -> None:
        self.chart.set_profile(instrument, row)
        if instrument is None or row is None:
            self.title.setText(s.RESULTS_PICK_STUDENT)
            self.critical.clear()
            self.critical.setVisible(False)
            self.wording.clear()
            return
        self.title.setText(s.PROFILE_TITLE.format(name=row.name, class_name=row.class_name,
                                                  instrument=instrument.label))
        self.critical.setText(s.PROFILE_CRITICAL.format(items=critical_text(row))
                              if row.critical else "")
        self.critical.setVisible(bool(row.critical))
        self.wording.setPlainText("\n".join(profile_lines(instrument, row)))


def profile_lines(instrument: Instrument, row: ResultRow) -> list[str]:
    """The total's band first, then every unit whose band is above its cut-off (band
    `elevated`: MHT's 高分 suggests nothing alone but is worth reading), then the scoring
    notes (prorated or unscored scales, validity, critical items)."""
    lines = [] if row.valid else [f"· {s.PROFILE_INVALID}"]
    units = [instrument.total] if instrument.total is not None else []
    units += [u for u in instrument.scales if u.code != TOTAL]
    for unit in units:
        band = band_of(unit, row.bands.get(unit.code))
        if band is None or (unit is not instrument.total and not band.elevated):
            continue
        text = f"· {unit.name}：{band.label}"
        if band.wording:
            text += f"。{band.wording}"
        if band.suggestion:
            text += f" 建议：{band.suggestion}"
        lines.append(text)
    lines.append(f"· {s.COL_WARNING}：{WARNING_LABELS.get(row.warning, row.warning)}")
    if row.notes:
        lines += ["", s.PROFILE_NOTES, *(f"· {note}" for note in row.notes)]
    return lines


class ResultsDialog(CampaignWindow):
    def __init__(self, ctx: StoreContext, campaign: CampaignRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, campaign, s.RESULTS_TITLE, (1200, 720), parent)
        self.instrument = instrument_for(campaign.instrument_code)
        columns = result_columns(self.instrument)
        self.model = TintedTableModel(columns, tint=result_tint)
        self.model.emphasise(column_index(columns, s.COL_CRITICAL), critical_color)
        self.model.emphasise(column_index(columns, s.COL_WARNING), warning_color)
        self.proxy = RowFilterProxy(self.model)
        for owned in (self.model, self.proxy):
            owned.setParent(self)
        self.view = data_table()
        self.view.setModel(self.proxy)
        self.search = QLineEdit()
        self.search.setPlaceholderText(s.RESULTS_SEARCH)
        self.search.setClearButtonEnabled(True)
        self.class_filter = QComboBox()
        self.class_filter.setMinimumContentsLength(8)
        self.level_filter = QComboBox()
        self.level_filter.addItem(s.RESULTS_ALL_LEVELS, None)
        for code, text in WARNING_LABELS.items():
            self.level_filter.addItem(text, code)
        self.unit_filter = QComboBox()
        total = [self.instrument.total] if self.instrument.total is not None else []
        for unit in (*total, *self.instrument.scales):
            if unit.bands:
                self.unit_filter.addItem(unit.name, unit.code)
        self.band_filter = QComboBox()
        self.critical_only = QCheckBox(s.RESULTS_CRITICAL_ONLY)
        self.invalid_only = QCheckBox(s.RESULTS_INVALID_ONLY)
        self.export_button = QPushButton(s.RESULTS_EXPORT)
        self.opener = RowOpener(self.view, self.open_file)
        self.open_button = self.opener.button()
        self.count = QLabel(s.RESULTS_LOADING)
        self.profile = ProfilePanel()

        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.class_filter)
        filters.addWidget(self.level_filter)
        filters.addWidget(self.unit_filter)
        filters.addWidget(self.band_filter)
        filters.addWidget(self.critical_only)
        filters.addWidget(self.invalid_only)
        filters.addStretch(1)
        filters.addWidget(self.open_button)
        filters.addWidget(self.export_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.view, 1)
        left_layout.addWidget(self.count)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.profile)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([700, 480])
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)

        self._fill_bands()
        self.search.textChanged.connect(self.apply_filter)
        for combo in (self.class_filter, self.level_filter, self.band_filter):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.unit_filter.currentIndexChanged.connect(self._fill_bands)
        for box in (self.critical_only, self.invalid_only):
            box.toggled.connect(self.apply_filter)
        self.export_button.clicked.connect(self.export)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        for signal in (self.proxy.modelReset, self.proxy.layoutChanged,
                       self.proxy.rowsInserted, self.proxy.rowsRemoved):
            signal.connect(self._show_count)
        ctx.changed.connect(self._on_changed)
        self.reload()

    def reload(self) -> None:
        campaign_id = self.campaign.id
        self.ctx.query(self, lambda store: campaign_results(store, campaign_id), self._loaded,
                       label=s.RESULTS_LOADING)

    def _loaded(self, rows: list[ResultRow]) -> None:
        keep = self.class_filter.currentData()
        self.model.set_rows(rows)
        names = sorted({(r.grade, r.class_name) for r in rows})
        self.class_filter.blockSignals(True)
        self.class_filter.clear()
        self.class_filter.addItem(s.RESULTS_ALL_CLASSES, None)
        for _grade, name in names:
            self.class_filter.addItem(name, name)
        self.class_filter.setCurrentIndex(max(0, self.class_filter.findData(keep)))
        self.class_filter.blockSignals(False)
        fit_columns(self.view)
        self.apply_filter()

    def _fill_bands(self) -> None:
        code = self.unit_filter.currentData()
        self.band_filter.blockSignals(True)
        self.band_filter.clear()
        self.band_filter.addItem(s.RESULTS_ANY_BAND, None)
        if code is not None:
            for band in self.instrument.unit(code).bands:
                self.band_filter.addItem(band.label, band.code)
        self.band_filter.blockSignals(False)
        self.apply_filter()

    def current_filter(self) -> ResultFilter:
        return ResultFilter(
            text=self.search.text(), class_name=self.class_filter.currentData(),
            warning=self.level_filter.currentData(), unit=self.unit_filter.currentData(),
            band=self.band_filter.currentData(), critical_only=self.critical_only.isChecked(),
            invalid_only=self.invalid_only.isChecked())

    def apply_filter(self) -> None:
        self.proxy.set_predicate(self.current_filter().predicate())
        self._show_count()

    def _show_count(self) -> None:
        critical = sum(1 for r in self.model.rows if r.critical)
        self.count.setText(s.RESULTS_COUNT.format(shown=self.proxy.rowCount(),
                                                  total=self.model.rowCount(),
                                                  critical=critical))

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection
                           ) -> None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            self.profile.show_row(None, None)
            return
        source = self.proxy.mapToSource(rows[0])
        self.profile.show_row(self.instrument, self.model.row_at(source.row()))

    def shown_student_ids(self) -> list[int] | None:
        """The students the filters leave on screen; None when nothing is filtered out
        (the whole campaign, named so in the audit entry)."""
        if self.proxy.rowCount() == self.model.rowCount():
            return None
        return [self.model.row_at(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
                .student_id for r in range(self.proxy.rowCount())]

    def open_file(self, row: ResultRow) -> StudentFileWindow:
        """The student's file over the main window: it stays open when 查看结果 closes."""
        return open_student_file(self.ctx, main_window_of(self), row.student_id)

    def export(self) -> None:
        """What the table shows (one class, the critical answers …) as a workbook, with
        an opening password unless the teacher declines it."""
        campaign_id, ids = self.campaign.id, self.shown_student_ids()
        class_name = self.class_filter.currentData()
        suggested = "-".join(p for p in (self.campaign.name, class_name, "结果") if p)

        def save(store: Store, progress: Progress, choice: ExportChoice) -> ResultsExported:
            # openpyxl takes ~0.1 s to import: load it with the first export, on the
            # worker, not while the program starts.
            from app.services.screening.export import export_results_xlsx

            return export_results_xlsx(store, campaign_id, choice.path, progress,
                                       student_ids=ids, password=choice.password)

        export_list(self.ctx, self, s.RESULTS_EXPORT_TITLE, f"{suggested}.xlsx", save,
                    lambda exported: exported.rows)

    def _on_changed(self, change: Changes) -> None:
        if change.campaign(self.campaign.id):
            self.reload()
