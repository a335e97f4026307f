"""The self-test in-process, its failure lines, the maintenance commands and the frozen
program's launcher."""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

import pytest

from app.cli import main
from app.services.maintenance import selftest
from app.services.maintenance.selftest import STEPS, Step, run_self_test
from tests.conftest import TEST_PASSWORD
from tests.maintenance.maintenance_helpers import add_students

ROOT = Path(__file__).resolve().parents[2]


def test_self_test_passes_in_process_and_leaves_nothing_behind(monkeypatch, tmp_path):
    # A temporary folder of this test's own: other suites running on the machine make
    # and remove theirs in the shared one.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    seen = []
    report = run_self_test(report=seen.append)
    assert report.ok, [r.line for r in report.results if not r.ok]
    assert [r.code for r in report.results] == [s.code for s in STEPS]
    assert seen == list(report.results)
    assert all(r.line.startswith("[通过 PASS] ST") for r in report.results)
    assert report.summary.startswith("自检通过 PASS：9/9")
    assert report.folder is None and list(tmp_path.iterdir()) == []


def test_a_failing_step_is_named_and_the_rest_still_run(monkeypatch, tmp_path):
    def missing_module(_run):  # type: ignore[no-untyped-def]
        raise ModuleNotFoundError("No module named 'reportlab.graphics.renderPDF'")

    steps = tuple(Step(s.code, s.title, missing_module) if s.code == "ST04" else s
                  for s in STEPS)
    monkeypatch.setattr(selftest, "STEPS", steps)
    report = run_self_test(tmp_path / "kept")
    failed = [r for r in report.results if not r.ok]
    assert [r.code for r in failed] == ["ST04"]
    assert failed[0].line.startswith("[失败 FAIL] ST04")
    assert "reportlab.graphics.renderPDF" in failed[0].detail
    assert not report.ok and "未通过" in report.summary and "8/9" in report.summary
    assert report.folder == tmp_path / "kept" and (tmp_path / "kept" / "school").is_dir()


def test_a_step_that_needs_an_earlier_one_says_so(monkeypatch):
    def broken(_run):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    steps = tuple(Step(s.code, s.title, broken) if s.code == "ST02" else s for s in STEPS)
    monkeypatch.setattr(selftest, "STEPS", steps)
    results = {r.code: r for r in run_self_test().results}
    assert not results["ST02"].ok and "RuntimeError: boom" in results["ST02"].detail
    assert not results["ST03"].ok and "前面的步骤未通过" in results["ST03"].detail
    assert results["ST06"].ok  # the audit chain does not depend on the roster


def test_cli_self_test_prints_a_line_per_step_and_a_count(capsys):
    assert main(["self-test"]) == 0
    out = capsys.readouterr().out
    assert out.count("[通过 PASS]") == len(STEPS)
    assert out.strip().splitlines()[-1] == f"self-test: {len(STEPS)} passed, 0 failed"


def test_cli_self_test_fails_with_exit_1(monkeypatch, capsys):
    steps = (*STEPS, Step("ST99", "故意失败", lambda _run: (_ for _ in ()).throw(
        RuntimeError("故意"))))
    monkeypatch.setattr(selftest, "STEPS", steps)
    assert main(["self-test"]) == 1
    out = capsys.readouterr().out
    assert "[失败 FAIL] ST99" in out and out.strip().endswith("1 failed")


@pytest.mark.gui
def test_self_test_gui_step(qapp, capsys):
    assert main(["self-test", "--gui"]) == 0
    out = capsys.readouterr().out
    assert "[通过 PASS] ST10 图形界面" in out and "取消" in out


@pytest.mark.gui
def test_self_test_gui_step_fails_when_a_page_fails_to_load(qapp, monkeypatch, capsys):
    # What a module left out of the frozen bundle does to a page that imports it on a
    # worker: an unexpected error box, which must fail the step, not pass unseen.
    def missing_module(_rows):  # type: ignore[no-untyped-def]
        raise ModuleNotFoundError("No module named 'pypinyin.phrases_dict'")

    monkeypatch.setattr("app.ui.students_page.index_students", missing_module)
    assert main(["self-test", "--gui"]) == 1
    out = capsys.readouterr().out
    assert "[失败 FAIL] ST10 图形界面" in out and "主窗口加载时出现 1 个意外错误" in out


def test_cli_backup_status_check_and_restore(db_path, store, tmp_path, monkeypatch, capsys):
    add_students(store, 40)
    store.close()
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)
    usb = tmp_path / "usb"
    usb.mkdir()
    assert main(["backup", "--db", str(db_path), "--status"]) == 0
    assert "还没有做过备份" in capsys.readouterr().out
    assert main(["backup", "--db", str(db_path), "--to", str(usb)]) == 0
    out = capsys.readouterr().out
    assert "已备份" in out and "密钥文件" in out and "上次备份" in out
    backup = next(usb.glob("*.db"))
    assert main(["check", "--db", str(db_path)]) == 0
    assert "数据库完好" in capsys.readouterr().out
    assert main(["restore", "--db", str(db_path), "--from", str(backup)]) == 0
    out = capsys.readouterr().out
    assert "已从" in out and "另存为" in out
    monkeypatch.setenv("QINGXIN_PASSWORD", "wrong-password-9")
    assert main(["restore", "--db", str(db_path), "--from", str(backup)]) == 3
    assert "打不开这份备份" in capsys.readouterr().err


def test_cli_backup_to_a_missing_stick_exits_4(db_path, store, tmp_path, monkeypatch,
                                               capsys):
    store.close()
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)
    assert main(["backup", "--db", str(db_path), "--to", str(tmp_path / "gone")]) == 4
    assert "找不到文件夹" in capsys.readouterr().err


def test_cli_restore_with_recovery_code(db_path, new_school, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)
    assert main(["backup", "--db", str(db_path), "--to", str(tmp_path)]) == 0
    backup = next(tmp_path.glob("qingxin-backup-*.db"))
    monkeypatch.delenv("QINGXIN_PASSWORD")
    monkeypatch.setenv("QINGXIN_RECOVERY_CODE", new_school.recovery_code)
    capsys.readouterr()
    assert main(["restore", "--db", str(db_path), "--from", str(backup), "--recovery"]) == 0
    assert "恢复码重置密码" in capsys.readouterr().out


def _launcher():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("qingxin_launch",
                                                  ROOT / "packaging" / "launch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_launcher_runs_the_gui_or_the_command_line(monkeypatch):
    launch = _launcher()
    calls = []
    monkeypatch.setattr("app.ui.app.run", lambda args: calls.append(("gui", args)) or 0)
    monkeypatch.setattr("app.cli.main", lambda args: calls.append(("cli", args)) or 0)
    monkeypatch.setattr("sys.executable", "/opt/Qingxin/Qingxin")
    assert launch.main(["--db", "x.db"]) == 0
    assert launch.main(["--cli", "self-test"]) == 0
    monkeypatch.setattr("sys.executable", "/opt/Qingxin/qingxin-cli")
    assert launch.main(["backup", "--status"]) == 0
    monkeypatch.setattr("sys.executable", "C:/Program Files/Qingxin/Qingxin.exe")
    assert launch.main([]) == 0
    monkeypatch.setattr("sys.executable", "C:/Program Files/Qingxin/Qingxin.com")
    assert launch.main(["district", "keygen"]) == 0
    assert calls == [("gui", ["--db", "x.db"]), ("cli", ["self-test"]),
                     ("cli", ["backup", "--status"]), ("gui", []),
                     ("cli", ["district", "keygen"])]
