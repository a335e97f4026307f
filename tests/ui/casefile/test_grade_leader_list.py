"""A 年级组长's student list: their grade's classes, with the class filter a
counsellor's list has (the grade filter has nothing to choose); a 班主任's has neither."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.models import SchoolClass, Student
from app.services.accounts.auth import unlock
from app.services.accounts.users import create_user
from app.ui.store_context import StoreContext
from app.ui.students_page import StudentsPage
from tests.ui.casefile.casefile_helpers import School, column
from tests.ui.ui_helpers import idle

PASSWORD = "grade-leader-1"


def _own_page(qtbot, store) -> StudentsPage:
    page = StudentsPage(StoreContext(store), can_manage=False, own_class_only=True)
    qtbot.addWidget(page)
    page.resize(1000, 500)
    page.show()
    page.reload()
    idle(qtbot)
    return page


def test_grade_leader_filters_by_class_and_class_teacher_has_no_filter(
        qtbot, school: School, db_path: Path, screens_dir: Path):
    with school.store.write() as session:
        second = SchoolClass(grade=7, number=2)  # 初一(2)班 beside the fixture's 初一(1)班
        session.add(second)
        session.flush()
        session.add(Student(student_no="G201399000001", name="孙一鸣", gender="M",
                            birth_date=date(2013, 5, 1), class_id=second.id))
    create_user(school.store, "gl", "年级组长", "grade_leader", PASSWORD,
                class_id=school.class_ids[0])
    create_user(school.store, "ct", "班主任", "class_teacher", PASSWORD,
                class_id=school.class_ids[0])
    school.store.close()
    with unlock(db_path, "gl", PASSWORD) as leader:
        page = _own_page(qtbot, leader)
        assert page.title.text() == "本年级学生：初一，共 2 个班（可按班级筛选）"
        assert page.school_class.isVisible() and not page.grade.isVisible()
        classes = [page.school_class.itemText(i) for i in range(page.school_class.count())]
        assert classes == ["全部班级", "初一(1)班", "初一(2)班"]
        assert column(page.proxy, 1) == ["张小雨", "李明轩", "王思琪", "孙一鸣"]
        page.school_class.setCurrentIndex(page.school_class.findText("初一(2)班"))
        assert column(page.proxy, 1) == ["孙一鸣"]
        assert page.count.text() == "显示 1 人，共 4 人"
        page.grab().save(str(screens_dir / "grade-leader-list.png"))
        page.school_class.setCurrentIndex(0)
        assert page.proxy.rowCount() == 4
        page.close()
        idle(qtbot)
    with unlock(db_path, "ct", PASSWORD) as teacher:
        page = _own_page(qtbot, teacher)
        assert page.title.text() == "本班学生：初一(1)班"
        assert not page.school_class.isVisible() and not page.grade.isVisible()
        assert column(page.proxy, 1) == ["张小雨", "李明轩", "王思琪"]
        page.close()
        idle(qtbot)
