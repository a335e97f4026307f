"""附件 in the 转介 tab over the real services: adding a scan through the (patched)
file-dialog helper, a refusal staying in the form, viewing an image in the program
(nothing written to disk), and a PDF offered as an unencrypted copy after a warning."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication, QMessageBox

from app.services.referral.attachments import add_attachment
from app.services.referral.workflow import open_referral
from app.ui import file_dialogs
from app.ui.casefile import texts
from app.ui.casefile.attachments import AttachmentsBox, AttachmentViewer
from app.ui.casefile.referral_tab import ReferralTab
from tests.ui.casefile.casefile_helpers import School, audit_count, column, open_file, submit
from tests.ui.ui_helpers import close_boxes, closed, idle, message_boxes, screen_saver

save = screen_saver("attachments-")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def scan_png(path: Path, width: int = 1200, height: int = 1600) -> Path:
    """A made-up scan: a white page with a few grey text lines and a red stamp."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.fillRect(100, 100, 1000, 60, QColor("#333333"))
    for y in range(260, 1300, 80):
        painter.fillRect(100, y, 900 - (y % 300), 24, QColor("#999999"))
    painter.setPen(QColor("#c0392b"))
    painter.drawEllipse(800, 1250, 260, 260)
    painter.end()
    assert image.save(str(path), "PNG")
    return path


def box_of(qtbot, school: School) -> AttachmentsBox:
    window = open_file(qtbot, school.ctx, school.students[0], "referral")
    tab = window.pages["referral"]
    assert isinstance(tab, ReferralTab)
    return tab.attachments_box


@pytest.fixture
def referred(school: School) -> int:
    return open_referral(school.store, school.students[0], {"self_harm"}, date(2026, 3, 2))


def test_add_view_and_save_a_scan(qtbot, school: School, referred, tmp_path, monkeypatch,
                                  screens_dir):
    box = box_of(qtbot, school)
    assert box.isVisible() and box.none_label.isVisible() and not box.view_button.isEnabled()
    scan = scan_png(tmp_path / "张小雨-回执.png")
    monkeypatch.setattr(file_dialogs, "ask_open_path", lambda *_a, **_k: scan)
    dialog = box.add()
    assert dialog is not None
    submit(qtbot, dialog)  # no file chosen yet
    assert dialog.error.text() == texts.ATT_NO_FILE
    dialog.choose()
    assert dialog.file_name.text() == "张小雨-回执.png" and not dialog.error.text()
    dialog.kind.setCurrentIndex(dialog.kind.findData("receipt"))
    submit(qtbot, dialog)
    assert closed(dialog)
    box = box_of(qtbot, school)  # the window reloaded on the broadcast
    assert column(box.model, 0) == ["回执"] and column(box.model, 2) == ["PNG"]
    assert column(box.model, 4) == ["admin"] and box.view_button.isEnabled()
    assert audit_count(school.store, "attachment_added", school.students[0]) == 1

    written_before = set(tmp_path.rglob("*"))
    box.show_selected()
    idle(qtbot)
    viewers = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, AttachmentViewer) and w.isVisible()]
    assert len(viewers) == 1
    viewer = viewers[0]
    qtbot.addWidget(viewer)
    assert (viewer.pixmap.width(), viewer.pixmap.height()) == (1200, 1600)
    qtbot.waitUntil(lambda: abs(viewer.picture.pixmap().width()
                                - viewer.scroll.viewport().width()) <= 4)  # fitted
    assert "回执" in viewer.windowTitle()
    assert set(tmp_path.rglob("*")) == written_before  # nothing decrypted to disk
    assert audit_count(school.store, "attachment_read", school.students[0]) == 1
    save(box.window(), screens_dir, "referral-tab")
    save(viewer, screens_dir, "viewer")
    viewer.fit.setChecked(False)
    assert viewer.picture.pixmap().width() == 1200
    viewer.reject()


def test_a_refused_file_stays_in_the_form_and_saves_nothing(qtbot, school: School, referred,
                                                            tmp_path, monkeypatch):
    box = box_of(qtbot, school)
    fake = tmp_path / "病历证明.pdf"
    fake.write_bytes(b"PK\x03\x04" + bytes(500))  # a Word file named .pdf
    monkeypatch.setattr(file_dialogs, "ask_open_path", lambda *_a, **_k: fake)
    dialog = box.add()
    assert dialog is not None
    dialog.choose()
    submit(qtbot, dialog)
    assert not closed(dialog)
    assert dialog.error.text().startswith("附件文件不是 PDF、JPEG 或 PNG")
    assert dialog.file_name.hasFocus() or dialog.focusWidget() is not None
    assert audit_count(school.store, "attachment_added") == 0


def test_a_pdf_is_offered_as_an_unencrypted_copy_after_a_warning(
        qtbot, school: School, referred, tmp_path, monkeypatch):
    add_attachment(school.store, school.students[0], "certificate", PDF, "pdf")
    box = box_of(qtbot, school)
    assert column(box.model, 0) == ["病历证明"]
    box.show_selected()
    warnings = [b for b in message_boxes() if b.windowTitle() == texts.ATT_PLAIN_TITLE]
    assert len(warnings) == 1
    assert "不能在程序内显示 PDF" in warnings[0].text() and "没有加密" in warnings[0].text()
    assert audit_count(school.store, "attachment_read") == 0
    out = tmp_path / "out" / "copy.pdf"
    out.parent.mkdir()
    asked: list[str] = []

    def ask(_parent, kind, _title, name, _filter, suffix):
        asked.append(f"{kind.key} {name} {suffix}")
        return out

    monkeypatch.setattr(file_dialogs, "ask_save_path", ask)
    save_button = next(b for b in warnings[0].buttons()
                       if b.text() == texts.ATT_SAVE)
    save_button.click()
    idle(qtbot)
    assert asked == [f"attachments 病历证明-F{1:05d}.pdf .pdf"]
    assert out.read_bytes() == PDF
    assert audit_count(school.store, "attachment_saved", school.students[0]) == 1
    close_boxes()


def test_removing_asks_for_a_reason(qtbot, school: School, referred):
    add_attachment(school.store, school.students[0], "other", PDF, "pdf")
    box = box_of(qtbot, school)
    dialog = box.remove_selected()
    assert dialog is not None
    submit(qtbot, dialog)
    assert dialog.error.text().startswith("删除理由")
    dialog.reason.setPlainText("传错了学生")
    submit(qtbot, dialog)
    assert closed(dialog)
    box = box_of(qtbot, school)
    assert box.model.rowCount() == 0 and box.none_label.isVisible()
    assert audit_count(school.store, "attachment_removed", school.students[0]) == 1


def test_the_message_box_is_window_modal_to_the_file(qtbot, school: School, referred):
    add_attachment(school.store, school.students[0], "other", PDF, "pdf")
    box = box_of(qtbot, school)
    warning = box.save_selected()
    assert isinstance(warning, QMessageBox)
    assert warning.parent() is box and warning.icon() == QMessageBox.Icon.Warning
    assert warning.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    close_boxes()
