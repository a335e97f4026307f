"""Consent and age on screen (issue 14.4): the kiosk does not offer a student the
consent policy skips, the participation list prints its class's 知情同意书, and the
campaign form asks for a reason before taking classes outside the instrument's grades."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.models import Campaign
from app.services.classes import list_classes
from app.services.screening.campaigns import create_campaign, set_participation
from app.ui.screening.kiosk_launch import KioskLaunchDialog
from app.ui.screening.participation_dialog import ParticipationDialog
from app.ui.store_context import StoreContext
from tests.ui.screening.screening_helpers import (
    School,
    first_class_window,
    phq9_form_with_grade_5,
)
from tests.ui.ui_helpers import close_boxes, closed, idle, message_boxes


def _ctx(school: School, consent: str) -> StoreContext:
    return StoreContext(school.store, dataclasses.replace(school.ctx.deployment,
                                                          consent=consent))


def test_kiosk_skips_a_student_marked_not_consenting(qtbot, school: School):
    klass = school.first_class()
    campaign = create_campaign(school.store, "GAD-7 本机", "gad7", [klass[0].class_id])
    set_participation(school.store, campaign.id, klass[0].id, "due", consent="refused")
    launcher = KioskLaunchDialog(_ctx(school, "opt-out"), campaign, klass[0].class_id)
    qtbot.addWidget(launcher)
    launcher.show()
    idle(qtbot)
    assert launcher.proxy.rowCount() == len(klass) - 1
    launcher.show_done.setChecked(True)  # everyone listed: starting the refused one fails
    idle(qtbot)
    row = next(r for r in range(launcher.proxy.rowCount())
               if launcher.model.row_at(launcher.proxy.mapToSource(
                   launcher.proxy.index(r, 0)).row()).student_id == klass[0].id)
    launcher.view.selectRow(row)
    assert launcher.start() is None
    assert ["未同意" in box.text() for box in message_boxes()] == [True]
    close_boxes()
    launcher.close()


def test_participation_prints_the_class_consent_forms(qtbot, school: School, tmp_path: Path):
    _, dialog = first_class_window(
        qtbot, school, "2026秋 PHQ-9", "phq9",
        lambda c, class_id: ParticipationDialog(school.ctx, c, class_id))
    out = tmp_path / "forms.pdf"
    assert dialog.print_consent_forms(out) is not None
    idle(qtbot)
    assert out.read_bytes().startswith(b"%PDF")
    assert [str(out) in box.text() for box in message_boxes()] == [True]
    close_boxes()  # the dialog (deleted on close) is closed by qtbot, not here


def test_campaign_form_asks_why_for_classes_outside_the_grades(qtbot, school: School,
                                                              screens_dir: Path):
    dialog = phq9_form_with_grade_5(qtbot, school)  # deletes itself on close
    little = next(c for c in list_classes(school.store) if c.grade == 5)
    for i, row in enumerate(dialog.classes):
        dialog.class_list.item(i).setCheckState(
            Qt.CheckState.Checked if row.id == little.id else Qt.CheckState.Unchecked)
    dialog.name.setText("五年级试测 PHQ-9")
    dialog.submit()
    idle(qtbot)
    assert "五年级(2)班" in dialog.error.text() and "原因" in dialog.error.text()
    dialog.grade_reason.setText("区教育局统一安排五年级试测")
    dialog.grab().save(str(screens_dir / "campaign_grade_reason.png"))
    dialog.submit()
    idle(qtbot)
    close_boxes()
    assert closed(dialog)
    with school.store.read() as session:
        assert session.scalar(select(Campaign.grade_reason).where(
            Campaign.name == "五年级试测 PHQ-9")) == "区教育局统一安排五年级试测"
