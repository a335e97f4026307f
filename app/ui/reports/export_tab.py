"""区级报送: the term's export to the district — preview exactly what leaves, then seal it.

The preview is built on a worker and shown whole: each file with its size, each table
with every row as written into the files, who the key students are reported as
(counts / codes / names, the last one warned about in red), the school code, the
district and both key fingerprints, so the teacher can read the school's out to the
district. Sealing seals the previewed bytes themselves (`seal_export`), only after an
explicit confirmation, and only when the deployment file carries the district's key.
Any data change elsewhere voids the preview, so what is sealed is never older than
what the teacher was last shown without saying so.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.deployment import KEY_STUDENT_MODES
from app.services.district.export import (
    ExportPreview,
    SealedExport,
    preview_export,
    recent_periods,
    seal_export,
)
from app.services.district.school_keys import school_key_fingerprint
from app.ui.file_dialogs import DISTRICT, ask_save_path, safe_file_name
from app.ui.form_widgets import data_table, fit_columns, hint_label
from app.ui.reports import texts
from app.ui.reports.export_models import ExportTableModel, distinct_tables, files_model
from app.ui.reports.saving import show_saved
from app.ui.store_context import StoreContext
from app.ui.workers import Op

BANNER_STYLE = ("QLabel { background: #fbe3e1; border: 1px solid #d9534f; border-radius: 4px;"
                " padding: 8px; color: #8b1a12; font-weight: bold; }")
NOTE_STYLE = "color: #8a4b00;"
_PERIOD = re.compile(r"\d{4}-\d{4}-\d")


def selectable(label: QLabel) -> QLabel:
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ExportTab(QWidget):
    def __init__(self, ctx: StoreContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.preview: ExportPreview | None = None
        self.period = QComboBox()
        self.period.setEditable(True)
        self.period.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.period.setMinimumWidth(220)
        current, previous = recent_periods(date.today())
        self.period.addItem(texts.PERIOD_CURRENT.format(period=current), current)
        self.period.addItem(texts.PERIOD_PREVIOUS.format(period=previous), previous)
        self.preview_button = QPushButton(texts.PREVIEW)
        self.school = selectable(QLabel())
        self.district = selectable(QLabel())
        self.district_key = selectable(QLabel())
        self.school_key = selectable(QLabel(texts.SCHOOL_KEY_LOADING))
        self.key_mode = hint_label()
        self.min_cell = QLabel()
        self.no_key_banner = hint_label(texts.NO_DISTRICT_KEY)
        self.named_banner = hint_label(texts.NAMED_WARNING)
        for banner in (self.no_key_banner, self.named_banner):
            banner.setStyleSheet(BANNER_STYLE)
        self.summary = hint_label(texts.PREVIEW_NONE)
        self.notes = hint_label()
        self.notes.setStyleSheet(NOTE_STYLE)
        self.files = files_model()
        self.files.setParent(self)
        self.files_view = data_table()
        self.files_view.setModel(self.files)
        self.files_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.files_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tables = QTabWidget()
        self.table_models: list[ExportTableModel] = []
        self.seal_button = QPushButton(texts.SEAL)
        self.result = selectable(hint_label())
        self.confirm_box: QMessageBox | None = None

        top = QHBoxLayout()
        top.addWidget(QLabel(texts.PERIOD))
        top.addWidget(self.period)
        top.addWidget(self.preview_button)
        top.addWidget(hint_label(texts.PERIOD_HINT), 1)
        facts = QGridLayout()
        facts.setHorizontalSpacing(12)
        for i, (title, value) in enumerate([
                (texts.SCHOOL, self.school), (texts.DISTRICT, self.district),
                (texts.DISTRICT_KEY, self.district_key), (texts.SCHOOL_KEY, self.school_key),
                (texts.KEY_MODE, self.key_mode), (texts.MIN_CELL, self.min_cell)]):
            facts.addWidget(QLabel(title), i // 2, 2 * (i % 2))
            facts.addWidget(value, i // 2, 2 * (i % 2) + 1)
        facts.setColumnStretch(1, 1)
        facts.setColumnStretch(3, 1)
        files_box = QWidget()
        files_layout = QVBoxLayout(files_box)
        files_layout.setContentsMargins(0, 0, 0, 0)
        files_layout.addWidget(self._title(texts.FILES_TITLE))
        files_layout.addWidget(self.files_view)
        tables_box = QWidget()
        tables_layout = QVBoxLayout(tables_box)
        tables_layout.setContentsMargins(0, 0, 0, 0)
        tables_layout.addWidget(self._title(texts.TABLES_TITLE))
        tables_layout.addWidget(self.tables)
        self.preview_area = QWidget()
        preview_layout = QVBoxLayout(self.preview_area)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(files_box)
        preview_layout.addWidget(tables_box, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.seal_button)
        actions.addWidget(self.result, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(facts)
        layout.addWidget(self.no_key_banner)
        layout.addWidget(self.named_banner)
        layout.addWidget(self.summary)
        layout.addWidget(self.notes)
        layout.addWidget(self.preview_area, 1)
        layout.addStretch(0)  # takes the room while there is no preview
        layout.addLayout(actions)
        self._layout = layout

        self.preview_button.clicked.connect(self.build_preview)
        self.period.lineEdit().returnPressed.connect(self.build_preview)
        self.seal_button.clicked.connect(self.confirm_seal)
        self._show_deployment()
        self._show_preview()

    @staticmethod
    def _title(text: str) -> QLabel:
        label = QLabel(text)
        label.setStyleSheet("font-weight: bold;")
        return label

    # what the deployment says ----------------------------------------------------------

    def _show_deployment(self) -> None:
        dep = self.ctx.deployment
        if dep.school_code:
            self.school.setText(texts.SCHOOL_FROM_DEPLOYMENT.format(
                name=dep.school_name or "—", code=dep.school_code))
        else:
            self.school.setText(texts.SCHOOL_FROM_DATABASE)
        self.district.setText(dep.district_name or texts.DISTRICT_UNNAMED)
        key = dep.district_key
        self.district_key.setText(key.fingerprint if key else texts.NO_DISTRICT_KEY_SHORT)
        self.district_key.setStyleSheet("" if key else "color: #b3261e; font-weight: bold;")
        self.no_key_banner.setVisible(key is None)
        self._show_mode(dep.policy.key_students)
        n = dep.policy.min_cell
        self.min_cell.setText(texts.MIN_CELL_TEXT.format(n=n, cut=n - 1))

    def _show_mode(self, mode: str) -> None:
        self.key_mode.setText(KEY_STUDENT_MODES[mode] + (
            "　" + texts.PSEUDONYMOUS_NOTE if mode == "pseudonymous" else ""))
        self.key_mode.setStyleSheet("color: #b3261e; font-weight: bold;" if mode == "named"
                                    else "")
        self.named_banner.setVisible(mode == "named")

    def reload(self) -> None:
        self._show_deployment()
        self.ctx.query(self, school_key_fingerprint, self._school_key_loaded, label=None)

    def _school_key_loaded(self, fingerprint: str | None) -> None:
        self.school_key.setText(fingerprint or texts.SCHOOL_KEY_NONE)

    # the preview ---------------------------------------------------------------------

    def period_text(self) -> str:
        text = self.period.currentText().strip()
        found = _PERIOD.match(text)
        return found.group(0) if found else text

    def build_preview(self) -> Op | None:
        period, deployment = self.period_text(), self.ctx.deployment
        self.result.clear()
        return self.ctx.query(self, lambda store: preview_export(store, period, deployment),
                              self._previewed, label=texts.PREVIEWING)

    def _previewed(self, preview: ExportPreview) -> None:
        self.drop_preview()
        self.preview = preview
        self.files.set_rows(preview.files)
        fit_columns(self.files_view)
        self._fit_files_height()
        for table in distinct_tables(preview):
            self._add_table(ExportTableModel(table))
        self._show_preview()

    def _fit_files_height(self) -> None:
        """Every file in sight (there are at most four): no scrolling to see what leaves."""
        view = self.files_view
        rows = sum(view.rowHeight(r) for r in range(self.files.rowCount()))
        view.setFixedHeight(rows + view.horizontalHeader().height() + 2 * view.frameWidth())

    def _add_table(self, model: ExportTableModel) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 4, 4, 4)
        if model.note:
            layout.addWidget(hint_label(model.note))
        view = data_table()
        model.setParent(view)
        view.setModel(model)
        fit_columns(view)
        layout.addWidget(view, 1)
        self.table_models.append(model)
        self.tables.addTab(page, texts.TABLE_TAB.format(title=model.title, n=model.rowCount()))

    def _show_preview(self, stale: bool = False) -> None:
        p = self.preview
        self.preview_area.setVisible(p is not None)
        filler = self._layout.indexOf(self.preview_area) + 1
        self._layout.setStretch(filler, 0 if p is not None else 1)
        self.seal_button.setEnabled(p is not None and p.district_key is not None)
        if p is None:
            self.summary.setText(texts.PREVIEW_STALE if stale else texts.PREVIEW_NONE)
            self.summary.setStyleSheet(NOTE_STYLE if stale else "")
            self.notes.clear()
            self.notes.hide()
            return
        self.summary.setStyleSheet("font-weight: bold;")
        self.summary.setText(texts.PREVIEW_SUMMARY.format(
            period=p.period, campaigns="、".join(p.campaigns) or texts.NO_CAMPAIGNS,
            files=len(p.files), students=texts.PREVIEW_COUNTS_ONLY if p.key_students == "counts"
            else texts.PREVIEW_STUDENTS.format(n=len(p.student_ids))))
        self.notes.setText("\n".join(texts.NOTE.format(note=n) for n in p.notes))
        self.notes.setVisible(bool(p.notes))
        self.school.setText(texts.SCHOOL_TEXT.format(name=p.school_name, code=p.school_code))
        self._show_mode(p.key_students)

    def drop_preview(self, stale: bool = False) -> None:
        """Forget the preview: its rows may name key students."""
        if self.confirm_box is not None:
            self.confirm_box.reject()
            self.confirm_box = None
        had = self.preview is not None
        self.preview = None
        self.files.clear()
        for model in self.table_models:
            model.clear()
        self.table_models = []
        while self.tables.count():
            page = self.tables.widget(0)
            self.tables.removeTab(0)
            page.deleteLater()
        self._show_deployment()
        self._show_preview(stale and had)

    def clear(self) -> None:
        self.drop_preview()
        self.result.clear()
        self.school_key.setText(texts.SCHOOL_KEY_LOADING)

    # sealing -------------------------------------------------------------------------

    def confirm_seal(self) -> QMessageBox | None:
        p = self.preview
        if p is None or p.district_key is None:
            return None
        named = p.key_students == "named"
        text = texts.SEAL_CONFIRM.format(
            period=p.period, school=p.school_name, code=p.school_code, files=len(p.files),
            names="、".join(f.name for f in p.files), mode=KEY_STUDENT_MODES[p.key_students],
            students=texts.SEAL_CONFIRM_STUDENTS.format(n=len(p.student_ids))
            if p.student_ids else "", district=p.district_key.fingerprint)
        if named:
            text += texts.SEAL_CONFIRM_NAMED
        text += texts.SEAL_CONFIRM_QUESTION
        box = QMessageBox(QMessageBox.Icon.Warning if named else QMessageBox.Icon.Question,
                          texts.SEAL_CONFIRM_TITLE, text, QMessageBox.StandardButton.NoButton,
                          self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        yes = box.addButton(texts.SEAL_YES, QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
        yes.clicked.connect(lambda: self._confirmed(p))
        box.finished.connect(lambda _result: self._confirm_closed(box))
        self.confirm_box = box
        box.open()
        return box

    def _confirm_closed(self, box: QMessageBox) -> None:
        if self.confirm_box is box:
            self.confirm_box = None

    def _confirmed(self, preview: ExportPreview) -> Op | None:
        if preview is not self.preview:
            return None  # dropped (a lock, a data change) while the box was open
        suggested = safe_file_name(texts.SEAL_NAME.format(
            code=preview.school_code, period=preview.period))
        path = ask_save_path(self, DISTRICT, texts.SAVE_SEAL, suggested, texts.SEAL_FILTER,
                             ".qxseal")
        if path is None:
            return None
        return self.seal_to(preview, path)

    def seal_to(self, preview: ExportPreview, path: Path) -> Op | None:
        return self.ctx.mutate(self, lambda store, _progress: seal_export(store, preview, path),
                               self._sealed, label=texts.SEALING)

    def _sealed(self, done: SealedExport) -> None:
        self.school_key.setText(done.school_key_fingerprint)
        facts = dict(path=done.path, size=done.size, sha256=done.sha256,
                     school_key=done.school_key_fingerprint,
                     district_key=done.district_key_fingerprint)
        created = texts.SEAL_KEY_CREATED if done.key_created else ""
        self.result.setText(texts.SEAL_RESULT.format(**facts)
                            + (texts.SEAL_RESULT_KEY_CREATED if created else ""))
        show_saved(self, texts.SEAL_DONE_TITLE, texts.SEAL_DONE.format(**facts) + created,
                   done.path)
