"""Temporary and mandatory Windows profiles, faked by environment and files: a database
set up inside one is warned about, one on a kept drive is not."""

from __future__ import annotations

from pathlib import Path

from app.winprofile import MANDATORY, TEMPORARY, profile_kind, volatile_data_warning


def test_profile_kinds(tmp_path):
    assert profile_kind({"USERPROFILE": r"C:\Users\TEMP"}, "win32") == TEMPORARY
    assert profile_kind({"USERPROFILE": r"C:\Users\TEMP.SCHOOL.001"}, "win32") == TEMPORARY
    assert profile_kind({"USERPROFILE": r"C:\Users\TEMP"}, "linux") is None
    teacher = tmp_path / "张老师"
    teacher.mkdir()
    assert profile_kind({"USERPROFILE": str(teacher)}, "win32") is None
    (teacher / "ntuser.man").write_bytes(b"")
    assert profile_kind({"USERPROFILE": str(teacher)}, "win32") == MANDATORY


def test_a_database_inside_a_temporary_profile_is_warned_about():
    env = {"USERPROFILE": r"C:\Users\TEMP"}
    local = Path(r"C:\Users\TEMP\AppData\Local\Qingxin\qingxin.db")
    warning = volatile_data_warning(local, env, "win32")
    assert warning is not None and "临时配置文件" in warning and "data_dir" in warning
    assert volatile_data_warning(Path("D:/青心数据/qingxin.db"), env, "win32") is None
    assert volatile_data_warning(Path(r"C:\Users\TEMPLATE\x\qingxin.db"), env, "win32") is None


def test_the_setup_wizard_shows_the_warning(qtbot, tmp_path, monkeypatch):
    from app.ui import setup_wizard

    monkeypatch.setattr(setup_wizard, "volatile_data_warning",
                        lambda _db: "注意：当前 Windows 用户使用的是临时配置文件（TEMP）")
    wizard = setup_wizard.SetupWizard(tmp_path / "qingxin.db")
    qtbot.addWidget(wizard)
    assert "临时配置文件" in wizard.school_page.volatile.text()
