"""首页 (issue 15, point 6): the figures by grade and class, and each figure opening the
list it counts with its filters."""

from __future__ import annotations

from datetime import date

from test_casefile_triage import warnings_page

from app.services.warning.decisions import decide_level
from app.ui.home_page import FIRST_LEVEL_COLUMN, FLAGGED_COLUMN, HomePage
from tests.ui.casefile.casefile_helpers import School, add_result
from tests.ui.ui_helpers import idle, shown


def home(qtbot, school: School) -> HomePage:
    return shown(qtbot, HomePage(school.ctx), school.ctx, (1000, 700))


def cells(page: HomePage, row: int) -> list[str]:
    return [page.model.index(row, c).data() for c in range(page.model.columnCount())]


def test_figures_by_grade_and_class_open_their_lists(qtbot, school: School, screens_dir):
    s = school.students  # s[0:3] in 初一(1)班, s[3:6] in 初二(2)班
    add_result(school.store, s[0], "秋季 PHQ-9", 21, "severe", "crisis", date.today(),
               critical="9")
    add_result(school.store, s[1], "秋季 PHQ-9", 16, "moderately_severe", "key", date.today())
    add_result(school.store, s[4], "秋季 PHQ-9", 12, "moderate", "general", date.today())
    add_result(school.store, s[5], "秋季 PHQ-9", 3, "minimal", "none", date.today())
    decide_level(school.store, s[0], "crisis", "当天面谈评估")
    decide_level(school.store, s[3], "key", "班主任反映")
    decide_level(school.store, s[4], "key", "面谈")
    page = home(qtbot, school)
    assert page.title.text().endswith("全校概况")
    names = [page.model.index(r, 0).data().strip() for r in range(page.model.rowCount())]
    assert names == ["全校", "初一", "初一(1)班", "初二", "初二(2)班"]
    # 在读, 本学期已测, 测评提示, 一般关注, 重点关注, 危机
    assert cells(page, 0)[1:] == ["6", "4", "3", "0", "2", "1"]
    assert cells(page, 2)[1:] == ["3", "2", "2", "0", "0", "1"]
    assert cells(page, 4)[1:] == ["3", "2", "1", "0", "2", "0"]
    assert page.urgent.count >= 1  # the critical answer, the crisis checklist
    page.grab().save(str(screens_dir / "home.png"))

    warnings = warnings_page(qtbot, school)
    page.open_list.connect(warnings.show_list)
    key_cell = page.model.index(4, FIRST_LEVEL_COLUMN + 1)  # 初二(2)班 重点关注
    page.table.activated.emit(key_cell)
    idle(qtbot)
    assert warnings.tabs.currentWidget() is warnings.key_list
    view = warnings.key_list
    assert view.level.currentData() == "key" and view.school_class.currentData() == "初二(2)班"
    assert sorted(view.proxy.index(r, 1).data() for r in range(view.proxy.rowCount())) \
        == ["赵子涵", "陈浩然"]
    page.table.activated.emit(page.model.index(2, FLAGGED_COLUMN))  # 初一(1)班 测评提示
    idle(qtbot)
    assert warnings.tabs.currentWidget() is warnings.review
    review = warnings.review  # the year's queue, for that class: 李明轩 waits for review
    assert review.school_class.currentData() == "初一(1)班"
    assert [review.proxy.index(r, 1).data() for r in range(review.proxy.rowCount())] \
        == ["李明轩"]
    page.urgent.click()
    assert warnings.tabs.currentWidget() is warnings.today


def test_an_empty_school_has_no_trend_and_zeros(qtbot, school: School):
    page = home(qtbot, school)
    assert cells(page, 0)[1:] == ["6", "0", "0", "0", "0", "0"]
    assert page.trend_empty.isVisible() and not page.trend.isVisible()
    page.clear()
    assert page.model.rowCount() == 0
