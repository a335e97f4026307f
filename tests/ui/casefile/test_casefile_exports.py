"""导出 Excel from the lists (issue 15, point 5): the dialog's choices, the key list's
two exports, the review queue as filtered, all audited and password-locked by default."""

from __future__ import annotations

import io
from datetime import date

import msoffcrypto
import openpyxl
from PySide6.QtWidgets import QLineEdit
from sqlalchemy import select
from test_casefile_triage import warnings_page

from app.models import AuditEvent
from app.services.audit_seal import open_detail
from app.services.warning.decisions import decide_level
from app.ui import strings
from app.ui.export_dialog import ExportChoice, ExportDialog
from tests.ui.casefile.casefile_helpers import School, add_result
from tests.ui.ui_helpers import close_boxes, idle

PASSWORD = "room-302"


def _rows(path, password: str | None = None) -> list[tuple]:
    data = path.read_bytes()
    if password is not None:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        office.load_key(password=password)
        plain = io.BytesIO()
        office.decrypt(plain)
        data = plain.getvalue()
    return list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def _details(school: School) -> list[str]:
    with school.store.read() as session:
        return [open_detail(session, d) for d in session.scalars(select(AuditEvent.detail).where(
            AuditEvent.action == "student_export").order_by(AuditEvent.id))]


def test_dialog_refuses_a_short_or_mismatched_password_beside_the_field(qtbot, tmp_path):
    dialog = ExportDialog(None, "导出", "名单.xlsx")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.protect.isChecked()  # a list of names is locked unless declined
    dialog.path.setText(str(tmp_path / "名单"))
    dialog.password.setText("12345")
    dialog.submit()
    assert "至少 6 位" in dialog.error.text() and dialog.choice is None
    assert dialog.focusWidget() is dialog.password
    dialog.password.setText(PASSWORD)
    assert dialog.error.text() == ""  # the message goes once the field is edited
    dialog.again.setText("room-303")
    dialog.submit()
    assert dialog.error.text() == strings.EXPORT_PASSWORDS_DIFFER
    assert isinstance(dialog.focusWidget(), QLineEdit) and dialog.focusWidget() is dialog.again
    dialog.again.setText(PASSWORD)
    dialog.submit()
    assert dialog.choice == ExportChoice(tmp_path / "名单.xlsx", PASSWORD)

    plain = ExportDialog(None, "导出", "名单.xlsx")
    qtbot.addWidget(plain)
    plain.protect.setChecked(False)
    assert not plain.password.isEnabled()
    plain.submit()
    assert plain.choice is not None and plain.choice.password is None
    assert plain.choice.path.name == "名单.xlsx"


def test_key_list_exports_shown_rows_and_the_key_students(qtbot, school: School, tmp_path,
                                                          monkeypatch):
    s = school.students
    for sid, level in ((s[0], "crisis"), (s[1], "key"), (s[2], "general"), (s[5], "key")):
        decide_level(school.store, sid, level, "面谈后确定")
    page = warnings_page(qtbot, school)
    view = page.key_list
    view.level.setCurrentIndex(view.level.findData("general"))
    chosen = [ExportChoice(tmp_path / "shown.xlsx", None),
              ExportChoice(tmp_path / "key.xlsx", PASSWORD)]
    monkeypatch.setattr("app.ui.export_dialog.ask_export", lambda *_a: chosen.pop(0))
    view.export_button.menu().actions()[0].trigger()
    idle(qtbot)
    close_boxes()
    shown = _rows(tmp_path / "shown.xlsx")
    assert shown[0][:4] == ("学籍号", "姓名", "班级", "预警等级")
    assert [r[3] for r in shown[1:]] == ["一般关注"]
    view.export_button.menu().actions()[1].trigger()  # the filter does not narrow it
    idle(qtbot)
    close_boxes()
    assert sorted(r[3] for r in _rows(tmp_path / "key.xlsx", PASSWORD)[1:]) \
        == ["危机", "重点关注", "重点关注"]
    assert _details(school)[-2:] == ["心理危机学生动态信息库 xlsx，1 人",
                                     "重点名单 xlsx，3 人，已设打开密码"]


def test_review_queue_exports_what_the_filters_show(qtbot, school: School, tmp_path,
                                                    monkeypatch):
    s = school.students
    for sid in (s[0], s[5]):
        add_result(school.store, sid, "2026秋 PHQ-9", 16, "moderately_severe", "key",
                   date.today())
    page = warnings_page(qtbot, school)
    page.tabs.setCurrentWidget(page.review)
    review = page.review
    idle(qtbot)
    assert review.proxy.rowCount() == 2
    review.school_class.setCurrentIndex(review.school_class.count() - 1)
    assert review.proxy.rowCount() == 1
    monkeypatch.setattr("app.ui.export_dialog.ask_export",
                        lambda *_a: ExportChoice(tmp_path / "review.xlsx", PASSWORD))
    review.export_button.click()
    idle(qtbot)
    close_boxes()
    rows = _rows(tmp_path / "review.xlsx", PASSWORD)
    assert len(rows) == 2 and rows[1][3] == "2026秋 PHQ-9" and rows[1][12] == "重点关注"
    assert _details(school)[-1] == "复核名单 xlsx，1 人，已设打开密码"
