"""Issue 11 on screen: the same-day assessment at the top of 今日工作, the crisis
checklist on the 预警 tab, the review queue's evidence, filters, batch confirmation and
re-test tab, and the 预警等级 column and filter of the student lists."""

from __future__ import annotations

import json
from datetime import date, datetime

from PySide6.QtCore import Qt

from app.models import ScreeningResult
from app.services.accounts.auth import unlock
from app.services.accounts.users import create_user
from app.services.warning.decisions import decide_level
from app.ui.casefile import texts
from app.ui.casefile.file_window import StudentFileWindow
from app.ui.casefile.referral_dialogs import ChecklistDialog
from app.ui.casefile.warning_tab import WarningTab
from app.ui.casefile.warnings_page import WarningsPage
from app.ui.store_context import StoreContext
from app.ui.students_page import StudentsPage
from tests.ui.casefile.casefile_helpers import (
    School,
    add_result,
    column,
    current_tab_title,
    open_file,
    submit,
    table_texts,
)
from tests.ui.ui_helpers import closed, idle, shown, visible

CAMPAIGN = "2025秋季 PHQ-9"
CT_PASSWORD = "class-teacher-1"


def warnings_page(qtbot, school: School) -> WarningsPage:
    return shown(qtbot, WarningsPage(school.ctx), school.ctx, (1300, 700))


def add_invalid(school: School, sid: int, critical: str = "") -> None:
    """A 疑似无效 sheet (all one option), stored as scoring stores it (issue 11 contract)."""
    with school.store.write() as session:
        campaign_id = session.query(ScreeningResult.campaign_id).first()[0]
        session.add(ScreeningResult(
            campaign_id=campaign_id, student_id=sid, instrument_code="phq9",
            instrument_version="1", taken_at=datetime.now(), source="import",
            scores=json.dumps({"valid": False, "reasons": ["uniform"], "total": 9,
                               "bands": {"total": "mild"},
                               "critical": [int(critical)] if critical else [],
                               "critical_answers": {critical: "好几天"} if critical else {}},
                              ensure_ascii=False),
            total=9, valid=False, validity_note="全部选同一选项", critical_items=critical,
            suggested_level="none"))


def test_same_day_assessment_is_first_on_today_and_opens_the_records(qtbot, school: School):
    s = school.students
    decide_level(school.store, s[1], "key", "测评中度")
    add_result(school.store, s[5], CAMPAIGN, 16, "moderately_severe", "key", date.today(),
               critical="9")
    page = warnings_page(qtbot, school)
    today = page.today
    first = [today.work_model.index(0, c).data() for c in range(5)]
    assert first[:2] == [texts.DUE_TODAY, f"当天面谈评估：「{CAMPAIGN}」关键题第 9 题“几乎每天”"]
    assert first[3] == "刘雨桐"
    assert today.work_model.index(0, 0).data(0x8) is not None  # BackgroundRole: tinted
    assert today.summary.text().startswith("当天必须处理 1 项")
    today.work.activated.emit(today.work_model.index(0, 0))
    idle(qtbot)
    [window] = visible(StudentFileWindow)
    assert isinstance(window, StudentFileWindow) and window.student_id == s[5]
    assert current_tab_title(window) == texts.TAB_COUNSELLING


def test_deciding_crisis_shows_the_checklist_cleared_item_by_item(qtbot, school: School):
    sid = school.students[0]
    window = open_file(qtbot, school.ctx, sid, "warning")
    tab = window.pages["warning"]
    assert isinstance(tab, WarningTab) and not tab.crisis_box.isVisible()
    dialog = tab.decide()
    assert dialog is not None
    dialog.level.setCurrentIndex(dialog.level.findData("crisis"))
    dialog.reason.setPlainText("当面评估：有自杀计划")
    submit(qtbot, dialog)
    idle(qtbot)
    assert tab.crisis_box.isVisible()
    assert [r[0] for r in table_texts(tab.crisis)] == [
        "危机：面谈评估", "危机：通知监护人", "危机：安全计划", "危机：转介决定"]
    assert column(tab.crisis_model, 2) == ["未完成"] * 4
    assert tab.crisis_state.text() == texts.CRISIS_OPEN.format(n=4, due=date.today())

    item = tab.complete_crisis_item("crisis_assess")
    assert item is not None
    submit(qtbot, item)
    assert item.error.text().startswith("请填写面谈评估的要点")
    item.note.setPlainText("有计划无手段，同意安全约定")
    submit(qtbot, item)
    assert closed(item)
    idle(qtbot)
    assert column(tab.crisis_model, 2)[0] == "已完成"
    assert "面谈评估" in column(window.pages["counselling"].model, 1)  # type: ignore[attr-defined]

    guardian = tab.complete_crisis_item("crisis_guardian")
    assert guardian is not None and guardian.notified_at is not None
    guardian.note.setPlainText("电话通知母亲，下午到校")
    submit(qtbot, guardian)
    idle(qtbot)
    assert column(tab.crisis_model, 3)[1].startswith(f"{date.today():%Y-%m-%d} ")  # with time

    safety = tab.complete_crisis_item("crisis_safety")
    assert safety is not None
    safety.note.setPlainText("约定难受时找班主任；收走刀具")
    submit(qtbot, safety)
    idle(qtbot)

    tab.crisis.selectRow(3)
    assert tab.crisis_do.text() == texts.CRISIS_NOT_REFER and tab.crisis_refer.isVisible()
    referral = tab.open_referral()
    assert isinstance(referral, ChecklistDialog)
    referral.close()
    no = tab.complete_crisis_item()
    assert no is not None
    no.note.setPlainText("已在医院就诊，家长陪同，暂不另行转介")
    submit(qtbot, no)
    idle(qtbot)
    assert column(tab.crisis_model, 2) == ["已完成"] * 4
    assert tab.crisis_state.text() == texts.CRISIS_ALL_DONE
    assert not tab.crisis_do.isEnabled()


def test_review_queue_filters_confirms_batches_and_lists_retests(qtbot, school: School):
    s = school.students
    add_result(school.store, s[0], CAMPAIGN, 12, "moderate", "key", date.today())
    add_result(school.store, s[1], CAMPAIGN, 7, "mild", "general", date.today())
    add_result(school.store, s[3], CAMPAIGN, 16, "moderately_severe", "key", date.today(),
               critical="9")
    add_result(school.store, s[4], CAMPAIGN, 6, "mild", "general", date.today())
    add_invalid(school, s[2], critical="9")
    page = warnings_page(qtbot, school)
    review = page.review
    assert review.proxy.rowCount() == 4 and "王思琪" not in column(review.model, 1)

    review.suggestion.setCurrentIndex(review.suggestion.findData("key"))
    assert column(review.proxy, 1) == ["张小雨", "赵子涵"]
    review.grade.setCurrentIndex(review.grade.findData(8))
    assert column(review.proxy, 1) == ["赵子涵"]
    assert review.count.text() == texts.REVIEW_SHOWN.format(shown=1, total=4)
    review.suggestion.setCurrentIndex(0)
    review.school_class.setCurrentIndex(review.school_class.findData("初二(2)班"))
    assert column(review.proxy, 1) == ["赵子涵", "陈浩然"]
    assert [review.instrument.itemData(i) for i in range(review.instrument.count())] == [
        None, "phq9"]
    review.grade.setCurrentIndex(0)
    review.school_class.setCurrentIndex(0)

    asked: list[str] = []
    review.confirm = lambda text: asked.append(text) is not None
    review.table.selectAll()
    review.resolve_selected("accept")
    idle(qtbot)
    assert asked == ["将为 4 名学生确定预警等级：重点关注 2 人，一般关注 2 人。"]
    assert review.model.rowCount() == 4  # declined: nobody decided

    review.confirm = lambda text: asked.append(text) is None
    review.table.selectRow(0)
    review.table.selectRow(1)
    review.table.selectAll()
    review.resolve_selected("accept")
    idle(qtbot)
    assert review.model.rowCount() == 0
    assert sorted(r.level for r in page.key_list.model.rows) == ["general", "general", "key",
                                                                 "key"]

    review.tabs.setCurrentIndex(1)
    assert review.tabs.tabText(1).endswith("（1）")
    [row] = table_texts(review.retest)
    assert row[:2] == ["G201300000002", "王思琪"]
    assert row[4] == "全部选同一选项" and row[5] == "第 9 题：好几天"
    # Its critical answer is a same-day task, though the sheet is not in the queue.
    assert any(i.kind == "assessment" and i.student_id == s[2]
               for i in page.loaded.today.urgent)  # type: ignore[union-attr]


def test_student_lists_show_the_level_with_a_filter(qtbot, school: School, db_path):
    s = school.students
    decide_level(school.store, s[0], "crisis", "自伤")
    decide_level(school.store, s[1], "key", "测评中度")
    decide_level(school.store, s[4], "general", "丧亲")
    page = StudentsPage(school.ctx, can_manage=True, own_class_only=False)
    qtbot.addWidget(page)
    page.show()
    page.reload()
    idle(qtbot)
    assert page.model.headerData(6, Qt.Orientation.Horizontal) == "预警等级"
    assert column(page.proxy, 6) == ["危机", "重点关注", "", "", "一般关注", ""]
    page.level.setCurrentIndex(page.level.findData("any"))
    assert column(page.proxy, 1) == ["张小雨", "李明轩", "陈浩然"]
    page.level.setCurrentIndex(page.level.findData("key"))
    assert column(page.proxy, 1) == ["李明轩"]
    page.level.setCurrentIndex(page.level.findData("none"))
    assert column(page.proxy, 1) == ["王思琪", "赵子涵", "刘雨桐"]
    page.close()

    # The class teacher sees the same column for their own class, and nothing more.
    create_user(school.store, "ct", "班主任", "class_teacher", CT_PASSWORD,
                class_id=school.class_ids[0])
    school.store.close()
    with unlock(db_path, "ct", CT_PASSWORD) as teacher:
        own = StudentsPage(StoreContext(teacher), can_manage=False, own_class_only=True)
        qtbot.addWidget(own)
        own.show()
        own.reload()
        idle(qtbot)
        assert column(own.proxy, 1) == ["张小雨", "李明轩", "王思琪"]
        assert column(own.proxy, 6) == ["危机", "重点关注", ""]
        own.level.setCurrentIndex(own.level.findData("crisis"))
        assert column(own.proxy, 1) == ["张小雨"]
        own.close()
        idle(qtbot)
