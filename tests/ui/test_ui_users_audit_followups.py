"""Users page: password reset, enabling a deactivated account, a class picker that offers
empty classes; audit page: target kinds in Chinese. Over the real services."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from app.errors import WrongPasswordError
from app.models import SchoolClass
from app.services.accounts.auth import unlock
from app.services.accounts.users import create_user, my_phone, set_user_active
from app.services.classes import list_classes
from app.services.demo.synthetic import synthetic_roster
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.services.setup import create_school
from app.store.handle import Store
from app.ui import strings, workers
from app.ui.account_page import AccountPage
from app.ui.audit_page import CODES_COLUMN, AuditPage
from app.ui.store_context import StoreContext
from app.ui.users_page import UsersPage
from tests.ui.ui_helpers import closed, idle

PASSWORD = "correct-horse-1"
TEACHER_OLD = "teacher-pass-1"
TEACHER_NEW = "teacher-pass-2"


@pytest.fixture
def admin_store(db_path: Path) -> Iterator[Store]:
    create_school(db_path, "青心实验中学", "admin", PASSWORD, admin_display_name="刘老师")
    store = unlock(db_path, "admin", PASSWORD)
    create_user(store, "wang", "王老师", "counselor", TEACHER_OLD)
    yield store
    store.close()



def users_page(qtbot, store: Store, student_classes=list) -> UsersPage:
    page = UsersPage(StoreContext(store), student_classes)
    qtbot.addWidget(page)
    page.resize(1000, 420)
    page.show()
    page.reload()
    idle(qtbot)
    return page


def select(page: UsersPage, username: str) -> None:
    [row] = [i for i, u in enumerate(page.model.rows) if u.username == username]
    page.view.selectRow(row)
    assert page.selected() is not None and page.selected().username == username


def state_of(page: UsersPage, username: str) -> str:
    [row] = [i for i, u in enumerate(page.model.rows) if u.username == username]
    return page.model.index(row, 4).data()


def add_empty_class(store: Store, grade: int, number: int) -> None:
    with store.write() as session:
        session.add(SchoolClass(grade=grade, number=number))


def test_reset_password_then_log_in_with_it(qtbot, admin_store: Store, db_path: Path):
    page = users_page(qtbot, admin_store)
    select(page, "wang")
    assert page.reset_button.isEnabled() and not page.enable_button.isEnabled()
    dialog = page.reset_selected()
    assert dialog is not None and not dialog.enabling
    assert "wang" in dialog.windowTitle()

    dialog.password.setText("short")
    dialog.password_again.setText("short")
    dialog.submit()
    idle(qtbot)
    assert "至少需要 8 个字符" in dialog.error.text()
    dialog.password.setText(TEACHER_NEW)
    dialog.password_again.setText(TEACHER_NEW + "x")
    dialog.submit()
    assert dialog.error.text() == strings.PASSWORD_MISMATCH
    dialog.password_again.setText(TEACHER_NEW)
    dialog.submit()
    idle(qtbot)
    assert closed(dialog)
    assert page.status.text() == strings.USER_RESET_DONE.format(username="wang")

    admin_store.close()  # one session per database at a time, as after the lock
    with unlock(db_path, "wang", TEACHER_NEW) as store:
        assert store.user.username == "wang"
    with pytest.raises(WrongPasswordError):
        unlock(db_path, "wang", TEACHER_OLD)


def test_enable_a_deactivated_account_with_a_new_password(qtbot, admin_store: Store,
                                                         db_path: Path):
    page = users_page(qtbot, admin_store)
    select(page, "wang")
    page.deactivate_selected()
    idle(qtbot)
    assert state_of(page, "wang") == strings.USER_INACTIVE
    with pytest.raises(WrongPasswordError):
        unlock(db_path, "wang", TEACHER_OLD)

    select(page, "wang")
    assert page.enable_button.isEnabled()
    assert not page.reset_button.isEnabled() and not page.deactivate_button.isEnabled()
    dialog = page.reset_selected()
    assert dialog is not None and dialog.enabling
    assert dialog.windowTitle() == strings.USER_ENABLE_TITLE.format(username="wang")
    dialog.password.setText(TEACHER_NEW)
    dialog.password_again.setText(TEACHER_NEW)
    dialog.submit()
    idle(qtbot)
    assert closed(dialog)
    assert state_of(page, "wang") == strings.USER_ACTIVE
    assert page.status.text() == strings.USER_ENABLE_DONE.format(username="wang")
    admin_store.close()
    with unlock(db_path, "wang", TEACHER_NEW) as store:
        assert store.user.role == "counselor"


def test_class_picker_offers_a_class_without_students(qtbot, admin_store: Store):
    apply_roster_import(admin_store, RosterPreview(file_name="demo",
                                                   rows=synthetic_roster(40, seed=3)))
    add_empty_class(admin_store, 7, 15)
    page = users_page(qtbot, admin_store)
    dialog = page.add_user()
    items = [dialog.school_class.itemText(i) for i in range(dialog.school_class.count())]
    empty = strings.USER_EMPTY_CLASS.format(name="初一(15)班")
    assert empty in items and len(items) > 1
    assert all("暂无学生" not in text for text in items if text != empty)

    dialog.username.setText("zhou")
    dialog.role.setCurrentIndex(dialog.role.findData("class_teacher"))
    dialog.school_class.setCurrentIndex(items.index(empty))
    dialog.password.setText(TEACHER_NEW)
    dialog.password_again.setText(TEACHER_NEW)
    dialog.submit()
    idle(qtbot)
    assert closed(dialog)
    page.reload()
    idle(qtbot)
    [row] = [i for i, u in enumerate(page.model.rows) if u.username == "zhou"]
    assert page.model.index(row, 3).data() == "初一(15)班"


def picker_items(page: UsersPage) -> list[str]:
    dialog = page.add_user()
    items = [dialog.school_class.itemText(i) for i in range(dialog.school_class.count())]
    dialog.reject()
    return items


def test_classes_are_reread_when_the_student_list_reloads_not_when_locked(
        qtbot, admin_store: Store):
    student_classes: list[tuple[int, str, int]] = []
    page = users_page(qtbot, admin_store, lambda: student_classes)
    add_empty_class(admin_store, 8, 9)
    page.refresh_class_names()  # the lock cleared the student list: nothing is read
    assert not workers.busy()
    assert picker_items(page) == [strings.USER_NO_CLASSES]

    student_classes.append((1, "初一(1)班", 7))
    page.refresh_class_names()
    idle(qtbot)
    assert picker_items(page) == [strings.USER_EMPTY_CLASS.format(name="初二(9)班")]


def test_audit_targets_show_in_chinese(qtbot, admin_store: Store):
    page = AuditPage(StoreContext(admin_store))
    qtbot.addWidget(page)
    page.reload()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10_000)
    targets = [page.model.index(r, 3).data() for r in range(page.model.rowCount())]
    assert "账户 王老师（wang）" in targets
    assert any(t.startswith("账户 ") and "admin" in t for t in targets)
    assert not any(t.startswith(("user ", "school ")) for t in targets)


def test_users_page_screenshot(qtbot, admin_store: Store, tmp_path: Path):
    """For a person to look at: $QINGXIN_SCREENS_DIR/users-followup.png if set."""
    add_empty_class(admin_store, 7, 1)
    create_user(admin_store, "li", "李老师", "class_teacher", TEACHER_OLD,
                list_classes(admin_store)[0].id)
    set_user_active(admin_store, "li", False)
    page = users_page(qtbot, admin_store)
    select(page, "li")
    folder = Path(os.environ.get("QINGXIN_SCREENS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "users-followup.png"
    assert page.grab().save(str(path))
    assert QImage(str(path)).width() >= 900


def test_lowering_a_role_rekeys_with_progress(qtbot, admin_store: Store, db_path: Path):
    add_empty_class(admin_store, 7, 1)
    key = admin_store.db_key
    page = users_page(qtbot, admin_store)
    select(page, "admin")
    assert not page.role_button.isEnabled()  # not one's own role
    select(page, "wang")
    dialog = page.change_role()
    assert dialog is not None and dialog.role.currentData() == "counselor"
    assert not dialog.school_class.isEnabled()
    dialog.role.setCurrentIndex(dialog.role.findData("class_teacher"))
    assert dialog.school_class.isEnabled()
    dialog.submit()
    idle(qtbot)
    assert closed(dialog)
    assert page.status.text() == strings.USER_REKEYED
    assert admin_store.db_key != key
    [wang] = [u for u in page.model.rows if u.username == "wang"]
    assert wang.role == "class_teacher" and wang.class_id is not None
    admin_store.close()
    with unlock(db_path, "wang", TEACHER_OLD) as store:
        assert store.user.role == "class_teacher" and "staff" not in store.keys


def test_audit_page_filters_by_action_and_hides_the_codes(qtbot, admin_store: Store,
                                                           tmp_path: Path):
    create_user(admin_store, "zhao", "赵老师", "counselor", TEACHER_OLD)
    page = AuditPage(StoreContext(admin_store))
    qtbot.addWidget(page)
    page.resize(1100, 500)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() > 2, timeout=10_000)
    idle(qtbot)  # the user list comes from a query of its own, maybe after the rows
    assert page.view.isColumnHidden(CODES_COLUMN)
    assert page.user_combo.findData("admin") > 0
    page.action_combo.setCurrentIndex(page.action_combo.findData("user_created"))
    page.apply_filter()
    qtbot.waitUntil(lambda: {page.model.index(r, 2).data()
                             for r in range(page.model.rowCount())} == {"新建用户"},
                    timeout=10_000)
    targets = {page.model.index(r, 3).data() for r in range(page.model.rowCount())}
    assert "账户 赵老师（zhao）" in targets
    assert page.model.index(0, CODES_COLUMN).data().startswith("user_created user:")
    folder = Path(os.environ.get("QINGXIN_SCREENS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    assert page.grab().save(str(folder / "audit-filtered.png"))


def test_account_page_keeps_the_teachers_own_phone(qtbot, admin_store: Store):
    """Issue 14, point 3: the number letters print is the teacher's, kept on 我的账户; a
    number that is not one is refused beside the field and nothing changes."""
    ctx = StoreContext(admin_store)
    page = AccountPage(ctx, 10)
    qtbot.addWidget(page)
    idle(qtbot)
    assert page.phone.text() == ""
    page.phone.setText("电话待定")
    page.save_phone()
    idle(qtbot)
    assert "不是有效的电话号码" in page.phone_error.text() and my_phone(admin_store) == ""
    page.phone.setText("+86 139 0000 1234")
    page.save_phone()
    idle(qtbot)
    assert page.phone.text() == "13900001234" == my_phone(admin_store)
    assert page.phone_error.text() == ""
