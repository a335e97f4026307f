"""「编辑批次」 and 「删除批次」 on the 筛查测评 page: the creation form prefilled, a class with
results locked (and refused by the service if results arrive while the form is open),
deletion only of an empty campaign and only after asking."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.services import audit
from app.services.screening.campaigns import create_campaign, get_campaign, list_campaigns
from app.services.screening.importing import save_answer_string
from app.ui.screening import strings as s
from app.ui.screening.campaign_dialog import CampaignDialog
from tests.ui.screening.screening_helpers import School, make_page, save_screen
from tests.ui.ui_helpers import close_boxes, closed, idle, message_boxes, visible


def _classes(school: School) -> list[int]:
    return sorted({st.class_id for st in school.students})


def _members(school: School, class_id: int) -> list:
    return [st for st in school.students if st.class_id == class_id]


def _open_editor(qtbot, page, campaign_id: int) -> CampaignDialog:
    page.select_campaign(campaign_id)
    idle(qtbot)
    page.edit_campaign()
    idle(qtbot)
    [dialog] = [d for d in visible(CampaignDialog) if isinstance(d, CampaignDialog)]
    return dialog


def _item(dialog: CampaignDialog, class_id: int):  # type: ignore[no-untyped-def]
    return dialog.class_list.item([c.id for c in dialog.classes].index(class_id))


def test_edit_prefills_locks_classes_with_results_and_saves(qtbot, school: School,
                                                            screens_dir: Path):
    c1, c2, c3 = _classes(school)[:3]
    campaign = create_campaign(school.store, "2026秋 PHQ9", "phq9", [c1, c2], term=1)
    for st in _members(school, c1)[:3]:
        save_answer_string(school.store, campaign.id, st.id, "110000000")
    page = make_page(qtbot, school)
    assert not page.delete_button.isEnabled()
    assert "已有 3 份测评结果，不能删除" in page.delete_button.toolTip()

    dialog = _open_editor(qtbot, page, campaign.id)
    assert dialog.windowTitle() == s.EDIT_TITLE.format(name="2026秋 PHQ9")
    assert dialog.name.text() == "2026秋 PHQ9" and dialog.create_button.text() == s.EDIT_SAVE
    assert dialog.instrument.currentData() == "phq9" and not dialog.instrument.isEnabled()
    assert s.EDIT_INSTRUMENT_FIXED in dialog.instrument_hint.text()
    assert dialog.starts.text() == s.EDIT_NO_DATE  # made without dates
    assert set(dialog.selected_class_ids()) == {c1, c2}
    locked = _item(dialog, c1)
    assert not locked.flags() & Qt.ItemFlag.ItemIsEnabled
    assert "已有 3 份结果，不能取消" in locked.text()
    dialog.none_button.click()
    assert dialog.selected_class_ids() == [c1]  # the class with results stays ticked
    _item(dialog, c3).setCheckState(Qt.CheckState.Checked)
    dialog.name.setText("2026秋季 PHQ-9")
    dialog.term.setCurrentIndex(dialog.term.findData(2))
    save_screen(dialog, screens_dir, "campaign-edit")

    dialog.submit()
    idle(qtbot)
    assert closed(dialog)
    [done] = message_boxes()
    assert done.text() == s.EDIT_DONE.format(name="2026秋季 PHQ-9") + s.EDIT_DONE_STUDENTS.format(
        added=len(_members(school, c3)), removed=len(_members(school, c2)))
    close_boxes()
    idle(qtbot)
    assert [r.name for r in page.campaigns.rows] == ["2026秋季 PHQ-9"]
    assert page.selected_campaign().term == 2
    assert [c.class_id for c in page.completion.rows] == [c1, c3]
    assert "campaign_updated" in [e.action for e in audit.list_events(school.store, 5)]


def test_a_class_given_results_while_the_form_is_open_is_refused(qtbot, school: School):
    c1, c2 = _classes(school)[:2]
    campaign = create_campaign(school.store, "批次", "phq9", [c1, c2])
    page = make_page(qtbot, school)
    dialog = _open_editor(qtbot, page, campaign.id)
    assert _item(dialog, c2).flags() & Qt.ItemFlag.ItemIsEnabled
    save_answer_string(school.store, campaign.id, _members(school, c2)[0].id, "000000000")
    _item(dialog, c2).setCheckState(Qt.CheckState.Unchecked)
    dialog.submit()
    idle(qtbot)
    assert dialog.isVisible() and dialog.create_button.isEnabled()
    assert "已有测评结果，不能从本批次中移除" in dialog.error.text()
    assert {c.class_id for c in page.completion.rows} == {c1, c2}
    dialog.reject()


def test_delete_asks_first_and_removes_only_an_empty_campaign(qtbot, school: School,
                                                              screens_dir: Path):
    c1 = _classes(school)[0]
    kept = create_campaign(school.store, "保留", "gad7", [c1])
    mistake = create_campaign(school.store, "建错了", "gad7", [c1])
    page = make_page(qtbot, school)
    page.select_campaign(mistake.id)
    idle(qtbot)
    assert page.delete_button.isEnabled() and page.delete_button.toolTip() == s.DELETE_TIP
    save_screen(page, screens_dir, "campaign-page-edit-delete")

    box = page.delete_campaign()
    assert isinstance(box, QMessageBox) and "建错了" in box.text() and "不能撤销" in box.text()
    save_screen(box, screens_dir, "campaign-delete-confirm")
    box.defaultButton().click()  # 取消 is the default
    idle(qtbot)
    assert {c.id for c in list_campaigns(school.store)} == {kept.id, mistake.id}

    box = page.delete_campaign()
    next(b for b in box.buttons() if b.text() == s.DELETE_BUTTON).click()
    idle(qtbot)
    assert [b.text() for b in message_boxes()] == [s.DELETE_DONE.format(name="建错了")]
    close_boxes()
    idle(qtbot)
    assert [r.id for r in page.campaigns.rows] == [kept.id]
    assert page.selected_campaign().id == kept.id


def test_delete_of_a_campaign_with_results_explains_instead_of_asking(qtbot, school: School):
    c1 = _classes(school)[0]
    campaign = create_campaign(school.store, "批次", "phq9", [c1])
    page = make_page(qtbot, school)
    save_answer_string(school.store, campaign.id, _members(school, c1)[0].id, "000000000")
    page.reload()  # the page learns of the result as a broadcast would tell it
    idle(qtbot)
    assert not page.delete_button.isEnabled()
    box = page.delete_campaign()
    assert box is not None and "不能删除" in box.text()
    assert s.DELETE_BUTTON not in [b.text() for b in box.buttons()]
    close_boxes()
    assert get_campaign(school.store, campaign.id).done == 1


def test_school_year_is_chosen_and_the_list_shows_when_sheets_were_answered(
        qtbot, school: School, screens_dir: Path):
    c1 = _classes(school)[0]
    campaign = create_campaign(school.store, "补录 PHQ9", "phq9", [c1], term=1)
    st = _members(school, c1)[0]
    save_answer_string(school.store, campaign.id, st.id, "110000000")
    page = make_page(qtbot, school)
    row = page.campaigns.rows[0]
    headers = [page.campaigns.headerData(c, Qt.Orientation.Horizontal)
               for c in range(page.campaigns.columnCount())]
    dates = page.campaigns.index(0, headers.index(s.COL_DATES)).data()
    assert dates == f"{row.first_taken.date().isoformat()}（按答卷）"
    term = page.campaigns.index(0, headers.index(s.COL_TERM)).data()
    assert term == f"{row.school_year}-{row.school_year + 1}学年第一学期"

    dialog = _open_editor(qtbot, page, campaign.id)
    assert dialog.year.currentData() == row.school_year
    assert dialog.year.currentText() == f"{row.school_year}-{row.school_year + 1}学年"
    dialog.year.setCurrentIndex(dialog.year.findData(row.school_year + 1))
    save_screen(dialog, screens_dir, "campaign-year")
    dialog.submit()
    idle(qtbot)
    close_boxes()
    assert get_campaign(school.store, campaign.id).school_year == row.school_year + 1
