"""`qingxin screening results`: the CSV of a campaign's scores is an export of students'
data, so it is audited like the GUI's Excel export and `roster list --format csv`.
`qingxin screening delete` removes only a campaign without results."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.cli import main
from app.models import AuditEvent
from app.services.auth import unlock
from app.services.campaigns import create_campaign
from app.services.roster import RosterPreview, apply_roster_import
from app.services.screening_import import save_answer_string
from app.services.students import list_students
from app.services.synthetic import synthetic_roster
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def db(store, db_path, monkeypatch):
    """Ten students, a PHQ-9 campaign with three results; closed so the command can open it."""
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)
    apply_roster_import(store, RosterPreview(file_name="t", rows=synthetic_roster(10, seed=3)))
    students = list_students(store)
    campaign = create_campaign(store, "2026秋 PHQ-9", "phq9")
    for student in students[:3]:
        save_answer_string(store, campaign.id, student.id, "110000000")
    store.close()
    return db_path, campaign.id, students[:3]


def _exports(path) -> list[tuple[str, str, str]]:
    with unlock(path, "admin", TEST_PASSWORD) as store, store.read() as session:
        return [tuple(r) for r in session.execute(
            select(AuditEvent.target_kind, AuditEvent.target_id, AuditEvent.detail)
            .where(AuditEvent.action == "student_export"))]


@pytest.mark.parametrize("to_file", [True, False], ids=["out", "stdout"])
def test_results_csv_is_audited_with_campaign_and_count(db, tmp_path, capsys, to_file):
    path, campaign_id, students = db
    args = ["screening", "results", "--db", str(path), "--campaign", "2026秋 PHQ-9",
            "--format", "csv"]
    out_file = tmp_path / "results.csv"
    assert main(args + (["--out", str(out_file)] if to_file else [])) == 0
    text = out_file.read_text(encoding="utf-8-sig") if to_file else capsys.readouterr().out
    assert text.count("\n") == 4 and students[0].name in text
    exports = _exports(path)
    assert exports == [("campaign", str(campaign_id), "测评结果 CSV，3 份")]
    # The audit detail carries a count, never who was exported.
    assert not any(s.name in exports[0][2] or s.student_no in exports[0][2] for s in students)


def test_unknown_campaign_exports_nothing_and_records_nothing(db, capsys):
    path, _, _ = db
    assert main(["screening", "results", "--db", str(path), "--campaign", "没有这个"]) == 2
    assert "找不到测评批次" in capsys.readouterr().err
    assert _exports(path) == []


def test_delete_only_an_empty_campaign(db, capsys):
    path, _, _ = db
    args = ["screening", "delete", "--db", str(path), "--campaign"]
    assert main([*args, "2026秋 PHQ-9"]) == 2
    assert "已有 3 份测评结果，不能删除" in capsys.readouterr().err
    with unlock(path, "admin", TEST_PASSWORD) as store:
        create_campaign(store, "打错的名字", "phq9")
    assert main([*args, "打错的名字"]) == 0
    assert "已删除测评批次“打错的名字”" in capsys.readouterr().out
    assert main(["screening", "list", "--db", str(path)]) == 0
    assert "打错的名字" not in capsys.readouterr().out
