"""反映 on screen (issue 14.1): a class teacher files from the 反映 page and sees only
the status; the counselling teacher decides from 今日工作 and sees it in the file."""

from __future__ import annotations

from pathlib import Path

from app.services.accounts.auth import unlock
from app.services.accounts.users import create_user
from app.services.signals.reports import list_reports
from app.ui.casefile import texts as file_texts
from app.ui.casefile.warning_tab import SIGNAL_COLUMNS
from app.ui.signals import texts
from app.ui.signals.dialogs import DecideReportDialog
from app.ui.signals.page import SignalsPage
from app.ui.store_context import StoreContext
from tests.conftest import TEST_PASSWORD
from tests.ui.casefile.casefile_helpers import School, column, idle, open_file, submit
from tests.ui.ui_helpers import closed, shown, visible

CT_PASSWORD = "class-teacher-1"
TEXT = "体育课后独自坐在操场角落，说活着没意思，手臂上有划痕"


def _page(qtbot, ctx: StoreContext, staff: bool) -> SignalsPage:
    return shown(qtbot, SignalsPage(ctx, staff=staff), ctx, (1100, 500), reload=False)


def test_class_teacher_files_and_counsellor_decides(qtbot, school: School, db_path,
                                                    screens_dir: Path):
    create_user(school.store, "ct", "班主任李老师", "class_teacher", CT_PASSWORD,
                class_id=school.class_ids[0])
    school.store.close()
    with unlock(db_path, "ct", CT_PASSWORD) as teacher:
        page = _page(qtbot, StoreContext(teacher), staff=False)
        assert page.decide_button.isHidden()
        dialog = page.file_report()
        assert dialog is not None
        assert dialog.student.count() == 3  # the teacher's own class only
        assert dialog.source.currentData() == "class_teacher"
        submit(qtbot, dialog)
        assert "看到的情况" in dialog.error.text() and dialog.isVisible()
        assert list_reports(teacher) == []  # nothing saved
        dialog.student.setCurrentIndex(1)
        dialog.severity.setCurrentIndex(dialog.severity.findData("self_harm"))
        dialog.text.setPlainText(TEXT)
        dialog.reporter.setText("心理委员 王同学")
        dialog.grab().save(str(screens_dir / "signal_file_dialog.png"))
        submit(qtbot, dialog)
        assert closed(dialog)
        idle(qtbot)
        assert column(page.model, 2) == ["李明轩"]
        assert column(page.model, 8) == ["待处理"]
        assert page.model.columnCount() == 9  # no text column for the filer
        assert TEXT not in str([column(page.model, c) for c in range(9)])
        page.grab().save(str(screens_dir / "signal_page_teacher.png"))
        page.close()
        idle(qtbot)

    with unlock(db_path, "admin", TEST_PASSWORD) as admin:
        from app.ui.casefile.warnings_page import WarningsPage

        ctx = StoreContext(admin)
        warnings = WarningsPage(ctx)
        qtbot.addWidget(warnings)
        ctx.changed.connect(warnings.on_changed)
        warnings.resize(1100, 600)
        warnings.show()
        warnings.reload()
        idle(qtbot)
        first = warnings.today.work_model.row_at(0)
        assert first.kind == "signal" and first.name == "李明轩"
        assert "自伤" in first.what
        warnings.grab().save(str(screens_dir / "signal_today.png"))
        warnings.today.work.activated.emit(warnings.today.work_model.index(0, 0))
        qtbot.waitUntil(lambda: bool(visible(DecideReportDialog)), timeout=20_000)
        [decide] = visible(DecideReportDialog)
        assert isinstance(decide, DecideReportDialog)
        assert TEXT in decide.intro.text() and "班主任李老师" in decide.intro.text()
        decide.decision.setCurrentIndex(decide.decision.findData("interview"))
        decide.grab().save(str(screens_dir / "signal_decide_dialog.png"))
        on = decide.decided_on.date().toString("yyyy-MM-dd")
        submit(qtbot, decide)
        assert closed(decide)
        idle(qtbot)
        kinds = [warnings.today.work_model.row_at(r).kind
                 for r in range(warnings.today.work_model.rowCount())]
        assert "signal" not in kinds

        staff_page = _page(qtbot, ctx, staff=True)
        staff_page.reload()
        idle(qtbot)
        assert column(staff_page.model, 8) == [texts.STATUS_DONE.format(
            decision="约谈", on=on)]
        assert column(staff_page.model, 9) == [TEXT]

        window = open_file(qtbot, ctx, school.students[1], "warning")
        tab = window.pages["warning"]
        headers = [c.header for c in SIGNAL_COLUMNS]
        state = headers.index(file_texts.COL_SIGNAL_STATE)
        assert column(tab.signal_model, state) == ["约谈"]
        assert column(tab.signal_model, headers.index(file_texts.COL_DESCRIPTION)) == [TEXT]
        window.grab().save(str(screens_dir / "signal_in_file.png"))
        window.close()
        warnings.close()
        staff_page.close()
        idle(qtbot)
