"""Screenshots of the main screens, rendered offscreen with the shipped font.

Saved to $QINGXIN_SCREENS_DIR if set (to look at them, or for the docs), otherwise to
the test's temporary folder. The assertions only check that each image was written and
is not blank; whether the Chinese renders without tofu boxes is for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

from test_ui_end_to_end import PASSWORD, front_login, import_roster, login, write_roster

from app.services.accounts.auth import unlock
from app.services.accounts.users import create_user
from app.services.demo.synthetic import synthetic_roster
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.services.setup import create_school
from app.services.students import list_students
from app.ui import strings
from app.ui.setup_wizard import SetupWizard
from app.ui.shell import Shell
from app.ui.users_page import UsersPage
from tests.ui.ui_helpers import close_boxes, idle, screen_saver

save = screen_saver("")


def test_screenshots(qtbot, db_path: Path, tmp_path: Path, screens_dir: Path):
    wizard = SetupWizard(tmp_path / "new" / "qingxin.db")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.school_page.name.setText("青心实验中学")
    save(wizard, screens_dir, "01-setup-school")
    wizard.next()
    wizard.admin_page.display_name.setText("刘老师")
    wizard.admin_page.password.setText(PASSWORD)
    wizard.admin_page.password_again.setText(PASSWORD)
    save(wizard, screens_dir, "02-setup-admin")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.result is not None, timeout=10_000)
    idle(qtbot)
    save(wizard, screens_dir, "03-setup-recovery-code")

    create_school(db_path, "青心实验中学", "admin", PASSWORD, admin_display_name="刘老师")
    with unlock(db_path, "admin", PASSWORD) as store:
        apply_roster_import(store, RosterPreview(file_name="demo",
                                                 rows=synthetic_roster(1200, seed=11)))
        class_id = list_students(store)[0].class_id
        create_user(store, "chen", "陈老师", "class_teacher", PASSWORD, class_id)
    shell = Shell(db_path)
    dialog = shell.start()
    dialog.resize(460, 260)
    login(qtbot, front_login(shell), "admin", "wrong-password")
    save(dialog, screens_dir, "04-login-wrong-password")
    login(qtbot, front_login(shell), "admin", PASSWORD)
    window = shell.window
    window.resize(1200, 760)
    idle(qtbot)
    save(window, screens_dir, "05-students")
    assert window.students_page is not None
    window.students_page.search.setText("zh")
    window.students_page.grade.setCurrentIndex(1)
    save(window, screens_dir, "06-students-search-zh")

    preview = import_roster(qtbot, window, write_roster(tmp_path / "名册", [
        ("G201301010001", "张三", "男", 7, 1), ("G201301010002", "李四", "女", 7, 2)],
        bad_rows=2))
    save(preview, screens_dir, "07-roster-preview")
    preview.tabs.setCurrentIndex(3)
    save(preview, screens_dir, "08-roster-preview-rejected")
    preview.reject()

    window.show_area(strings.NAV_SETTINGS)
    [users] = window.findChildren(UsersPage)
    settings = users.parentWidget().parentWidget()
    settings.setCurrentIndex(1)
    idle(qtbot)
    save(window, screens_dir, "09-settings-users")
    settings.setCurrentIndex(2)
    idle(qtbot)
    save(window, screens_dir, "10-settings-audit")
    window.show_area(strings.NAV_SCREENING)
    save(window, screens_dir, "11-placeholder")
    close_boxes()
    window.lock()
    lock_screen = front_login(shell)
    lock_screen.resize(460, 260)
    save(lock_screen, screens_dir, "12-lock-screen")
    login(qtbot, lock_screen, "chen", PASSWORD)
    save(window, screens_dir, "13-class-teacher")


def test_login_names_the_program_and_the_school(qtbot, db_path: Path, screens_dir: Path):
    from app.deployment import Deployment

    create_school(db_path, "青心实验中学", "admin", PASSWORD)
    shell = Shell(db_path, deployment=Deployment(school_name="示范区第一中学<初中部>"))
    dialog = front_login_of_shell(shell)
    text = dialog.banner.text()
    assert "青心" in text and "示范区第一中学&lt;初中部&gt;" in text
    save(dialog, screens_dir, "04b-login-school")
    bare = Shell(db_path)
    assert "青心" in front_login_of_shell(bare).banner.text()


def test_cold_start_login_names_the_school_from_the_key_file(qtbot, db_path: Path,
                                                             screens_dir: Path):
    """No [school].name in deploy.toml and a fresh process (no earlier sign-in): the
    login box still names the school, read from the key file setup wrote — which holds
    nothing else in clear but usernames. A database set up before the key file carried
    the name gets it at the next sign-in."""
    import json

    from app.paths import keyslot_path
    from app.services.accounts.auth import unlock

    create_school(db_path, "青心实验中学", "admin", PASSWORD)
    keys = json.loads(keyslot_path(db_path).read_text(encoding="utf-8"))
    assert keys["school"] == "青心实验中学"
    dialog = front_login_of_shell(Shell(db_path))
    assert "青心实验中学" in dialog.banner.text()
    save(dialog, screens_dir, "04c-login-cold-start")

    del keys["school"]  # as a key file written before this version
    keyslot_path(db_path).write_text(json.dumps(keys), encoding="utf-8")
    assert "青心实验中学" not in front_login_of_shell(Shell(db_path)).banner.text()
    unlock(db_path, "admin", PASSWORD).close()
    assert json.loads(keyslot_path(db_path).read_text(encoding="utf-8"))["school"] == \
        "青心实验中学"
    assert "青心实验中学" in front_login_of_shell(Shell(db_path)).banner.text()


def front_login_of_shell(shell: Shell):  # type: ignore[no-untyped-def]
    dialog = shell.start()
    dialog.resize(460, 320)
    return front_login(shell)
