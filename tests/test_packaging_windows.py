"""What the frozen program and setup.exe agree on, checked on the sources: the mutex
names, the console companion's double-click message, the upgrade order and the Chinese
wizard. (Only Windows can run them: .github/workflows/windows.yml.)"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from app import app_mutex

ROOT = Path(__file__).resolve().parent.parent
ISS = (ROOT / "installer" / "qingxin.iss").read_text(encoding="utf-8-sig")
sys.path.insert(0, str(ROOT / "packaging"))
import launch  # noqa: E402


def _setting(name: str) -> str:
    found = re.search(rf"^{name}=(.*)$", ISS, re.MULTILINE)
    assert found, name
    return found.group(1).strip()


def test_setup_checks_the_mutexes_the_program_holds():
    assert _setting("AppMutex").split(",") == list(app_mutex.MUTEX_NAMES)


def test_no_mutex_off_windows():
    assert app_mutex.hold_app_mutex(platform="linux") == 0


def test_the_old_bundle_is_never_deleted_before_the_new_one_is_in_place():
    install_delete = ISS.split("[InstallDelete]", 1)[1].split("\n[", 1)[0]
    assert "_internal" not in install_delete  # nothing of the running bundle goes first
    assert "qingxin-cli.pkg" in install_delete and "qingxin-cli.exe" in install_delete
    assert 'DestDir: "{app}\\{#Staged}"' in ISS  # the new bundle lands beside the old
    code = ISS.split("[Code]", 1)[1]
    assert "procedure SwapInStaged" in code and "RollBack" in code


def test_the_chinese_wizard_is_required():
    assert "#error" in ISS and "ChineseSimplified.isl" in ISS
    assert 'Name: "en"' not in ISS  # no silent fall-back to an English wizard


def test_the_chinese_translation_ships_beside_the_script():
    """Inno Setup's own file, kept with its header: Simplified Chinese, code page 936."""
    isl = (Path(__file__).parents[1] / "installer" / "ChineseSimplified.isl").read_text(
        encoding="utf-8")
    assert "LanguageName=简体中文" in isl and "LanguageID=$0804" in isl
    assert "LanguageCodePage=936" in isl and "Inno Setup" in isl.splitlines()[0]


def test_double_clicked_console_companion_waits_with_a_message(monkeypatch, capsys):
    monkeypatch.setattr(launch.sys, "executable", r"C:\Program Files\Qingxin\Qingxin.com")
    monkeypatch.setattr(launch, "console_of_its_own", lambda: True)
    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt="": asked.append(prompt) or "")
    assert launch.main([]) == 0
    assert "命令提示符" in capsys.readouterr().out and asked == ["按回车键关闭此窗口……"]


def test_the_console_companion_in_a_console_runs_the_command(monkeypatch, capsys):
    monkeypatch.setattr(launch.sys, "executable", r"C:\Program Files\Qingxin\Qingxin.com")
    monkeypatch.setattr(launch, "console_of_its_own", lambda: False)
    with pytest.raises(SystemExit) as done:
        launch.main(["--version"])
    assert done.value.code == 0 and "qingxin" in capsys.readouterr().out


def test_console_of_its_own_is_windows_only():
    assert launch.console_of_its_own(platform="linux") is False


def test_a_spawned_worker_process_never_starts_the_program_again():
    """`district aggregate` opens files in worker processes; Windows starts each by running
    the frozen executable again, which must hand it to multiprocessing first."""
    import ast

    tree = ast.parse((ROOT / "packaging" / "launch.py").read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If)
                 and ast.unparse(n.test) == "__name__ == '__main__'")
    calls = [ast.unparse(n.value) for n in block.body if isinstance(n, ast.Expr)]
    assert calls[0] == "multiprocessing.freeze_support()"
    assert ast.unparse(block.body[-1]) == "raise SystemExit(main())"
