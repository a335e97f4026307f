"""Screenshots of the 报告与上报 page in each state, rendered offscreen with the shipped font.

Saved as reports-*.png to $QINGXIN_SCREENS_DIR if set (to look at them), otherwise to
the test's temporary folder. The assertions only check that each image is not blank;
whether text is clipped or shows tofu boxes is for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

from app.deployment import Deployment
from app.ui import file_dialogs
from tests.export.export_helpers import SCHOOL_CODE, deployment
from tests.ui.reports.reports_helpers import SaveDialog, Screened, box_with, make_page, save_screen
from tests.ui.ui_helpers import close_boxes, idle


def test_reports_page_screenshots(qtbot, screened: Screened, store, district_key,
                                  tmp_path: Path, screens_dir: Path, monkeypatch):
    school = screened.school
    page = make_page(qtbot, store, deployment(district_key, "named"))
    tab = page.reports
    tab.select_campaign(school.phq)
    idle(qtbot)
    save_screen(page, screens_dir, "01-group")
    tab.kind_radios["individual"].setChecked(True)
    tab.klass.setCurrentIndex(1)
    tab.class_radio.setChecked(True)
    monkeypatch.setattr(file_dialogs, "QFileDialog", SaveDialog(tmp_path / "individual.pdf"))
    tab.generate()
    idle(qtbot)
    save_screen(box_with("个人报告"), screens_dir, "02-individual-done")
    close_boxes()
    save_screen(page, screens_dir, "03-individual")

    export = page.export
    page.setCurrentWidget(export)
    save_screen(page, screens_dir, "04-export-before-preview")
    export.period.setEditText(school.period)
    export.build_preview()
    idle(qtbot)
    save_screen(page, screens_dir, "05-export-preview-named")
    export.tables.setCurrentIndex(export.tables.count() - 1)
    save_screen(page, screens_dir, "06-export-key-list")
    save_screen(export.confirm_seal(), screens_dir, "07-seal-confirm")
    close_boxes()
    monkeypatch.setattr(file_dialogs, "QFileDialog", SaveDialog(tmp_path / "x.qxseal"))
    export.seal_to(export.preview, tmp_path / "x.qxseal")
    idle(qtbot)
    save_screen(box_with("已密封"), screens_dir, "08-sealed-box")
    close_boxes()
    save_screen(page, screens_dir, "09-sealed")

    page.close()
    bare = make_page(qtbot, store, Deployment(school_code=SCHOOL_CODE,
                                              school_name="青心实验中学"))
    bare.setCurrentWidget(bare.export)
    save_screen(bare, screens_dir, "10-no-district-key")
    bare.export.period.setEditText(school.period)
    bare.export.build_preview()
    idle(qtbot)
    save_screen(bare, screens_dir, "11-no-key-preview")


def test_empty_school_screenshot(qtbot, store, screens_dir: Path):
    page = make_page(qtbot, store)
    assert page.reports.status.text() and not page.reports.generate_button.isEnabled()
    save_screen(page, screens_dir, "00-no-results-yet")
