"""报告与上报 over the real services: group and individual PDFs written and audited
(with a file name that names no student), cancel, the export preview showing every
table, sealing that the district can verify and open, no district key → no sealing,
and clear() / the lock dropping everything the page showed."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox, QMessageBox

from app.changes import Changes
from app.deployment import Deployment, ReportPolicy
from app.seal import open_sealed, verify
from app.services.district.export import recent_periods
from app.services.district.school_keys import school_key_fingerprint, school_public_key
from app.ui import file_dialogs
from app.ui.reports import saving, texts
from app.ui.reports.reports_page import ReportsPage
from tests.export.export_helpers import SCHOOL_CODE, deployment
from tests.reports.reports_helpers import audit_count
from tests.ui.reports.reports_helpers import SaveDialog, Screened, box_with, make_page
from tests.ui.ui_helpers import close_boxes, idle, message_boxes


def use_save_dialog(monkeypatch: pytest.MonkeyPatch, answer: Path | None) -> SaveDialog:
    dialog = SaveDialog(answer)
    monkeypatch.setattr(file_dialogs, "QFileDialog", dialog)
    return dialog


def pick(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def no_student_in(name: str, screened: Screened) -> None:
    for s in screened.school.students:
        assert s.name not in name and s.student_no not in name, name


def test_campaigns_with_results_and_their_scopes(qtbot, screened: Screened, store):
    from app.services.screening.campaigns import create_campaign

    create_campaign(store, "还没有答卷的批次", "gad7")
    page = make_page(qtbot, store)
    tab = page.reports
    offered = [tab.campaign.itemData(i) for i in range(tab.campaign.count())]
    school = screened.school
    assert sorted(offered) == sorted([school.phq_before, school.phq, school.mht])
    pick(tab.campaign, school.mht)
    idle(qtbot)
    assert [tab.grade.itemData(i) for i in range(tab.grade.count())] == [7]
    assert tab.klass.count() == 2  # MHT was for grade 7's two classes
    assert "25 份答卷" in tab.klass.itemText(0)
    pick(tab.campaign, school.phq)
    idle(qtbot)
    assert [tab.grade.itemData(i) for i in range(tab.grade.count())] == [7, 8, 9]
    assert tab.klass.count() == 6
    tab.klass.setCurrentIndex(3)
    tab.class_radio.setChecked(True)
    chosen = tab.klass.currentData()
    page.ctx.changed.emit(Changes(students=True))  # a change elsewhere reloads the lists …
    idle(qtbot)
    assert tab.campaign.currentData() == school.phq  # … and keeps the teacher's choice
    assert tab.class_radio.isChecked() and tab.klass.currentData() == chosen


def test_group_report_for_a_class(qtbot, screened: Screened, store, tmp_path, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(saving.QDesktopServices, "openUrl",
                        lambda url: opened.append(url.toLocalFile()))
    page = make_page(qtbot, store, Deployment(policy=ReportPolicy(min_cell=10)))
    tab = page.reports
    school = screened.school
    pick(tab.campaign, school.phq)
    idle(qtbot)
    class_id = school.students[0].class_id
    pick(tab.klass, class_id)
    tab.class_radio.setChecked(True)
    assert "实际人数" in tab.hint.text() and "<10" not in tab.hint.text()
    tab.outside.setChecked(True)
    assert "<10" in tab.hint.text()
    out = tmp_path / "out" / "group.pdf"
    out.parent.mkdir()
    dialog = use_save_dialog(monkeypatch, out.with_suffix(""))  # the suffix is added
    tab.generate_button.click()
    idle(qtbot)
    assert out.read_bytes().startswith(b"%PDF")
    [suggested] = dialog.suggested
    name = Path(suggested).name
    assert name == f"十一月 PHQ-9-团体报告-初一(1)班-{date.today():%Y%m%d}.pdf"
    no_student_in(name, screened)
    assert audit_count(store, "student_print", "campaign", school.phq) == 1
    assert audit_count(store, "student_print", "student") == 0
    box = box_with(str(out))
    [folder] = [b for b in box.buttons() if b.text() == texts.OPEN_FOLDER]
    folder.click()
    assert opened == [str(out.parent)]
    assert str(out) in tab.last.text()
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "初一(1)班" in text and "<10" in text


def test_individual_reports_for_a_class(qtbot, screened: Screened, store, tmp_path,
                                        monkeypatch):
    page = make_page(qtbot, store)
    tab = page.reports
    school = screened.school
    pick(tab.campaign, school.phq)
    idle(qtbot)
    tab.kind_radios["individual"].setChecked(True)
    assert tab.hint.text() == texts.INDIVIDUAL_HINT
    class_id = school.students[30].class_id
    pick(tab.klass, class_id)
    tab.class_radio.setChecked(True)
    out = tmp_path / "individual.pdf"
    dialog = use_save_dialog(monkeypatch, out)
    tab.generate()
    idle(qtbot)
    assert out.read_bytes().startswith(b"%PDF")
    name = Path(dialog.suggested[0]).name
    class_name = school.students[30].class_name
    assert name.startswith(f"十一月 PHQ-9-个人报告-{class_name}-")
    no_student_in(name, screened)
    in_class = {s.id for s in school.students if s.class_id == class_id}
    printed = audit_count(store, "student_print", "student")
    assert 20 <= printed <= len(in_class)
    assert sum(audit_count(store, "student_print", "student", sid) for sid in in_class) \
        == printed
    assert f"名学生的个人报告（{class_name}）" in box_with(str(out)).text()


def test_cancelled_individual_reports_write_nothing(qtbot, screened: Screened, store,
                                                     tmp_path, monkeypatch):
    page = make_page(qtbot, store)
    tab = page.reports
    pick(tab.campaign, screened.school.phq)
    idle(qtbot)
    tab.kind_radios["individual"].setChecked(True)
    out = tmp_path / "all.pdf"
    use_save_dialog(monkeypatch, out)
    op = tab.generate()
    assert op is not None
    op.cancel()
    idle(qtbot)
    assert not out.exists() and audit_count(store, "student_print") == 0
    assert box_with("已取消")


def test_cancelled_save_dialog_prints_nothing(qtbot, screened: Screened, store, monkeypatch):
    page = make_page(qtbot, store)
    use_save_dialog(monkeypatch, None)
    assert page.reports.generate() is None
    assert audit_count(store, "student_print") == 0


def preview(qtbot, page: ReportsPage, period: str) -> None:
    page.setCurrentWidget(page.export)
    page.export.period.setEditText(period)
    page.export.preview_button.click()
    idle(qtbot)


def test_preview_shows_every_file_and_table(qtbot, screened: Screened, store, district_key):
    page = make_page(qtbot, store, deployment(district_key, "pseudonymous"))
    tab = page.export
    assert tab.period_text() == recent_periods(date.today())[0]
    assert tab.district_key.text() == district_key.fingerprint
    assert tab.school_key.text() == texts.SCHOOL_KEY_NONE
    assert not tab.seal_button.isEnabled() and not tab.no_key_banner.isVisible()
    preview(qtbot, page, screened.school.period)
    p = tab.preview
    assert p is not None and tab.files.rowCount() == 4
    assert tab.files.index(0, 0).data() == p.files[0].name
    assert f"{p.files[0].size:,} 字节" in tab.files.index(0, 1).data()
    titles = [tab.tables.tabText(i) for i in range(tab.tables.count())]
    assert titles[0].startswith("参测情况（") and titles[-1] == "重点学生名单（6 行）"
    tables = {t.title: t for f in p.files for t in f.tables}
    assert len(titles) == len(tables) == 8  # with 转介就诊结果 (data format 3)
    for model in tab.table_models:
        table = tables[model.title]
        assert model.rowCount() == len(table.rows)
        assert model.columnCount() == len(table.columns)
        shown = [[model.index(r, c).data() for c in range(model.columnCount())]
                 for r in range(model.rowCount())]
        assert shown == [["" if v is None else str(v) for v in row] for row in table.rows]
    key_list = tab.table_models[-1]
    names = {s.name for s in screened.school.students}
    assert not any(key_list.index(r, c).data() in names for r in range(key_list.rowCount())
                   for c in range(key_list.columnCount()))
    assert tab.key_mode.text().startswith("逐人报送，以编码代替姓名")
    assert SCHOOL_CODE in tab.school.text()
    assert tab.seal_button.isEnabled() and not tab.named_banner.isVisible()


def test_seal_after_confirm_gives_a_file_the_district_accepts(
        qtbot, screened: Screened, store, district_key, tmp_path, monkeypatch):
    page = make_page(qtbot, store, deployment(district_key, "counts"))
    tab = page.export
    period = screened.school.period
    preview(qtbot, page, period)
    out = tmp_path / "export.qxseal"
    dialog = use_save_dialog(monkeypatch, out)
    box = tab.confirm_seal()
    assert box is not None and district_key.fingerprint in box.text()
    [cancel] = [b for b in box.buttons()
                if box.buttonRole(b) == QMessageBox.ButtonRole.RejectRole]
    cancel.click()
    assert not dialog.suggested and not out.exists()
    box = tab.confirm_seal()
    [yes] = [b for b in box.buttons() if b.text() == texts.SEAL_YES]
    yes.click()
    idle(qtbot)
    assert Path(dialog.suggested[0]).name == f"{SCHOOL_CODE}_{period}.qxseal"
    data = out.read_bytes()
    manifest = verify(data, school_public_key(store), expected_school_code=SCHOOL_CODE,
                      expected_period=period)
    assert manifest.sequence == 1
    opened = open_sealed(data, district_key, school_public_key(store), expected_period=period)
    assert opened.files == {f.name: f.data for f in tab.preview.files}
    fingerprint = school_key_fingerprint(store)
    assert tab.school_key.text() == fingerprint
    assert fingerprint in tab.result.text() and "SHA-256" in tab.result.text()
    assert "新生成" in box_with(str(out)).text()
    assert audit_count(store, "student_export", "school", SCHOOL_CODE) == 1


def test_without_a_district_key_sealing_is_disabled(qtbot, screened: Screened, store):
    page = make_page(qtbot, store, Deployment(school_code=SCHOOL_CODE, school_name="青心实验中学"))
    tab = page.export
    page.setCurrentWidget(tab)
    assert tab.no_key_banner.isVisible() and tab.no_key_banner.text() == texts.NO_DISTRICT_KEY
    assert tab.district_key.text() == texts.NO_DISTRICT_KEY_SHORT
    preview(qtbot, page, screened.school.period)
    assert tab.preview is not None and tab.files.rowCount() == 3
    assert not tab.seal_button.isEnabled() and tab.confirm_seal() is None


def test_named_policy_is_warned_about(qtbot, screened: Screened, store, district_key):
    page = make_page(qtbot, store, deployment(district_key, "named"))
    tab = page.export
    page.setCurrentWidget(tab)
    assert tab.named_banner.isVisible() and "姓名" in tab.named_banner.text()
    preview(qtbot, page, screened.school.period)
    box = tab.confirm_seal()
    assert box.icon() == QMessageBox.Icon.Warning and texts.SEAL_CONFIRM_NAMED.strip() in box.text()
    close_boxes()


def test_bad_period_is_a_chinese_message(qtbot, screened: Screened, store, district_key):
    page = make_page(qtbot, store, deployment(district_key))
    preview(qtbot, page, "2026-2028-1")
    assert page.export.preview is None
    assert box_with("学期 '2026-2028-1' 不合规")


def test_clear_and_changes_drop_the_preview(qtbot, screened: Screened, store, district_key,
                                            tmp_path, monkeypatch):
    page = make_page(qtbot, store, deployment(district_key, "named"))
    preview(qtbot, page, screened.school.period)
    tab = page.export
    models = list(tab.table_models)
    page.ctx.changed.emit(Changes(levels=True))  # e.g. a level decided in a file window
    assert tab.preview is None and tab.summary.text() == texts.PREVIEW_STALE
    assert tab.tables.count() == 0 and all(m.rowCount() == 0 for m in models)
    preview(qtbot, page, screened.school.period)
    use_save_dialog(monkeypatch, tmp_path / "g.pdf")
    page.reports.generate()
    idle(qtbot)
    close_boxes()
    assert tab.preview is not None  # printing a report changes nothing the preview shows
    tab.confirm_seal()
    models = list(tab.table_models)
    page.clear()
    assert tab.preview is None and tab.files.rowCount() == 0 and tab.tables.count() == 0
    assert all(m.rowCount() == 0 for m in models) and not tab.table_models
    assert tab.confirm_box is None and not message_boxes()
    assert tab.summary.text() == texts.PREVIEW_NONE and not tab.result.text()
    reports = page.reports
    assert reports.campaign.count() == 0 and reports.klass.count() == 0
    assert not reports.last.text() and not reports.generate_button.isEnabled()


def test_locked_store_is_said_so(qtbot, screened: Screened, store, district_key):
    page = make_page(qtbot, store, deployment(district_key))
    page.clear()
    page.ctx.store = None
    assert page.export.build_preview() is None
    assert box_with("数据库已锁定")


def test_page_in_main_window_and_lock(qtbot, screened: Screened, store, district_key):
    from app.ui import strings
    from app.ui.main_window import MainWindow
    from app.ui.store_context import StoreContext

    window = MainWindow(StoreContext(store, deployment(district_key)))
    qtbot.addWidget(window)
    window.attach(store)
    idle(qtbot)
    window.show_area(strings.NAV_REPORTS)
    [page] = window.findChildren(ReportsPage)
    assert page.isVisible() and page.reports.campaign.count() == 3
    preview(qtbot, page, screened.school.period)
    assert page.export.tables.count() == 8
    window.lock()
    assert page.export.preview is None and page.export.tables.count() == 0
    assert page.reports.campaign.count() == 0
