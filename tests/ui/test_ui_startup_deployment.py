"""The deployment file at GUI start: a broken one stops the program with the file and
key named (exit code 2, no window, no database); a valid one decides the data folder,
the idle lock and what StoreContext.deployment holds — unless --db, QINGXIN_DATA_DIR
or --lock-minutes say otherwise."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMainWindow

from app import deployment as deploy_module
from app.paths import DATA_DIR_ENV, DB_FILENAME
from app.services.setup import create_school
from app.ui import app as app_module
from app.ui import shell as shell_module
from app.ui.app import launch, run
from app.ui.login import LoginDialog
from app.ui.setup_wizard import SetupWizard
from app.ui.shell import Shell
from tests.conftest import TEST_PASSWORD
from tests.ui.ui_helpers import visible


class Boxes:
    """Stands in for QMessageBox in app.ui.app: records instead of blocking."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []

    def critical(self, _parent, title: str, text: str) -> None:
        self.shown.append((title, text))


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> Boxes:
    recorder = Boxes()
    monkeypatch.setattr(app_module, "QMessageBox", recorder)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # launch() installs its own
    return recorder


def deploy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    path = tmp_path / "deploy" / "deploy.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv(deploy_module.DEPLOY_ENV, str(path))
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    return path


def test_a_broken_file_stops_the_program_with_its_name_and_key(qtbot, boxes, tmp_path,
                                                               monkeypatch, db_path):
    path = deploy(tmp_path, monkeypatch, "[app]\nauto_lock_minutes = 0\n")
    assert run(["--db", str(db_path)]) == 2
    [(title, text)] = boxes.shown
    assert title == "青心 · 学生心理档案"
    assert str(path) in text and "[app].auto_lock_minutes 有误" in text
    assert "Traceback" not in text and "青心不会在部署设置有误时启动" in text
    assert not db_path.exists() and not visible(QMainWindow)
    assert not visible(LoginDialog) and not visible(SetupWizard)


def test_a_missing_named_file_stops_it_too(qtbot, boxes, tmp_path, monkeypatch):
    monkeypatch.setenv(deploy_module.DEPLOY_ENV, str(tmp_path / "nowhere.toml"))
    assert run([]) == 2
    assert "找不到部署文件" in boxes.shown[0][1]


def test_screenshot_mode_says_it_on_stderr(qtbot, boxes, tmp_path, monkeypatch, capsys):
    deploy(tmp_path, monkeypatch, "[school]\ncolour = 1\n")
    assert run(["--screenshot", str(tmp_path / "x.png")]) == 2
    assert "[school].colour 有误" in capsys.readouterr().err and not boxes.shown


def test_data_dir_and_auto_lock_come_from_the_file(qtbot, boxes, tmp_path, monkeypatch):
    path = deploy(tmp_path, monkeypatch, '[school]\nname = "一中"\n'
                                         '[app]\ndata_dir = "数据"\nauto_lock_minutes = 3\n'
                                         'backup_reminder_days = 14\n')
    shell = launch([])
    assert isinstance(shell, Shell) and not boxes.shown
    assert shell.db_path == path.parent / "数据" / DB_FILENAME
    assert shell.window.idle.timeout_ms == 3 * 60_000
    d = shell.ctx.deployment
    assert d.source == path and d.school_name == "一中" and d.backup_reminder_days == 14
    assert isinstance(shell.front, SetupWizard)  # no database there yet: set one up

    create_school(shell.db_path, "一中", "admin", TEST_PASSWORD)
    shell = launch([])
    assert isinstance(shell, Shell) and isinstance(shell.front, LoginDialog)
    assert shell.front.db_path == path.parent / "数据" / DB_FILENAME


def test_command_line_and_environment_win(qtbot, boxes, tmp_path, monkeypatch):
    deploy(tmp_path, monkeypatch, '[app]\ndata_dir = "数据"\nauto_lock_minutes = 3\n')
    shell = launch(["--db", str(tmp_path / "mine.db"), "--lock-minutes", "1"])
    assert isinstance(shell, Shell)
    assert shell.db_path == tmp_path / "mine.db" and shell.window.idle.timeout_ms == 60_000
    assert shell.ctx.deployment.auto_lock_minutes == 3  # still in force for the policy
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "env"))
    shell = launch([])
    assert isinstance(shell, Shell) and shell.db_path == tmp_path / "env" / DB_FILENAME


def test_without_a_file_the_defaults(qtbot, boxes, tmp_path, monkeypatch):
    monkeypatch.delenv(deploy_module.DEPLOY_ENV, raising=False)
    monkeypatch.setattr(deploy_module, "candidate_paths", lambda: [tmp_path / "none.toml"])
    shell = launch(["--db", str(tmp_path / "q.db")])
    assert isinstance(shell, Shell) and shell.ctx.deployment.source is None
    assert shell.window.idle.timeout_ms == 10 * 60_000


def test_a_data_folder_on_a_missing_drive_is_said_not_set_up_again(qtbot, boxes, tmp_path,
                                                                     monkeypatch):
    """A data folder on a USB disk that is not plugged in must not look like a new school:
    the setup wizard there would make the teacher think the records were gone."""
    monkeypatch.setattr(shell_module, "drive_present", lambda _path: False)
    db = tmp_path / "u-disk" / "qingxin.db"
    assert shell_module.database_state(db) == "unreachable"
    assert run(["--db", str(db)]) == 4
    [(_title, text)] = boxes.shown
    assert str(db.parent) in text and "磁盘" in text
    assert not visible(SetupWizard) and not visible(LoginDialog)
