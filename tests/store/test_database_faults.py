"""The database's own file-system faults end in a plain Chinese message, exit code 4.

SQLite's real errors are provoked without root or special mounts: `PRAGMA query_only`
makes every write fail as on a read-only file (SQLITE_READONLY), `PRAGMA
max_page_count` makes the file "full" (SQLITE_FULL); an OSError on the lock file stands
for a folder without write permission.
"""

from __future__ import annotations

import errno
import os

import pytest
from sqlalchemy import event

import app.store.opening
from app.cli import main
from app.services.demo.synthetic import synthetic_roster
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.store.engine import create_encrypted_engine
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def cli(monkeypatch, capsys):
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)

    def run(*args: str) -> tuple[int, str]:
        code = main(list(args))
        return code, capsys.readouterr().err
    return run


def _with_pragma(monkeypatch, pragma: str) -> None:
    def engine_with(db_path, key):  # type: ignore[no-untyped-def]
        engine = create_encrypted_engine(db_path, key)

        @event.listens_for(engine, "connect")
        def _limit(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            if "{pages}" in pragma:
                pages = cur.execute("PRAGMA page_count").fetchone()[0]
                cur.execute(pragma.format(pages=pages))
            else:
                cur.execute(pragma)
            cur.close()
        return engine
    monkeypatch.setattr(app.store.opening, "create_encrypted_engine", engine_with)


def test_read_only_database(new_school, db_path, cli, monkeypatch):
    _with_pragma(monkeypatch, "PRAGMA query_only = ON")
    code, err = cli("roster", "list", "--db", str(db_path))
    assert code == 4 and "内部错误" not in err
    assert f"无法写入数据库 {db_path}" in err and "只读" in err


def test_full_disk_while_writing(store, db_path, cli, monkeypatch, tmp_path):
    store.close()
    _with_pragma(monkeypatch, "PRAGMA max_page_count = {pages}")
    roster = tmp_path / "r.csv"
    rows = ["学号,学生姓名,性别,班级"] + [f"{9000 + i},学生{i},男,初一(3)班" for i in range(400)]
    roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, err = cli("roster", "import", "--db", str(db_path), str(roster))
    assert code == 4 and "内部错误" not in err
    assert "磁盘已满" in err and "已撤销" in err


def test_full_disk_keeps_the_data(store, db_path, monkeypatch):
    """The refused transaction rolled back: a later open finds the data as it was."""
    apply_roster_import(store, RosterPreview(file_name="t", rows=synthetic_roster(5, seed=1)))
    store.close()
    _with_pragma(monkeypatch, "PRAGMA max_page_count = {pages}")
    from app.services.accounts.auth import unlock
    from app.services.students import list_students

    with unlock(db_path, "admin", TEST_PASSWORD) as s:
        assert len(list_students(s)) == 5
        with pytest.raises(Exception) as info:
            apply_roster_import(s, RosterPreview(file_name="t", rows=synthetic_roster(
                300, seed=9)))
        assert getattr(info.value, "exit_code", None) == 4
    monkeypatch.undo()
    with unlock(db_path, "admin", TEST_PASSWORD) as s:
        assert len(list_students(s)) == 5


def test_folder_without_write_permission(new_school, db_path, cli, monkeypatch):
    real_open = os.open

    def deny_lock(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(path).endswith(".lock"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)
    monkeypatch.setattr("app.store.instance_lock.os.open", deny_lock)
    code, err = cli("roster", "list", "--db", str(db_path))
    assert code == 4 and "内部错误" not in err
    assert str(db_path.parent) in err and "写入" in err and "权限" in err


def test_missing_database_folder_and_folder_as_database(tmp_path, cli):
    code, err = cli("roster", "list", "--db", str(tmp_path / "nope" / "q.db"))
    assert code == 4 and "找不到" in err and str(tmp_path / "nope") in err
    code, err = cli("roster", "list", "--db", str(tmp_path / "q.db"))
    assert code == 4 and f"找不到数据库文件 {tmp_path / 'q.db'}" in err
    code, err = cli("roster", "list", "--db", str(tmp_path))
    assert code == 4 and "是一个文件夹，不是数据库文件" in err
