"""辅导记录 and 家校联系: counselling records, added and corrected, never overwritten.

Both tabs list CounsellingRecord entries; 家校联系 shows the home–school kinds (家访,
电话联系, 三方沟通) and the other tab the rest. A correction is a new version with a
reason: the list shows "已更正" and 查看历史 shows the original beside it. The 保密
flag keeps a record out of the class teacher's summary (the service leaves it out).
Each record may carry its duration (the counsellor's workload); 团体辅导… records one
group session for several students at once (casefile/groups.py), each of whom then
has the record in their file.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.errors import BadInputError
from app.labels import COUNSELLING_KINDS, label
from app.services.casefile.entries import add_counselling, correct_entry
from app.services.casefile.groups import add_group_session
from app.services.casefile.rows import HOME_CONTACT_KINDS, CounsellingRow
from app.services.students import StudentRow, list_students
from app.store.handle import Store
from app.ui.casefile import texts
from app.ui.casefile.file_tab import FileTab
from app.ui.casefile.guardians_dialog import GuardiansDialog
from app.ui.casefile.history_dialog import HistoryDialog
from app.ui.casefile.loading import FileView
from app.ui.casefile.widgets import (
    MUTED_TEXT,
    FormDialog,
    button_row,
    checkbox,
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

COUNSELLING_ONLY = {c: t for c, t in COUNSELLING_KINDS.items() if c not in HOME_CONTACT_KINDS}
HOME_ONLY = {c: t for c, t in COUNSELLING_KINDS.items() if c in HOME_CONTACT_KINDS}


def _state(row: CounsellingRow) -> str:
    marks = [texts.CONFIDENTIAL] if row.confidential else []
    return "、".join(marks + ([texts.CORRECTED] if row.corrected else []))


COLUMNS = (
    Column(texts.COL_DATE, lambda r: day(r.held_on), sort_key=lambda r: r.held_on),
    Column(texts.COL_KIND, lambda r: label(COUNSELLING_KINDS, r.kind)),
    Column(texts.COL_MINUTES, lambda r: texts.MINUTES.format(n=r.minutes) if r.minutes
           else "", sort_key=lambda r: r.minutes or 0),
    Column(texts.COL_PARTICIPANTS, lambda r: r.participants),
    Column(texts.COL_BY, lambda r: r.created_by),
    Column(texts.COL_STATE, _state),
    Column(texts.COL_CONTENT, lambda r: r.content.splitlines()[0] if r.content else ""),
)
STATE_COLUMN = 5
SUMMARY_HIDDEN = (3, 6)  # participants and content: blank in a class teacher's summary


def minutes_box(value: int | None = None) -> QSpinBox:
    """Whole minutes; 0 shows 未填 and means "not recorded"."""
    box = QSpinBox()
    box.setRange(0, 600)
    box.setSingleStep(5)
    box.setSuffix(texts.MINUTES_SUFFIX)
    box.setSpecialValueText(texts.MINUTES_NONE)
    box.setValue(value or 0)
    return box


class RecordDialog(FormDialog):
    """Add a record, or correct one (`old` given): a correction needs its reason."""

    def __init__(self, ctx: StoreContext, student_id: int, kinds: dict[str, str],
                 title: str, parent: QWidget | None, today: Any,
                 old: CounsellingRow | None = None) -> None:
        super().__init__(ctx, student_id, title, parent, width=560)
        self.old = old
        self.held_on = date_edit(old.held_on if old else today, latest=today)
        self.kind = code_combo(kinds, old.kind if old else None)
        self.participants = text_edit(rows=1)
        self.content = text_edit(rows=6)
        self.next_step = text_edit(rows=2)
        self.confidential = checkbox(texts.F_CONFIDENTIAL, old.confidential if old else False)
        self.minutes = minutes_box(old.minutes if old else None)
        self.reason = text_edit(texts.F_REASON_HINT, rows=2)
        if old is not None:
            self.participants.setPlainText(old.participants)
            self.content.setPlainText(old.content)
            self.next_step.setPlainText(old.next_step)
        self.form.addRow(texts.F_DATE, self.held_on)
        self.form.addRow(texts.F_KIND, self.kind)
        self.form.addRow(texts.F_MINUTES, self.minutes)
        self.form.addRow(texts.F_PARTICIPANTS, self.participants)
        self.form.addRow(texts.F_CONTENT, self.content)
        self.form.addRow(texts.F_NEXT_STEP, self.next_step)
        self.form.addRow("", self.confidential)
        if old is not None:
            self.form.addRow(texts.F_REASON, self.reason)

    def values(self) -> dict[str, Any]:
        return {"held_on": date_of(self.held_on), "kind": self.kind.currentData(),
                "participants": self.participants.toPlainText().strip(),
                "content": self.content.toPlainText().strip(),
                "next_step": self.next_step.toPlainText().strip(),
                "confidential": self.confidential.isChecked(),
                "minutes": self.minutes.value() or None}

    def build(self) -> Callable[[Store], Any]:
        values, sid, old = self.values(), self.student_id, self.old
        if old is None:
            return lambda store: add_counselling(store, sid, **values)
        changes = {k: v for k, v in values.items() if getattr(old, k) != v}
        if not changes:
            raise BadInputError("没有要更正的内容。")
        reason = self.reason.toPlainText()
        return lambda store: correct_entry(store, "counselling", old.id, reason, **changes)


class GroupDialog(FormDialog):
    """One group session: its members picked from the school's list (the file's own
    student ticked), one record written in each member's file."""

    def __init__(self, ctx: StoreContext, student_id: int, today: Any,
                 parent: QWidget | None) -> None:
        super().__init__(ctx, student_id, texts.GROUP_TITLE, parent, width=600)
        self.set_intro(texts.GROUP_INTRO)
        self.held_on = date_edit(today, latest=today)
        self.topic = QLineEdit()
        self.minutes = minutes_box(45)
        self.search = QLineEdit()
        self.search.setPlaceholderText(texts.GROUP_SEARCH)
        self.search.textChanged.connect(self._filter)
        self.members = QListWidget()
        self.members.setMinimumHeight(200)
        self.note = text_edit(texts.GROUP_NOTE_HINT, rows=3)
        self.form.addRow(texts.F_DATE, self.held_on)
        self.form.addRow(texts.F_GROUP_TOPIC, self.topic)
        self.form.addRow(texts.F_MINUTES, self.minutes)
        self.form.addRow(texts.F_GROUP_MEMBERS, self.search)
        self.form.addRow("", self.members)
        self.form.addRow(texts.F_GROUP_NOTE, self.note)
        ctx.query(self, list_students, self.set_students)

    def set_students(self, students: list[StudentRow]) -> None:
        self.members.clear()
        for s in students:
            item = QListWidgetItem(f"{s.student_no} {s.name}（{s.class_name}）")
            item.setData(Qt.ItemDataRole.UserRole, s.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if s.id == self.student_id
                               else Qt.CheckState.Unchecked)
            self.members.addItem(item)

    def _filter(self, text: str) -> None:
        for i in range(self.members.count()):
            item = self.members.item(i)
            item.setHidden(bool(text) and text not in item.text())

    def checked(self) -> list[int]:
        return [int(self.members.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.members.count())
                if self.members.item(i).checkState() == Qt.CheckState.Checked]

    def build(self) -> Callable[[Store], Any]:
        on, topic, minutes = date_of(self.held_on), self.topic.text(), self.minutes.value()
        ids, note = self.checked(), self.note.toPlainText()
        return lambda store: add_group_session(store, on, topic, minutes, ids, note)


class RecordsTab(FileTab):
    def __init__(self, ctx: StoreContext, home: bool) -> None:
        super().__init__(ctx)
        self.home = home
        self.kinds = HOME_ONLY if home else COUNSELLING_ONLY
        self.table, self.model = table(COLUMNS, self, foreground=self._muted)
        self.detail = QTextBrowser()
        self.detail.setPlaceholderText(texts.DETAIL_EMPTY)
        self.add_button = QPushButton(texts.ADD_RECORD)
        self.correct_button = QPushButton(texts.CORRECT_RECORD)
        self.history_button = QPushButton(texts.SHOW_HISTORY)
        self.guardians_button = QPushButton(texts.EDIT_GUARDIANS)
        self.guardians_button.setVisible(False)
        self.guardians_button.clicked.connect(lambda: self.edit_guardians())
        self.group_button = QPushButton(texts.GROUP_ADD)
        self.group_button.clicked.connect(lambda: self.add_group())
        self.add_button.clicked.connect(lambda: self.add())
        self.correct_button.clicked.connect(lambda: self.correct())
        self.history_button.clicked.connect(lambda: self.history())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(button_row(self.add_button, self.group_button, self.correct_button,
                                    self.history_button, self.guardians_button))
        layout.addWidget(split, 1)
        self._selection_changed()

    @staticmethod
    def _muted(row: CounsellingRow, column: int) -> Any:
        return MUTED_TEXT if column == STATE_COLUMN else None

    def show_view(self, view: FileView) -> None:
        self.view_ = view
        rows = [r for r in view.file.counselling if r.kind in self.kinds]
        keep = selected(self.table, self.model)
        fill(self.table, self.model, list(reversed(rows)))  # newest first
        for button in (self.add_button, self.correct_button):
            button.setVisible(view.can_edit)
        self.history_button.setVisible(view.can_edit)
        self.guardians_button.setVisible(view.can_edit and self.home)
        self.group_button.setVisible(view.can_edit and not self.home)
        self.detail.setVisible(view.can_edit)  # a summary has no content to show
        for col in SUMMARY_HIDDEN:
            self.table.setColumnHidden(col, not view.can_edit)
        if keep is not None:
            self.select_id(keep.id)
        self._selection_changed()

    def select_id(self, record_id: int) -> None:
        for i, row in enumerate(self.model.rows):
            if row.id == record_id:
                self.table.selectRow(i)

    def _selection_changed(self, *_args: object) -> None:
        row = selected(self.table, self.model)
        self.correct_button.setEnabled(row is not None)
        self.history_button.setEnabled(row is not None and row.corrected)
        if row is None:
            self.detail.clear()
            return
        parts = [f"<b>{escape(day(row.held_on))}　{escape(label(COUNSELLING_KINDS, row.kind))}"
                 f"</b>　{escape(row.participants)}"]
        if row.confidential or row.corrected:
            parts.append(f"<span style='color:#777'>{escape(_state(row))}</span>")
        parts.append(escape(row.content).replace("\n", "<br>"))
        if row.next_step:
            parts.append(f"<b>{texts.F_NEXT_STEP}</b>{escape(row.next_step)}")
        self.detail.setHtml("<p>" + "</p><p>".join(parts) + "</p>")

    def add(self) -> RecordDialog | None:
        title = texts.HOME_ADD_TITLE if self.home else texts.RECORD_ADD_TITLE
        return self.open_dialog(
            lambda v: RecordDialog(self.ctx, v.file.profile.id, self.kinds, title, self, v.today))

    def edit_guardians(self) -> GuardiansDialog | None:
        return self.open_dialog(lambda v: GuardiansDialog(self.ctx, v.file.profile.id, self))

    def add_group(self) -> GroupDialog | None:
        return self.open_dialog(lambda v: GroupDialog(self.ctx, v.file.profile.id, v.today, self))

    def correct(self) -> RecordDialog | None:
        row = selected(self.table, self.model)
        if row is None:
            return None
        return self.open_dialog(
            lambda v: RecordDialog(self.ctx, v.file.profile.id, self.kinds,
                                   texts.RECORD_CORRECT_TITLE, self, v.today, old=row))

    def history(self) -> HistoryDialog | None:
        row = selected(self.table, self.model)
        return self.open_history("counselling", row.id if row else None)
