"""The screening area end to end over the real services: new campaign → import a
问卷星 export (preview statuses, nothing written before confirm) → results filtered
→ Excel export; participation marks; the page inside the main window and the lock."""

from __future__ import annotations

import openpyxl
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.models import AuditEvent
from app.services.screening.campaigns import create_campaign, get_campaign
from app.services.screening.results import campaign_results
from app.ui.export_dialog import ExportChoice
from app.ui.screening import strings as s
from app.ui.screening.campaign_page import ScreeningPage
from app.ui.screening.import_dialog import ImportDialog
from app.ui.screening.participation_dialog import ParticipationDialog
from app.ui.screening.results_dialog import ResultsDialog
from tests.ui.screening.screening_helpers import (
    PHQ_LABELS,
    SURVEY_QUESTIONS,
    School,
    make_page,
    save_screen,
    write_wjx,
)
from tests.ui.ui_helpers import close_boxes, closed, idle, message_boxes, visible


def shown(model) -> list:
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_create_import_results_export(qtbot, school: School, tmp_path, monkeypatch):
    page = make_page(qtbot, school)
    assert page.count.text() == s.CAMPAIGNS_NONE
    assert not page.import_button.isEnabled()

    dialog = page.new_campaign()
    idle(qtbot)
    first = school.students[0]
    dialog.check_classes({first.class_id})
    dialog.instrument.setCurrentIndex(dialog.instrument.findData("phq9"))
    assert "PHQ-9" in dialog.name.text()
    dialog.name.setText("2026秋 PHQ-9 初一(1)")
    dialog.submit()
    idle(qtbot)
    close_boxes()
    assert closed(dialog)
    assert [r.name for r in page.campaigns.rows] == ["2026秋 PHQ-9 初一(1)"]
    campaign = page.selected_campaign()
    assert campaign is not None and campaign.due == len(school.first_class())
    assert [c.class_id for c in page.completion.rows] == [first.class_id]

    klass = school.first_class()
    a, b, c = klass[0], klass[1], klass[2]
    other = next(st for st in school.students if st.class_id != first.class_id)
    path = write_wjx(tmp_path / "问卷星.xlsx", [
        (a.student_no, a.name, a.class_name, [PHQ_LABELS[1]] * 9),           # matched, item 9
        ("", b.name, b.class_name, [PHQ_LABELS[0]] * 8 + [PHQ_LABELS[0]]),   # by name
        ("G999", "查无此人", a.class_name, [PHQ_LABELS[0]] * 9),              # not on roster
        (a.student_no, a.name, a.class_name, [PHQ_LABELS[0]] * 9),           # duplicate
        (c.student_no, c.name, c.class_name, ["偶尔", *[PHQ_LABELS[0]] * 8]),  # bad answer
        (other.student_no, other.name, other.class_name, [PHQ_LABELS[0]] * 9),
    ])
    importer = page.open_import()
    assert isinstance(importer, ImportDialog)
    importer.offset.blockSignals(True)
    importer.offset.setValue(SURVEY_QUESTIONS)
    importer.offset.blockSignals(False)
    importer.choose_file(path)
    idle(qtbot)
    preview = importer.preview
    assert preview is not None
    assert [(m.row, m.status) for m in preview.matches] == [
        (2, "duplicate"), (3, "matched"), (4, "not_in_roster"), (5, "duplicate"),
        (6, "bad_answers"), (7, "not_in_campaign")]
    assert shown(importer.sheet_proxy) == ["2", "3", "4", "5", "6", "7"]
    statuses = [importer.sheets.index(r, 2).data() for r in range(6)]
    assert statuses[:3] == ["文件中重复", "已匹配", "名册上没有"]
    assert "已匹配 1" in importer.summary.text() and "答案有误 1" in importer.summary.text()
    assert "其余 5 份不会写入" in importer.note.text()
    assert importer.problems.rowCount() == 2 and "偶尔" in importer.problems.index(0, 0).data()
    # The file's answers (2026-10-12) predate the campaign made today: said, not refused.
    assert "早于本批次开始日期" in importer.problems.index(1, 0).data()
    assert "提醒：第 2、3、4、5、6、7 行的作答日期" in importer.note.text()
    assert importer.confirm.text() == s.IMPORT_CONFIRM.format(n=1)
    importer.status_filter.setCurrentIndex(importer.status_filter.findData("duplicate"))
    assert shown(importer.sheet_proxy) == ["2", "5"]
    # The teacher picks row 2 of the two sheets for the same student; picking a sheet
    # that needs no choice says so and changes nothing.
    importer.sheet_view.selectRow(0)
    importer.pick_rows.click()
    assert [m.row for m in importer.preview.matches if m.chosen] == [2]
    assert importer.sheets.index(0, 3).data() == s.SHEET_WRITTEN
    assert importer.sheets.index(3, 3).data() == s.SHEET_TO_CHOOSE
    assert importer.confirm.text() == s.IMPORT_CONFIRM.format(n=2)
    # Item 9 answered: 重点关注 and a same-day assessment, never 危机 by itself.
    assert "重点关注 1" in importer.warnings.text() and "无 1" in importer.warnings.text()
    importer.status_filter.setCurrentIndex(0)
    importer.sheet_view.selectRow(1)
    importer.pick_rows.click()
    assert importer.error.text() == s.IMPORT_NOTHING_TO_PICK
    assert campaign_results(school.store, campaign.id) == []  # nothing before confirm

    importer.positions_radio.click()  # another option: the stale preview goes at once
    assert importer.preview is None and not importer.confirm.isEnabled()
    idle(qtbot)
    importer.values_radio.click()
    idle(qtbot)
    assert importer.confirm.text() == s.IMPORT_CONFIRM.format(n=1)  # a new preview: pick again
    importer.status_filter.setCurrentIndex(importer.status_filter.findData("duplicate"))
    importer.sheet_view.selectRow(0)
    importer.pick_rows.click()
    assert importer.confirm.isEnabled()
    importer.confirm.click()
    idle(qtbot)
    assert any("已写入 2 份" in box.text() for box in message_boxes())
    close_boxes()
    assert closed(importer)
    assert get_campaign(school.store, campaign.id).done == 2
    assert page.campaigns.rows[0].done == 2  # the page reloaded on the broadcast

    results = page.open_results()
    assert isinstance(results, ResultsDialog)
    idle(qtbot)
    assert results.model.rowCount() == 2
    assert "关键题提示 1" in results.count.text()
    results.critical_only.setChecked(True)
    assert results.proxy.rowCount() == 1
    assert results.proxy.index(0, 1).data() == a.name
    critical_column = next(i for i in range(results.model.columnCount())
                           if results.model.headerData(i, Qt.Orientation.Horizontal)
                           == s.COL_CRITICAL)
    assert results.proxy.index(0, critical_column).data() == "第 9 题"
    results.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # sorting keeps the filter
    assert results.proxy.rowCount() == 1 and results.proxy.index(0, 1).data() == a.name
    results.critical_only.setChecked(False)
    results.level_filter.setCurrentIndex(results.level_filter.findData("none"))
    assert [results.proxy.index(r, 1).data() for r in range(results.proxy.rowCount())] \
        == [b.name]
    results.level_filter.setCurrentIndex(0)
    results.band_filter.setCurrentIndex(results.band_filter.findData("minimal"))
    assert results.proxy.rowCount() == 1
    results.band_filter.setCurrentIndex(0)
    results.view.selectRow(0)
    assert results.profile.chart.row is not None
    assert results.profile.title.text().startswith(results.profile.chart.row.name)

    out = tmp_path / "导出" / "结果.xlsx"
    out.parent.mkdir()
    monkeypatch.setattr("app.ui.export_dialog.ask_export",
                        lambda *_args: ExportChoice(out, None))
    results.export()
    idle(qtbot)
    close_boxes()
    book = openpyxl.load_workbook(out)
    sheet = book.active
    assert sheet.max_row == 3
    assert [cell.value for cell in sheet[1]][:2] == ["学籍号", "姓名"]
    with school.store.read() as session:
        assert session.scalars(select(AuditEvent.action).order_by(
            AuditEvent.id.desc())).first() == "student_export"


def test_participation_marks_change_completion(qtbot, school: School):
    first = school.students[0]
    campaign = create_campaign(school.store, "GAD-7 测试", "gad7", [first.class_id])
    page = make_page(qtbot, school)
    dialog = page.open_participation(first.class_id)
    assert isinstance(dialog, ParticipationDialog)
    idle(qtbot)
    assert dialog.model.rowCount() == len(school.first_class())
    dialog.apply()
    assert dialog.error.text() == s.PART_NEED_SELECTION
    view = dialog.view
    view.selectRow(0)
    view.selectionModel().select(dialog.model.index(1, 0), view.selectionModel().SelectionFlag
                                 .Select | view.selectionModel().SelectionFlag.Rows)
    assert len(dialog.selected_ids()) == 2
    dialog.status.setCurrentIndex(dialog.status.findData("leave"))
    dialog.consent.setCurrentIndex(dialog.consent.findData("refused"))
    dialog.note.setText("病假")
    dialog.apply()
    idle(qtbot)
    statuses = [dialog.model.index(r, 3).data() for r in range(2)]
    assert statuses == ["请假", "请假"]
    assert dialog.model.row_at(0).note == "病假"
    assert page.completion.rows[0].leave == 2
    assert page.campaigns.rows[0].due == len(school.first_class()) - 2
    assert campaign.id == page.selected_campaign().id


def test_page_in_main_window_and_lock_closes_its_dialogs(qtbot, db_path, school: School):
    from test_ui_end_to_end import PASSWORD, front_login, login

    from app.ui import strings
    from app.ui.shell import Shell

    create_campaign(school.store, "MHT 测试", "mht", [school.students[0].class_id])
    school.store.close()
    shell = Shell(db_path)
    shell.start()
    login(qtbot, front_login(shell), "admin", PASSWORD)
    window = shell.window
    window.show_area(strings.NAV_SCREENING)
    [page] = window.findChildren(ScreeningPage)
    idle(qtbot)
    assert [r.name for r in page.campaigns.rows] == ["MHT 测试"]
    results = page.open_results()
    idle(qtbot)
    window.lock()
    assert closed(results)
    assert page.campaigns.rowCount() == 0
    assert not visible(ResultsDialog)
    front_login(shell)


def test_profile_words_an_invalid_sheet_and_flagged_scales():
    import numpy as np

    from app.instruments import load_instrument, score
    from app.services.screening.results import ResultRow
    from app.ui.screening.profile_chart import unit_range
    from app.ui.screening.results_dialog import profile_lines

    mht = load_instrument("mht")
    record = score(mht, np.ones((1, 100))).records()[0]
    row = ResultRow(1, "G1", "张三", "M", 7, "初一(1)班", None, "entry", record["valid"],
                    record["total"], record["scales"], record["bands"],
                    tuple(record["critical"]), record["warning"], tuple(record["notes"]))
    lines = profile_lines(mht, row)
    assert lines[0] == f"· {s.PROFILE_INVALID}"
    assert any(line.startswith("· 学习焦虑：高分") for line in lines)
    assert any("效度" in line for line in lines)  # the lie-scale note, in words
    assert unit_range(mht, mht.unit("learning_anxiety")) == (0, 15)
    assert unit_range(mht, mht.total) == (0, 90)
    mssmhs = load_instrument("mssmhs")
    assert unit_range(mssmhs, mssmhs.total) == (1, 5)


def test_import_infers_survey_questions_and_refuses_position_numbers(qtbot, school: School,
                                                                      tmp_path):
    """The identity questions before item 1 are recognised without the offset and the
    preview says so; a file of option positions (1–4, no 0) is refused with the way
    out, and choosing 按选项序号 reads it."""
    klass = school.first_class()
    campaign = create_campaign(school.store, "2026秋 PHQ-9 推断", "phq9",
                               class_ids=[klass[0].class_id])
    page = make_page(qtbot, school)
    page.view.selectRow(next(i for i, r in enumerate(page.campaigns.rows)
                             if r.id == campaign.id))
    rows = [(st.student_no, st.name, st.class_name, [1, 2, 1, 1, 1, 1, 1, 1, 1])
            for st in klass[:3]]
    importer = page.open_import()
    assert isinstance(importer, ImportDialog)
    importer.choose_file(write_wjx(tmp_path / "序号导出.xlsx", rows))
    idle(qtbot)
    assert importer.preview is None and not importer.confirm.isEnabled()
    assert "按选项序号" in importer.error.text() and "没有一个是最低分值 0" in importer.error.text()
    save_screen(importer, tmp_path, "import-refused")
    importer.positions_radio.click()
    idle(qtbot)
    preview = importer.preview
    assert preview is not None and importer.error.text() == ""
    assert importer.offset.value() == 0
    assert "已自动识别：问卷前 3 题（你的学籍号、你的姓名、你的班级）" in importer.summary.text()
    assert [m.status for m in preview.matches] == ["matched"] * 3
    assert preview.answers[0].tolist() == [0, 1, 0, 0, 0, 0, 0, 0, 0]
    save_screen(importer, tmp_path, "import-inferred")
