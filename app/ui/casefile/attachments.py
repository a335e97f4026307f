"""附件 in the referral tab: the scans kept with the referral shown (kind, date, format,
size, who), 添加附件…, 查看, 另存为… and 删除….

Nothing is decrypted to disk to be looked at: 查看 reads and decrypts the scan on a
worker (audited "attachment_read") and decodes an image there too (QImage is safe off the
GUI thread), then shows it in a scroll area in the program. PySide6-Essentials has no
PDF viewer, so 查看 on a PDF offers 另存为… instead, with the warning that the saved copy
is not encrypted — the same warning 另存为… always gives first. Saving goes through the
service (audited "attachment_saved"), never through bytes kept in the window.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QPixmap, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.errors import BadInputError
from app.labels import ATTACHMENT_KINDS, label
from app.services.casefile.rows import AttachmentRow
from app.services.referral.attachments import (
    AttachmentFile,
    add_attachment_file,
    read_attachment,
    remove_attachment,
    save_attachment,
    size_text,
    suggested_name,
    type_name,
)
from app.services.today import local_date
from app.store.handle import Store
from app.ui import file_dialogs
from app.ui.casefile import texts
from app.ui.casefile.letter_print import show_saved
from app.ui.casefile.widgets import (
    FormDialog,
    button_row,
    code_combo,
    fill,
    selected,
    table,
    text_edit,
)
from app.ui.opening import open_for, opened
from app.ui.store_context import StoreContext
from app.ui.table_models import Column
from app.ui.workers import Op


def added_on(row: AttachmentRow) -> str:
    return local_date(row.added_at).isoformat()


class AttachmentsBox(QGroupBox):
    """The list of one referral's attachments and what can be done with them."""

    def __init__(self, ctx: StoreContext, parent: QWidget | None = None) -> None:
        super().__init__(texts.ATT_TITLE, parent)
        self.ctx = ctx
        self.student_id: int | None = None
        self.referral_id: int | None = None
        columns = (
            Column(texts.COL_ATT_KIND, lambda a: label(ATTACHMENT_KINDS, a.kind)),
            Column(texts.COL_ATT_ADDED, added_on),
            Column(texts.COL_ATT_TYPE, lambda a: type_name(a.file_type)),
            Column(texts.COL_ATT_SIZE, lambda a: size_text(a.size)),
            Column(texts.COL_ATT_BY, lambda a: a.added_by),
        )
        self.view, self.model = table(columns, self)
        self.view.setSortingEnabled(False)
        self.view.activated.connect(lambda _index: self.show_selected())
        self.none_label = QLabel(texts.ATT_NONE)
        self.add_button = QPushButton(texts.ATT_ADD)
        self.view_button = QPushButton(texts.ATT_VIEW)
        self.save_button = QPushButton(texts.ATT_SAVE)
        self.remove_button = QPushButton(texts.ATT_REMOVE)
        self.add_button.clicked.connect(lambda: self.add())
        self.view_button.clicked.connect(lambda: self.show_selected())
        self.save_button.clicked.connect(lambda: self.save_selected())
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        layout = QVBoxLayout(self)
        layout.addWidget(self.none_label)
        layout.addWidget(self.view, 1)
        layout.addLayout(button_row(self.add_button, self.view_button, self.save_button,
                                    self.remove_button))

    def show_rows(self, student_id: int, referral_id: int,
                  rows: tuple[AttachmentRow, ...]) -> None:
        self.student_id, self.referral_id = student_id, referral_id
        fill(self.view, self.model, list(rows))
        self.none_label.setVisible(not rows)
        self.view.setVisible(bool(rows))
        if rows:
            self.view.selectRow(len(rows) - 1)  # the newest
        self._enable()

    def _enable(self) -> None:
        chosen = self.current() is not None
        for button in (self.view_button, self.save_button, self.remove_button):
            button.setEnabled(chosen)

    def current(self) -> AttachmentRow | None:
        return selected(self.view, self.model)

    def add(self) -> AttachmentDialog | None:
        if self.student_id is None or self.referral_id is None:
            return None
        return opened(AttachmentDialog(self.ctx, self.student_id, self.referral_id, self))

    def show_selected(self) -> Op | QMessageBox | None:
        row = self.current()
        if row is None:
            return None
        if not row.is_image:  # a PDF: no viewer in PySide6-Essentials
            return self.ask_plain_copy(row, texts.ATT_PDF_VIEW)
        return self.ctx.query(self, lambda store: _decoded(store, row.id),
                              lambda found: self._viewer(*found), label=texts.ATT_OPENING)

    def _viewer(self, file: AttachmentFile, image: QImage) -> AttachmentViewer:
        viewer = AttachmentViewer(file.row, image, lambda: self.ask_plain_copy(file.row),
                                  self)
        viewer.open()
        return viewer

    def save_selected(self) -> QMessageBox | None:
        row = self.current()
        return self.ask_plain_copy(row) if row is not None else None

    def ask_plain_copy(self, row: AttachmentRow, intro: str = "") -> QMessageBox:
        """The warning before any copy leaves the encryption, with 另存为… and 取消."""
        box = QMessageBox(QMessageBox.Icon.Warning, texts.ATT_PLAIN_TITLE,
                          intro + texts.ATT_PLAIN_WARNING, QMessageBox.StandardButton.Cancel,
                          self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        save = box.addButton(texts.ATT_SAVE, QMessageBox.ButtonRole.AcceptRole)
        save.clicked.connect(lambda: self.save_as(row))
        box.open()
        return box

    def save_as(self, row: AttachmentRow) -> Op | None:
        path = file_dialogs.ask_save_path(
            self, file_dialogs.ATTACHMENTS, texts.ATT_SAVE_TITLE, suggested_name(row),
            f"{type_name(row.file_type)} (*{Path(suggested_name(row)).suffix})",
            Path(suggested_name(row)).suffix)
        if path is None:
            return None
        return self.save_to(row, path)

    def save_to(self, row: AttachmentRow, path: Path) -> Op | None:
        return self.ctx.query(self, lambda store: save_attachment(store, row.id, path),
                              lambda out: show_saved(self, texts.ATT_SAVED_TITLE, out),
                              label=texts.ATT_OPENING)

    def remove_selected(self) -> RemoveAttachmentDialog | None:
        return open_for(self.current(), lambda row: RemoveAttachmentDialog(self.ctx, row, self))


def _decoded(store: Store, attachment_id: int) -> tuple[AttachmentFile, QImage]:
    """On the worker: decrypt (audited) and decode the image."""
    file = read_attachment(store, attachment_id)
    image = QImage()
    image.loadFromData(file.data)
    return file, image


class AttachmentViewer(QDialog):
    """An image scan shown from memory, fitted to the window's width unless asked."""

    def __init__(self, row: AttachmentRow, image: QImage, save: Callable[[], object],
                 parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(texts.ATT_VIEW_TITLE.format(
            kind=label(ATTACHMENT_KINDS, row.kind), added=added_on(row)))
        self.resize(820, 680)
        self.pixmap = QPixmap.fromImage(image)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if self.pixmap.isNull():
            self.picture.setText(texts.ATT_BAD_IMAGE)
            self.picture.setWordWrap(True)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.picture)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.fit = QCheckBox(texts.ATT_FIT)
        self.fit.setChecked(True)
        self.fit.toggled.connect(lambda _on: self._show())
        save_button = QPushButton(texts.ATT_SAVE)
        save_button.clicked.connect(lambda: save())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.fit)
        bottom.addStretch(1)
        bottom.addWidget(save_button)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(bottom)
        self._show()

    def _show(self) -> None:
        if self.pixmap.isNull():
            self.scroll.setWidgetResizable(True)
            return
        width = self.scroll.viewport().width() - 4
        shown = self.pixmap
        if self.fit.isChecked() and width > 0 and self.pixmap.width() > width:
            shown = self.pixmap.scaledToWidth(width,
                                              Qt.TransformationMode.SmoothTransformation)
        self.picture.setPixmap(shown)
        self.picture.resize(shown.size())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._refit_soon()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._refit_soon()

    def _refit_soon(self) -> None:
        """Once the layout has settled: the viewport's width is known only then."""
        if self.fit.isChecked():
            QTimer.singleShot(0, self, self._show)


class AttachmentDialog(FormDialog):
    """添加附件: the kind and the file; the file is read, checked and encrypted on the
    worker (a refusal — too big, not PDF/JPEG/PNG — stays in the form)."""

    def __init__(self, ctx: StoreContext, student_id: int, referral_id: int,
                 parent: QWidget | None) -> None:
        super().__init__(ctx, student_id, texts.ATT_ADD_TITLE, parent)
        self.referral_id = referral_id
        self.set_intro(texts.ATT_ADD_HINT)
        self.kind = code_combo(ATTACHMENT_KINDS)
        self.path: Path | None = None
        self.file_name = QLineEdit()
        self.file_name.setReadOnly(True)
        self.pick = QPushButton(texts.ATT_PICK)
        self.pick.clicked.connect(lambda: self.choose())
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.file_name, 1)
        line.addWidget(self.pick)
        self.form.addRow(texts.F_ATT_KIND, self.kind)
        self.form.addRow(texts.F_ATT_FILE, row)

    def choose(self) -> Path | None:
        path = file_dialogs.ask_open_path(self, file_dialogs.ATTACHMENTS, texts.ATT_PICK_TITLE,
                                          texts.ATT_FILTER)
        if path is not None:
            self.path = path
            self.file_name.setText(path.name)  # shown here only, never stored
            self.field_errors.clear()
        return path

    def build(self) -> Callable[[Store], int]:
        if self.path is None:
            raise BadInputError(texts.ATT_NO_FILE)
        sid, rid, kind, path = self.student_id, self.referral_id, self.kind.currentData(), \
            self.path
        return lambda store: add_attachment_file(store, sid, kind, path, rid)


class RemoveAttachmentDialog(FormDialog):
    def __init__(self, ctx: StoreContext, row: AttachmentRow, parent: QWidget | None) -> None:
        super().__init__(ctx, row.student_id, texts.ATT_REMOVE_TITLE, parent)
        self.row = row
        self.set_intro(texts.ATT_REMOVE_HINT)
        self.reason = text_edit()
        self.form.addRow(texts.F_ATT_REASON, self.reason)

    def build(self) -> Callable[[Store], int]:
        aid, reason = self.row.id, self.reason.toPlainText()
        return lambda store: remove_attachment(store, aid, reason)
