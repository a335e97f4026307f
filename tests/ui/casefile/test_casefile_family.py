"""Families on screen (issue 14, point 2): the guardians editor in 家校联系, and the
家校沟通 tab of 预警与转介 with the families not yet reached first."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QMessageBox
from test_casefile_triage import warnings_page

from app.services.casefile.entries import add_counselling
from app.services.casefile.guardians import list_guardians
from app.services.warning.decisions import decide_level
from app.ui.casefile import texts
from app.ui.casefile.file_window import StudentFileWindow
from app.ui.casefile.guardians_dialog import GuardiansDialog
from tests.ui.casefile.casefile_helpers import School, open_file
from tests.ui.ui_helpers import idle, visible


def test_guardians_are_added_corrected_and_removed_from_the_file(qtbot, school: School,
                                                                 monkeypatch, screens_dir):
    sid = school.students[0]
    window = open_file(qtbot, school.ctx, sid, "home")
    tab = window.pages["home"]
    assert tab.guardians_button.isVisible()
    dialog = tab.edit_guardians()
    assert isinstance(dialog, GuardiansDialog)
    idle(qtbot)
    assert dialog.model.rowCount() == 1  # from the roster
    dialog.start_new()
    dialog.name.setText("张建国")
    dialog.relation.setCurrentText("祖父")
    dialog.phone.setText("电话待补")
    dialog.save()
    idle(qtbot)
    assert "不是有效的电话号码" in dialog.error.text()
    assert dialog.focusWidget() is dialog.phone
    dialog.phone.setText("139 0000 1111")
    assert dialog.error.text() == ""
    dialog.note.setText("留守，由祖父母照看")
    dialog.save()
    idle(qtbot)
    assert dialog.model.rowCount() == 2 and dialog.editing is not None
    assert dialog.model.index(1, 2).data() == "13900001111"
    dialog.grab().save(str(screens_dir / "guardians.png"))
    dialog.phone.setText("13900002222")  # the selected row is changed, not duplicated
    dialog.save()
    idle(qtbot)
    assert [g.phone for g in list_guardians(school.store, sid)][1] == "13900002222"
    overview = window.pages["overview"]
    assert "留守，由祖父母照看" in overview.guardians.text()  # the window reloaded
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    dialog.remove()
    idle(qtbot)
    assert dialog.model.rowCount() == 1
    dialog.close()


def test_family_tab_lists_families_not_reached_first(qtbot, school: School):
    s = school.students
    decide_level(school.store, s[0], "key", "面谈")
    decide_level(school.store, s[3], "crisis", "面谈")
    add_counselling(school.store, s[0], date.today(), "three_way", "三方沟通")
    page = warnings_page(qtbot, school)
    page.tabs.setCurrentWidget(page.families)
    view = page.families
    assert [view.model.index(r, 1).data() for r in range(view.model.rowCount())] \
        == ["赵子涵", "张小雨"]
    assert view.model.index(0, 5).data() == texts.NOT_CONTACTED
    assert view.model.index(1, 7).data() == date.today().isoformat()
    assert "尚未联系 1 人" in view.summary.text()
    view.table.activated.emit(view.model.index(0, 0))
    idle(qtbot)
    [window] = visible(StudentFileWindow)
    assert window.tabs.currentWidget() is window.pages["home"]
    window.close()
