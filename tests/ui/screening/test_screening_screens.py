"""Screenshots of every screening view, rendered offscreen with the shipped font.

Saved as screening-*.png to $QINGXIN_SCREENS_DIR if set (to look at them), otherwise
to the test's temporary folder. The assertions only check that each image is not
blank; whether text is clipped or shows tofu boxes is for a person to look at.
"""

from __future__ import annotations

import random
from pathlib import Path

from app.services.screening.campaigns import CampaignRow, create_campaign
from app.services.screening.entry import campaign_students, mark_participation
from app.services.screening.importing import save_answer_string
from app.ui.screening.kiosk import KioskDialog
from tests.ui.screening.screening_helpers import (
    PHQ_LABELS,
    SURVEY_QUESTIONS,
    School,
    save_screen,
    write_wjx,
)
from tests.ui.ui_helpers import close_boxes, idle


def fill(school: School, campaign_id: int, class_id: int, width: int, values: str,
         seed: int, skip: int = 0) -> None:
    rng = random.Random(seed)
    students = [s for s in school.students if s.class_id == class_id]
    for student in students[skip:]:
        weights = [8, 3, 2, 1][:len(values)]
        text = "".join(rng.choices(values, weights=weights, k=width))
        save_answer_string(school.store, campaign_id, student.id, text)


def first_students_kiosk(qtbot, school: School, campaign: CampaignRow,
                         class_id: int) -> KioskDialog:
    """本机作答 for the class's first student, on screen at a classroom PC's size."""
    rows = campaign_students(school.store, campaign.id, class_id)
    kiosk = KioskDialog(school.ctx, campaign, rows[0])
    qtbot.addWidget(kiosk)
    kiosk.resize(1280, 800)
    kiosk.show()
    return kiosk


def test_screening_screenshots(qtbot, school: School, tmp_path: Path, screens_dir: Path):
    from test_screening_flow import make_page

    classes = sorted({s.class_id for s in school.students})
    phq = create_campaign(school.store, "2026秋季 PHQ-9 全校筛查", "phq9", classes)
    mht = create_campaign(school.store, "2026秋季 MHT 初一", "mht", classes[:1])
    fill(school, phq.id, classes[0], 9, "0123", seed=1, skip=5)
    fill(school, phq.id, classes[1], 9, "0123", seed=2, skip=20)
    fill(school, mht.id, classes[0], 100, "01", seed=3, skip=3)
    first = school.first_class()
    mark_participation(school.store, phq.id, [first[0].id, first[1].id], "leave")

    page = make_page(qtbot, school)
    page.select_campaign(phq.id)
    idle(qtbot)
    save_screen(page, screens_dir, "01-campaigns")

    dialog = page.new_campaign()
    idle(qtbot)
    dialog.check_classes(set(classes[:2]))
    save_screen(dialog, screens_dir, "02-new-campaign")
    dialog.reject()

    klass = school.first_class()
    other = school.students[-1]
    path = write_wjx(tmp_path / "问卷星导出.xlsx", [
        *[(st.student_no, st.name, st.class_name, [PHQ_LABELS[i % 4]] * 9)
          for i, st in enumerate(klass[2:8])],
        ("G999", "查无此人", klass[0].class_name, [PHQ_LABELS[0]] * 9),
        (klass[3].student_no, klass[3].name, klass[3].class_name, [PHQ_LABELS[0]] * 9),
        (klass[9].student_no, klass[9].name, klass[9].class_name, ["偶尔"] * 9),
        (other.student_no, other.name, other.class_name, [PHQ_LABELS[0]] * 9),
    ])
    importer = page.open_import()
    importer.offset.blockSignals(True)
    importer.offset.setValue(SURVEY_QUESTIONS)
    importer.offset.blockSignals(False)
    importer.choose_file(path)
    idle(qtbot)
    save_screen(importer, screens_dir, "03-import-preview")
    importer.tabs.setCurrentIndex(1)
    save_screen(importer, screens_dir, "04-import-problems")
    importer.reject()

    participation = page.open_participation(classes[0])
    idle(qtbot)
    participation.view.selectRow(0)
    save_screen(participation, screens_dir, "05-participation")
    participation.reject()

    results = page.open_results()
    idle(qtbot)
    critical = next(r for r in range(results.proxy.rowCount())
                    if results.model.row_at(results.proxy.mapToSource(
                        results.proxy.index(r, 0)).row()).critical)
    results.view.selectRow(critical)
    save_screen(results, screens_dir, "06-results-phq9")
    results.reject()

    page.select_campaign(mht.id)
    idle(qtbot)
    results = page.open_results()
    idle(qtbot)
    results.resize(1280, 760)
    results.view.selectRow(0)
    save_screen(results, screens_dir, "07-results-mht-profile")
    results.reject()

    entry = page.open_entry(classes[0])
    idle(qtbot)
    entry.select_row(1)
    entry.answer.setText("1011001011 0100110010 01121")
    save_screen(entry, screens_dir, "08-entry-mht")
    entry.reject()

    kiosk = first_students_kiosk(qtbot, school, phq, classes[0])
    save_screen(kiosk, screens_dir, "09-kiosk-welcome")
    kiosk.show_item(0)
    kiosk.options.button(0).click()
    kiosk.show_item(7)
    save_screen(kiosk, screens_dir, "10-kiosk-phq9-item")
    kiosk.show_review()
    save_screen(kiosk, screens_dir, "11-kiosk-review")
    kiosk.request_exit()
    save_screen(kiosk.prompt, screens_dir, "12-kiosk-password")
    kiosk.prompt.reject()
    kiosk.reject()

    kiosk = first_students_kiosk(qtbot, school, mht, classes[0])
    kiosk.show_item(41)
    save_screen(kiosk, screens_dir, "13-kiosk-mht-paper-item")
    kiosk.pages.setCurrentIndex(3)
    save_screen(kiosk, screens_dir, "14-kiosk-thanks")
    kiosk.reject()
    close_boxes()
