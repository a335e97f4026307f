"""Screenshots of the student file, its dialogs and the 预警与转介 page, rendered
offscreen with the shipped font over a small school with a term of work in it.

Saved as casefile-*.png to $QINGXIN_SCREENS_DIR if set, otherwise to the test's
temporary folder. The assertions check that each image was written and is not blank;
whether the Chinese renders without tofu and nothing is clipped is for a person to look
at (QINGXIN_SCREENS_DIR=/tmp/qx-screens pytest tests/ui/casefile -k screens).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from app.services.accounts.auth import unlock
from app.services.accounts.users import create_user
from app.services.casefile.entries import add_counselling, correct_entry
from app.services.casefile.plans import review_plan
from app.services.demo.records import add_demo_term
from app.services.demo.synthetic import synthetic_roster
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.services.students import list_students
from app.store.handle import Store
from app.ui import strings
from app.ui.casefile.warnings_page import WarningsPage
from app.ui.main_window import MainWindow
from app.ui.store_context import StoreContext
from tests.ui.casefile.casefile_helpers import add_result, open_file
from tests.ui.ui_helpers import close_boxes, idle, screen_saver

CT_PASSWORD = "class-teacher-1"


save = screen_saver("casefile-")


def term_of_work(store: Store) -> tuple[int, int, int]:
    """The demo's term (campaigns, reviews, three key students, a referral) plus a
    screening history across years and a corrected record; returns the key, general
    and crisis students' ids."""
    apply_roster_import(store, RosterPreview(file_name="t", rows=synthetic_roster(80, seed=5)))
    today = date.today()
    add_demo_term(store, today, seed=5)
    key, general, crisis = (s.id for s in list_students(store)[5:8])
    for years, total, band in ((2, 6, "mild"), (1, 9, "mild")):
        add_result(store, key, f"{today.year - years}秋季 PHQ-9 全校筛查", total, band,
                   "general", today - timedelta(days=365 * years), today.year - years)
    record = add_counselling(store, key, today - timedelta(days=12), "individual",
                             "第二次个体辅导：作业能按时完成，仍担心期中考试。", "心理教师",
                             "下周与班主任沟通作业安排", confidential=True)
    correct_entry(store, "counselling", record, "补充与祖父母通话的情况",
                  content="第二次个体辅导：作业能按时完成，仍担心期中考试；"
                          "上周末与在外务工的母亲视频通话，情绪明显好转。")
    add_counselling(store, key, today - timedelta(days=9), "home_visit",
                    "家访：与祖父母沟通作息和手机使用，约定每晚十点前交手机。",
                    "心理教师、班主任、祖父母")
    add_counselling(store, key, today - timedelta(days=3), "three_way",
                    "三方沟通：学生、母亲（电话）、班主任，商定周末学习计划。",
                    "学生、母亲、班主任")
    review_plan(store, key, today - timedelta(days=2), "continue", "作业完成情况好转",
                today + timedelta(days=28))
    return key, general, crisis


def test_casefile_screens(qtbot, store: Store, db_path: Path, screens_dir: Path):
    key, _general, crisis = term_of_work(store)
    ctx = StoreContext(store)
    window = open_file(qtbot, ctx, key)
    window.resize(1080, 720)
    for i, name in enumerate(("overview", "risks", "screening", "counselling", "plan",
                              "home", "warning")):
        window.tabs.setCurrentIndex(i)
        if name in ("counselling", "home"):
            window.pages[name].table.selectRow(0)  # type: ignore[attr-defined]
        save(window, screens_dir, f"{i + 1:02d}-{name}")
    history = window.pages["counselling"].history()  # type: ignore[attr-defined]
    idle(qtbot)
    save(history, screens_dir, "08-history")
    history.close()
    window.show_tab("warning")
    level = window.pages["warning"].decide()  # type: ignore[attr-defined]
    save(level, screens_dir, "09-level-dialog")
    level.close()
    window.close()

    file = open_file(qtbot, ctx, crisis, "referral")
    file.resize(1080, 720)
    save(file, screens_dir, "10-referral")
    step = file.pages["referral"].complete()  # type: ignore[attr-defined]
    save(step, screens_dir, "11-step-dialog")
    step.close()
    file.close()
    other = open_file(qtbot, ctx, list_students(store)[20].id, "referral")
    checklist = other.pages["referral"].open_checklist()  # type: ignore[attr-defined]
    for code in ("suicidal_ideation", "severe_depression"):
        checklist.boxes[code].setChecked(True)
    save(checklist, screens_dir, "12-checklist")
    checklist.close()
    other.close()

    page = WarningsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 640)
    page.show()
    page.reload()
    idle(qtbot)
    for i, name in enumerate(("today", "key-list", "review", "referrals")):
        page.tabs.setCurrentIndex(i)
        idle(qtbot)
        if name == "review":
            page.review.table.selectRow(0)
            qtbot.wait(50)  # let the layout make room for the selected student's reasons
        save(page, screens_dir, f"{13 + i}-{name}")
    page.close()

    main = MainWindow(ctx)
    qtbot.addWidget(main)
    main.attach(store)
    idle(qtbot)
    main.show_area(strings.NAV_WARNINGS)
    idle(qtbot)
    save(main, screens_dir, "17-main-window")
    main.hide()
    close_boxes()

    class_id = next(s.class_id for s in list_students(store) if s.id == key)
    create_user(store, "ct", "班主任李老师", "class_teacher", CT_PASSWORD, class_id=class_id)
    store.close()
    with unlock(db_path, "ct", CT_PASSWORD) as teacher:
        summary = open_file(qtbot, StoreContext(teacher), key)
        summary.resize(1080, 620)
        save(summary, screens_dir, "18-class-teacher-summary")
        summary.tabs.setCurrentWidget(summary.pages["home"])
        save(summary, screens_dir, "19-class-teacher-home")
        summary.close()
        idle(qtbot)
