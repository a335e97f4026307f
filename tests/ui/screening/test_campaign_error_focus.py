"""The campaign form's refusals, as every form's (app/ui/form_errors.py): the cursor
goes to what is wrong — the class list, the end date, the reason the service asks
for — and the red line goes as soon as that is changed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from app.services.classes import list_classes
from app.ui.screening import strings as s
from tests.ui.screening.screening_helpers import School, phq9_form_with_grade_5
from tests.ui.ui_helpers import idle


def test_campaign_errors_focus_their_field_and_clear_when_it_changes(
        qtbot, school: School, screens_dir: Path):
    dialog = phq9_form_with_grade_5(qtbot, school)  # deletes itself on close
    dialog.name.setFocus()

    dialog.submit()  # no class ticked
    assert dialog.error.text() == s.NEW_NEED_CLASS
    assert dialog.focusWidget() is dialog.class_list
    dialog.grab().save(str(screens_dir / "campaign-error-focus.png"))
    little = next(c for c in list_classes(school.store) if c.grade == 5)
    row = next(i for i, c in enumerate(dialog.classes) if c.id == little.id)
    dialog.class_list.item(row).setCheckState(Qt.CheckState.Checked)
    assert dialog.error.text() == ""

    dialog.ends.setDate(dialog.starts.date().addDays(-1))
    dialog.submit()
    assert dialog.error.text() == s.NEW_DATES_ORDER
    assert dialog.focusWidget() is dialog.ends
    dialog.name.setText("五年级试测 PHQ-9")  # another field: the line stays
    assert dialog.error.text() == s.NEW_DATES_ORDER
    dialog.ends.setDate(dialog.starts.date().addDays(14))
    assert dialog.error.text() == ""

    dialog.submit()  # the service asks why a 五年级 class takes PHQ-9
    idle(qtbot)
    assert "超出适用年级的原因" in dialog.error.text()
    assert dialog.focusWidget() is dialog.grade_reason
    assert dialog.create_button.isEnabled()
    dialog.grade_reason.setText("区教育局统一安排")
    assert dialog.error.text() == ""
    dialog.reject()
