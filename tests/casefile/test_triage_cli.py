"""`qingxin today` and `qingxin review list|retest`, in-process: the columns, the audit
rows (as the GUI's, plus an export row for CSV) and the refusal of a class teacher."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest

from app.cli import main
from app.services.accounts.auth import unlock
from app.services.accounts.users import create_user
from app.services.warning.decisions import decide_level
from tests.casefile.casefile_helpers import add_result, audit_count
from tests.casefile.conftest import CT_PASSWORD
from tests.conftest import TEST_PASSWORD

CAMPAIGN = "2026春PHQ-9"
BOM = "\ufeff"  # CSV to anything but a terminal starts with one (sheet_output)


@pytest.fixture
def db(store, school, db_path, monkeypatch):
    """A critical answer stored now (a same-day task), a crisis decided on 03-02 (its
    checklist), a student to review and an invalid sheet; a class teacher account."""
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)
    s = school.students
    add_result(store, s[0], CAMPAIGN, "none", critical="9", taken_at=datetime(2026, 3, 2, 9),
               answers={"9": "几乎每天"})
    add_result(store, s[1], CAMPAIGN, "key", taken_at=datetime(2026, 3, 2, 9), total=16,
               band="severe")
    add_result(store, s[2], CAMPAIGN, "none", taken_at=datetime(2026, 3, 2, 9), valid=False,
               reasons=("uniform",), validity_note="全部选同一选项")
    decide_level(store, s[6], "crisis", "面谈后确定", decided_on=date(2026, 3, 2))
    create_user(store, "ct", "班主任", "class_teacher", CT_PASSWORD,
                class_id=school.class_ids[0])
    store.close()
    return db_path


def _audit(db, action: str) -> int:
    with unlock(db, "admin", TEST_PASSWORD) as store:
        return audit_count(store, action)


def test_today_lists_the_same_day_task_first_with_a_number_of_overdue_days(db, capsys):
    today = date.today().isoformat()
    assert main(["today", "--db", str(db), "--format", "csv", "--today", today]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out.lstrip(BOM))))
    assert rows[0] == ["学籍号", "姓名", "班级", "事项", "应完成", "逾期天数"]
    assert rows[1][:4] == ["S20260000", "测试学生0", "初一(1)班",
                           "当天面谈评估：「2026春PHQ-9」关键题第 9 题“几乎每天”"]
    assert rows[1][4:] == [today, "0"]
    crisis = [r for r in rows[1:] if r[3].startswith("危机：")]
    assert [r[3] for r in crisis] == ["危机：面谈评估", "危机：通知监护人", "危机：安全计划",
                                      "危机：转介决定"]
    overdue = (date.today() - date(2026, 3, 2)).days
    assert all(r[4] == "2026-03-02" and r[5] == str(overdue) for r in crisis)
    # One listing audited as the GUI's 今日工作, and the CSV as an export.
    assert _audit(db, "warning_list") == 1 and _audit(db, "student_export") == 1


def test_today_as_a_table_aligns_chinese_columns(db, capsys):
    assert main(["today", "--db", str(db), "--format", "table"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["学籍号", "姓名", "班级", "事项", "应完成", "逾期天数"]
    assert lines[1].startswith("S20260000  测试学生0") and lines[-1].startswith("共 ")
    assert _audit(db, "warning_list") == 1 and _audit(db, "student_export") == 0


def test_review_list_has_the_evidence(db, capsys):
    assert main(["review", "list", "--db", str(db), "--campaign", CAMPAIGN,
                 "--today", "2026-03-10"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out.lstrip(BOM))))
    assert [r["学籍号"] for r in rows] == ["S20260000", "S20260001"]  # not the invalid one
    critical, severe = rows
    assert critical["关键题作答"] == "第 9 题：几乎每天" and critical["建议等级"] == "重点关注"
    assert critical["当前等级"] == "无" and critical["效度"] == "有效"
    assert severe["总分"] == "16" and severe["分级"] == "重度"
    assert severe["量表"].endswith("（PHQ-9）")
    assert _audit(db, "warning_list") == 1 and _audit(db, "student_export") == 1


def test_review_retest_lists_the_invalid_sheet(db, capsys):
    assert main(["review", "retest", "--db", str(db), "--campaign", CAMPAIGN]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out.lstrip(BOM))))
    assert [(r["学籍号"], r["疑似无效原因"]) for r in rows] == [("S20260002", "全部选同一选项")]


@pytest.mark.parametrize("argv", [["today"], ["review", "list", "--campaign", CAMPAIGN],
                                  ["review", "retest", "--campaign", CAMPAIGN]])
def test_a_class_teacher_is_refused_with_exit_5(db, monkeypatch, capsys, argv):
    monkeypatch.setenv("QINGXIN_PASSWORD", CT_PASSWORD)
    assert main([*argv, "--db", str(db), "--user", "ct"]) == 5
    assert "没有权限" in capsys.readouterr().err
    assert _audit(db, "warning_list") == 0 and _audit(db, "student_export") == 0


def test_an_unknown_campaign_is_named(db, capsys):
    assert main(["review", "list", "--db", str(db), "--campaign", "没有这一场"]) == 2
    assert "找不到测评批次“没有这一场”" in capsys.readouterr().err
