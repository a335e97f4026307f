"""`qingxin warnings list`, `qingxin referral list` and `qingxin letter`, in-process."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.cli import main
from app.models import AuditEvent
from app.services.accounts.auth import unlock
from app.services.audit_seal import open_detail
from app.services.referral.workflow import complete_step, open_referral
from app.services.warning.decisions import decide_level
from tests.casefile.casefile_helpers import audit_count
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def db(store, school, db_path, monkeypatch):
    """A school with two students on the list and one open referral, then closed so
    the command can open it."""
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)
    s = school.students
    decide_level(store, s[0], "crisis", "自伤", decided_on=date(2026, 1, 5))
    decide_level(store, s[6], "general", "丧亲", decided_on=date(2026, 3, 2))
    rid = open_referral(store, s[0], {"self_harm"}, date(2026, 3, 2))
    complete_step(store, rid, "crisis_assessment", date(2026, 3, 2))
    store.close()
    return db_path


def test_warnings_list_text_and_csv(db, tmp_path, capsys):
    assert main(["warnings", "list", "--db", str(db), "--today", "2026-03-10"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("S20260000\t测试学生0\t") and "危机" in out[0]
    assert "逾期" in out[0] and "未落实双结对" in out[0]
    assert out[-1] == "共 2 条。"
    csv_file = tmp_path / "w.csv"
    assert main(["warnings", "list", "--db", str(db), "--format", "csv", "--out",
                 str(csv_file), "--today", "2026-03-10"]) == 0
    lines = csv_file.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "学籍号,姓名,班级,预警等级,起始日期,下次随访,逾期天数,双结对"
    assert lines[2].startswith("S20260006,测试学生6,") and "一般关注" in lines[2]
    # Dates are ISO dates and 逾期天数 a bare number a spreadsheet sums (issue 18).
    first = lines[1].split(",")
    assert first[6].isdigit() and int(first[6]) > 0
    assert date.fromisoformat(first[4]) and date.fromisoformat(first[5])


def test_referral_list(db, capsys):
    assert main(["referral", "list", "--db", str(db), "--today", "2026-03-10"]) == 0
    out = capsys.readouterr().out
    assert "告知家长（告知书回执）" in out and "逾期 7 天" in out and "进行中" in out


def test_letter_writes_a_pdf_and_audits(db, tmp_path, capsys):
    out = tmp_path / "notice.pdf"
    assert main(["letter", "--db", str(db), "--student", "S20260000", "--kind", "notice",
                 "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF") and "已生成" in capsys.readouterr().out
    assert main(["letter", "--db", str(db), "--student", "NOPE", "--kind", "notice",
                 "--out", str(out)]) == 2
    assert "没有学籍号为 NOPE 的学生" in capsys.readouterr().err
    with unlock(db, "admin", TEST_PASSWORD) as store:
        assert audit_count(store, "student_print") == 1
        assert audit_count(store, "warning_list") == 0


def _exports(db) -> list[tuple[str, str, str]]:
    with unlock(db, "admin", TEST_PASSWORD) as store, store.read() as session:
        return [(kind, target, open_detail(session, detail)) for kind, target, detail in
                session.execute(select(AuditEvent.target_kind, AuditEvent.target_id,
                                       AuditEvent.detail)
                                .where(AuditEvent.action == "student_export")
                                .order_by(AuditEvent.id))]


@pytest.mark.parametrize(("command", "kind", "what"), [
    (["warnings", "list"], "student", "预警名单 CSV {n} 人"),
    (["referral", "list", "--all"], "referral", "转介名单 CSV {n} 条"),
    (["guardian", "coverage"], "student", "家校沟通名单 CSV {n} 人"),
    (["roster", "list"], "student", "名册 CSV {n} 人"),
])
def test_a_list_written_as_csv_is_audited_as_an_export_and_the_text_one_is_not(
        db, tmp_path, capsys, command, kind, what):
    """One "student_export" event naming the list and its rows, only for the CSV copy."""
    args = [*command, "--db", str(db)]
    assert main([*args, "--format", "text"]) == 0
    capsys.readouterr()
    assert _exports(db) == []
    out = tmp_path / "list.csv"
    assert main([*args, "--format", "csv", "--out", str(out)]) == 0
    rows = len(out.read_text(encoding="utf-8-sig").splitlines()) - 1
    assert rows > 0
    assert _exports(db) == [(kind, "", what.format(n=rows))]
