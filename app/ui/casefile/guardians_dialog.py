"""家长联系方式: the student's guardians, edited where the home contacts are recorded.

The list, and a form below it: choosing a row puts it in the form to change; 新增 clears
the form for another contact (a grandparent for a 留守 student, a second phone). Each
save or removal is one service call on a worker (audited on the student); a refusal —
a phone that is not a phone, a relation not on the list — stays beside the fields,
with the field it is about focused.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import QingxinError
from app.services.casefile.guardians import (
    RELATIONS,
    GuardianRow,
    list_guardians,
    remove_guardian,
    set_guardian,
)
from app.ui.casefile import texts
from app.ui.casefile.widgets import button_row, fill, selected, table
from app.ui.form_widgets import error_label, hint_label
from app.ui.store_context import StoreContext
from app.ui.table_models import Column

GUARDIAN_COLUMNS = (
    Column(texts.COL_GUARDIAN_RELATION, lambda g: g.relation),
    Column(texts.COL_GUARDIAN_NAME, lambda g: g.name),
    Column(texts.COL_GUARDIAN_PHONE, lambda g: g.phone),
    Column(texts.COL_GUARDIAN_NOTE, lambda g: g.note),
)


class GuardiansDialog(QDialog):
    def __init__(self, ctx: StoreContext, student_id: int, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.student_id = student_id
        self.setWindowTitle(texts.GUARDIANS_TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(640, 480)
        self.table, self.model = table(GUARDIAN_COLUMNS, self)
        self.name = QLineEdit()
        self.relation = QComboBox()
        self.relation.addItems(RELATIONS)
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(texts.GUARDIAN_PHONE_HINT)
        self.note = QLineEdit()
        self.note.setPlaceholderText(texts.GUARDIAN_NOTE_HINT)
        self.error = error_label()
        for edit in (self.name, self.phone, self.note):
            edit.textChanged.connect(self.error.clear)
        self.new_button = QPushButton(texts.GUARDIAN_NEW)
        self.save_button = QPushButton(texts.GUARDIAN_SAVE)
        self.remove_button = QPushButton(texts.GUARDIAN_REMOVE)
        self.new_button.clicked.connect(self.start_new)
        self.save_button.clicked.connect(self.save)
        self.remove_button.clicked.connect(self.remove)
        self.table.selectionModel().selectionChanged.connect(self._picked)
        form = QFormLayout()
        form.addRow(texts.COL_GUARDIAN_NAME + "：", self.name)
        form.addRow(texts.COL_GUARDIAN_RELATION + "：", self.relation)
        form.addRow(texts.COL_GUARDIAN_PHONE + "：", self.phone)
        form.addRow(texts.COL_GUARDIAN_NOTE + "：", self.note)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(texts.GUARDIANS_HINT))
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(button_row(self.new_button, self.save_button, self.remove_button))
        layout.addWidget(close)
        self.editing: GuardianRow | None = None
        self.reload()

    def reload(self) -> None:
        sid = self.student_id
        self.ctx.query(self, lambda store: list_guardians(store, sid), self._loaded)

    def _loaded(self, rows: list[GuardianRow]) -> None:
        keep = self.editing.id if self.editing else None
        fill(self.table, self.model, rows)
        for r, row in enumerate(rows):
            if row.id == keep:
                self.table.selectRow(r)
                return
        self.start_new()

    def _picked(self, *_args: object) -> None:
        row = selected(self.table, self.model)
        if row is None:
            return
        self.editing = row
        self.name.setText(row.name)
        self.relation.setCurrentIndex(max(0, self.relation.findText(row.relation)))
        self.phone.setText(row.phone)
        self.note.setText(row.note)
        self.remove_button.setEnabled(True)

    def start_new(self) -> None:
        self.editing = None
        self.table.clearSelection()
        for edit in (self.name, self.phone, self.note):
            edit.clear()
        self.relation.setCurrentIndex(0)
        self.remove_button.setEnabled(False)
        self.name.setFocus()

    def save(self) -> None:
        sid, gid = self.student_id, self.editing.id if self.editing else None
        name, relation = self.name.text(), self.relation.currentText()
        phone, note = self.phone.text(), self.note.text()
        self.ctx.mutate(self, lambda store, _p: set_guardian(
            store, sid, name=name, relation=relation, phone=phone, note=note,
            guardian_id=gid), self._saved,
            label=texts.SAVING, on_failure=self._refused)

    def _saved(self, guardian_id: int) -> None:
        self.editing = GuardianRow(guardian_id, "", "", "", "")
        self.reload()

    def _refused(self, exc: QingxinError) -> None:
        self.error.setText(exc.message)
        field = self.phone if "电话" in exc.message else self.name
        field.setFocus()
        field.selectAll()

    def remove(self) -> None:
        row = self.editing
        if row is None:
            return
        answer = QMessageBox.question(self, texts.GUARDIANS_TITLE,
                                      texts.GUARDIAN_REMOVE_ASK.format(name=row.name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        sid = self.student_id
        self.editing = None
        self.ctx.mutate(self, lambda store, _p: remove_guardian(store, sid, row.id),
                        lambda _removed: self.reload(),
                        label=texts.SAVING, on_failure=self._refused)
