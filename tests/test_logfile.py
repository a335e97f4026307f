"""The log in the data folder: where 「已记入日志」 points, rotated, and free of the
exception texts that could quote a student."""

from __future__ import annotations

import logging
import logging.handlers

import pytest

from app import cli
from app.logfile import BACKUPS, LOG_NAME, MAX_BYTES, start_logging
from app.paths import log_dir


@pytest.fixture
def quiet_logger():  # type: ignore[no-untyped-def]
    yield
    logger = logging.getLogger("qingxin")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()


def _text(db_path) -> str:  # type: ignore[no-untyped-def]
    return (log_dir(db_path) / LOG_NAME).read_text(encoding="utf-8")


def test_a_bug_is_logged_by_type_and_place_never_by_its_text(tmp_path, quiet_logger, capsys):
    db = tmp_path / "数据" / "qingxin.db"
    assert start_logging(db, "command line") == log_dir(db) / LOG_NAME
    try:
        raise ValueError("学生 张三 的记录")
    except ValueError as err:
        cli._report_bug(err)
    text = _text(db)
    assert "started (command line)" in text and "unexpected ValueError" in text
    assert "test_logfile.py" in text and "张三" not in text
    assert "张三" not in capsys.readouterr().err


def test_a_command_on_a_database_logs_into_its_folder(tmp_path, quiet_logger, capsys):
    db = tmp_path / "school" / "qingxin.db"
    assert cli.main(["check", "--db", str(db)]) != 0  # no database there
    assert "user-facing error" in _text(db)
    capsys.readouterr()


def test_the_log_rotates_and_stays_small(tmp_path, quiet_logger):
    db = tmp_path / "qingxin.db"
    start_logging(db, "GUI")
    log = logging.getLogger("qingxin.ui")
    for i in range(4 * MAX_BYTES // 100):
        log.info("line %05d %s", i, "x" * 80)
    files = sorted(p.name for p in log_dir(db).iterdir())
    assert files == [LOG_NAME] + [f"{LOG_NAME}.{n}" for n in range(1, BACKUPS + 1)]
    assert all(p.stat().st_size <= MAX_BYTES for p in log_dir(db).iterdir())


def test_an_unwritable_folder_costs_the_log_not_the_program(tmp_path, quiet_logger):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    assert start_logging(blocker / "qingxin.db", "GUI") is None


def test_the_self_test_logs_into_its_own_folder_then_the_log_goes_back(tmp_path,
                                                                      quiet_logger):
    from app.logfile import logging_into

    home = tmp_path / "school" / "qingxin.db"
    start_logging(home, "GUI")
    with logging_into(tmp_path / "selftest" / "qingxin.db", "self-test") as path:
        assert path == log_dir(tmp_path / "selftest" / "qingxin.db") / LOG_NAME
        logging.getLogger("qingxin.ui").info("during")
    logging.getLogger("qingxin.ui").info("after")
    assert "during" in path.read_text(encoding="utf-8")
    assert "after" not in path.read_text(encoding="utf-8")
    assert "after" in _text(home)
