"""`qingxin screening results`: the CSV of a campaign's scores is an export of students'
data, so it is audited like the GUI's Excel export and `roster list --format csv`.
`qingxin screening delete` removes only a campaign without results. `qingxin screening
import` makes a campaign it does not find, but a preview or a refused import leaves none
behind."""

from __future__ import annotations

import openpyxl
import pytest
from sqlalchemy import select

from app.cli import main
from app.models import AuditEvent
from app.services.accounts.auth import unlock
from app.services.audit_seal import open_detail
from app.services.demo.synthetic import synthetic_roster
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.services.screening.campaigns import create_campaign, list_campaigns
from app.services.screening.importing import save_answer_string
from app.services.students import list_students
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
        return [(r.target_kind, r.target_id, open_detail(session, r.detail))
                for r in session.execute(
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


def _phq9_file(path, rows):
    """A grid: 学籍号, then one column per item (option values)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["学籍号", *[f"Q{i}" for i in range(1, 10)]])
    for student_no, answers in rows:
        ws.append([student_no, *answers])
    wb.save(path)
    return path


def _campaign_names(path) -> list[str]:
    with unlock(path, "admin", TEST_PASSWORD) as store:
        return [c.name for c in list_campaigns(store)]


def test_import_makes_the_campaign_only_when_it_writes(db, tmp_path, capsys):
    path, _, students = db
    answers = _phq9_file(tmp_path / "a.xlsx", [(s.student_no, [1, 0, 0, 0, 0, 0, 0, 0, 0])
                                               for s in students])
    args = ["screening", "import", "--db", str(path), "--campaign", "2027春 PHQ-9",
            "--instrument", "phq9", str(answers)]
    assert main([*args, "--dry-run"]) == 0
    assert "（预览，未写入）" in capsys.readouterr().out
    assert "2027春 PHQ-9" not in _campaign_names(path)
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "已新建测评批次" in out and "已写入 3 份答卷" in out
    assert "2027春 PHQ-9" in _campaign_names(path)


def test_a_refused_import_leaves_no_new_campaign(db, tmp_path, capsys):
    path, _, students = db
    answers = _phq9_file(tmp_path / "a.xlsx", [(students[0].student_no, [1] * 9),
                                               ("G00000000000000", [0] * 9)])
    assert main(["screening", "import", "--db", str(path), "--campaign", "新批次",
                 "--instrument", "phq9", str(answers)]) == 2
    assert "未写入任何数据" in capsys.readouterr().err
    assert "新批次" not in _campaign_names(path)
