"""The command line: init, roster import/list, exit codes, password from the environment.

Run in-process through app.cli.main, as `qingxin` would, with QINGXIN_PASSWORD set.
"""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from app.cli import main
from app.paths import keyslot_path
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)


@pytest.fixture
def db(tmp_path, env):
    path = tmp_path / "cli" / "q.db"
    assert main(["init", "--db", str(path), "--school", "命令行中学", "--admin", "admin"]) == 0
    return path


def _roster(path, rows):
    with open(path, "w", newline="", encoding="gbk") as fh:
        writer = csv.writer(fh)
        writer.writerow(["学号", "学生姓名", "性别", "班级"])
        writer.writerows(rows)
    return path


def test_init_prints_the_recovery_code_once(tmp_path, env, capsys):
    main(["init", "--db", str(tmp_path / "q.db"), "--school", "学校", "--admin", "admin"])
    out = capsys.readouterr().out
    assert "恢复码" in out and out.count("-") >= 5


def test_import_dry_run_then_real_then_list_csv(db, tmp_path, capsys):
    roster = _roster(tmp_path / "r.csv", [["1001", "张三", "男", "初一(3)班"],
                                          ["1002", "李四", "女", "初一(3)班"]])
    assert main(["roster", "import", "--db", str(db), str(roster), "--dry-run"]) == 0
    assert "新增 2 人" in capsys.readouterr().out
    out_file = tmp_path / "list.csv"
    assert main(["roster", "list", "--db", str(db), "--format", "csv", "--out",
                 str(out_file)]) == 0
    assert out_file.read_text(encoding="utf-8-sig").count("\n") == 1  # header only
    assert main(["roster", "import", "--db", str(db), str(roster)]) == 0
    assert main(["roster", "list", "--db", str(db), "--format", "csv", "--out",
                 str(out_file)]) == 0
    lines = out_file.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("学籍号,姓名") and len(lines) == 3
    assert "1001,张三,男" in lines[1]


def test_bad_rows_exit_2_with_the_row_report(db, tmp_path, capsys):
    roster = _roster(tmp_path / "r.csv", [["1001", "张三", "男", "初一(3)班"],
                                          ["", "无号", "男", "初一(3)班"]])
    assert main(["roster", "import", "--db", str(db), str(roster)]) == 2
    err = capsys.readouterr().err
    assert "未写入任何数据" in err and "第 3 行" in err


def test_wrong_password_exit_3(db, monkeypatch, capsys):
    monkeypatch.setenv("QINGXIN_PASSWORD", "not-the-password")
    assert main(["roster", "list", "--db", str(db)]) == 3
    err = capsys.readouterr().err
    assert "用户名或密码不正确" in err and "Traceback" not in err


def test_missing_file_is_a_chinese_message(db, tmp_path, capsys):
    code = main(["roster", "import", "--db", str(db), str(tmp_path / "nope.xlsx")])
    assert code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_audit_verify(db, capsys):
    assert main(["audit", "verify", "--db", str(db)]) == 0
    assert "完整" in capsys.readouterr().out


def test_python_dash_m_app_is_the_same_command(tmp_path):
    done = subprocess.run([sys.executable, "-m", "app", "--version"], capture_output=True,
                          text=True, check=True)
    assert done.stdout.startswith("qingxin ")


def test_a_bug_is_reported_without_its_message(monkeypatch, capsys):
    """An exception's text can quote student data; the CLI prints type and place only."""
    import app.cli.store_cmds as store_cmds

    def broken(args):
        raise ValueError("张三 G2013000001")

    monkeypatch.setattr(store_cmds, "_audit_verify", broken)
    monkeypatch.delenv("QINGXIN_DEBUG", raising=False)
    assert main(["audit", "verify", "--db", "x.db"]) == 70
    err = capsys.readouterr().err
    assert "内部错误（ValueError）" in err and "张三" not in err and "G2013" not in err


def test_database_errors_do_not_quote_parameters(store):
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError) as info, store.write() as session:
        for _ in range(2):
            session.execute(text("INSERT INTO school_year (start_year, starts_on, is_current) "
                                 "VALUES (:y, :d, 0)"), {"y": 2030, "d": "2030-09-01"})
    assert "2030" not in str(info.value)
    assert "hidden due to hide_parameters" in str(info.value)


def test_user_disable_and_role_rekey_from_the_command_line(db, monkeypatch, capsys):
    monkeypatch.setenv("QINGXIN_NEW_PASSWORD", "counselor-pass-1")
    assert main(["user", "add", "--db", str(db), "liu", "--role", "counselor"]) == 0
    assert main(["user", "add", "--db", str(db), "wang", "--role", "counselor"]) == 0
    before = keyslot_path(db).read_text()
    assert main(["user", "role", "--db", str(db), "wang", "admin"]) == 0
    assert "换用新密钥" not in capsys.readouterr().out  # raising a role: no re-key
    assert main(["user", "disable", "--db", str(db), "liu"]) == 0
    out = capsys.readouterr().out
    assert "数据库已换用新密钥" in out and "已停用账户 liu" in out
    assert keyslot_path(db).read_text() != before
    monkeypatch.setenv("QINGXIN_PASSWORD", "counselor-pass-1")
    assert main(["roster", "list", "--db", str(db), "--user", "liu"]) == 3
    assert main(["roster", "list", "--db", str(db), "--user", "wang"]) == 0
