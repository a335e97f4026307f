"""`qingxin score`, run through the real CLI frame (only this command registered, so the
test does not depend on commands other packages are still writing)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import Workbook

import app.cli


@pytest.fixture
def run(monkeypatch, capsys):
    monkeypatch.setattr(app.cli, "COMMAND_MODULES", ("app.cli.score_cmds",))

    def invoke(*argv: str) -> tuple[int, str, str]:
        code = app.cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def phq_file(tmp_path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "提交答卷时间", "学籍号", "姓名", *[f"{n}、题目" for n in range(1, 10)]])
    for row in rows:
        ws.append(row)
    wb.save(tmp_path / "phq.xlsx")
    return tmp_path / "phq.xlsx"


def test_json_output(run, tmp_path):
    path = phq_file(tmp_path, [
        [1, "2024/10/8 9:00:00", "G001", "甲", *["完全不会"] * 8, "好几天"],
        [2, "2024/10/8 9:01:00", "G002", "乙",
         *["几乎每天"] * 4, *["好几天"] * 3, None, "完全不会"],
    ])
    code, out, err = run("score", "--instrument", "PHQ-9", str(path), "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert rows[0] == {
        "id": "G001", "row": 2, "valid": True, "scales": {}, "total": 1,
        "bands": {"total": "minimal"}, "critical": [9],
        "critical_answers": {"9": "好几天"}, "prorated_cut": [], "warning": "key",
        "reasons": [], "notes": [rows[0]["notes"][0]],
    }
    # 4 × 3 + 3 × 1 = 15 on 8 answered items → 15 × 9 / 8 = 16.875 → 17.
    assert (rows[1]["total"], rows[1]["bands"]["total"], rows[1]["warning"]) == (
        17, "moderately_severe", "key")
    assert "第3行「8、题目」：第 8 题未作答" in err


def test_csv_output_to_file(run, tmp_path):
    path = phq_file(tmp_path, [[1, "2024/10/8 9:00:00", "G001", "甲", *["好几天"] * 9]])
    out_file = tmp_path / "scores.csv"
    code, out, _ = run("score", "--instrument", "phq9", str(path), "--format", "csv",
                       "--out", str(out_file))
    assert code == 0 and out == ""
    text = out_file.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["id"] == "G001" and rows[0]["total"] == "9"
    assert rows[0]["band_total"] == "mild" and rows[0]["critical"] == "9"
    assert rows[0]["critical_answers"] == "9:好几天" and rows[0]["reasons"] == "uniform"


def test_mht_json_scales(run, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["学号", *[str(n) for n in range(1, 101)]])
    ws.append(["2024001", *[1] * 15, *[0] * 85])
    wb.save(tmp_path / "grid.xlsx")
    code, out, _ = run("score", "--instrument", "mht", str(tmp_path / "grid.xlsx"))
    assert code == 0
    row = json.loads(out)[0]
    assert row["scales"]["learning_anxiety"] == 15 and row["total"] == 15
    # A single scale at 高分 is shown and suggests nothing by itself (MHT notes).
    assert row["bands"]["learning_anxiety"] == "high" and row["warning"] == "none"


def test_bad_input_exits_2_with_rows_named(run, tmp_path):
    path = phq_file(tmp_path, [[1, "2024/10/8 9:00:00", "G001", "甲", *["好几天"] * 8, "很多"]])
    code, out, err = run("score", "--instrument", "phq9", str(path))
    assert code == 2 and out == ""
    assert "第2行「9、题目」：“很多”不是本量表的选项" in err


def test_unknown_instrument_exits_2(run, tmp_path):
    code, _, err = run("score", "--instrument", "nope", str(tmp_path / "x.xlsx"))
    assert code == 2 and "没有代码为「nope」的量表" in err


def test_ids_printed_as_the_file_holds_them(run, tmp_path):
    """Leading zeros, letters and long text IDs come out unchanged; full-width digits
    are made half-width and that is said on stderr."""
    path = phq_file(tmp_path, [
        [1, "2024/10/8 9:00:00", "00123", "甲", *["完全不会"] * 9],
        [2, "2024/10/8 9:00:00", "G11010519491231002X", "乙", *["完全不会"] * 9],
        [3, "2024/10/8 9:00:00", "２０２４０１０１２３４５６７０１", "丙", *["完全不会"] * 9],
    ])
    code, out, err = run("score", "--instrument", "phq9", str(path), "--format", "csv")
    assert code == 0 and out.startswith("\ufeff")  # stdout is not a terminal here: a BOM
    ids = [r["id"] for r in csv.DictReader(io.StringIO(out.removeprefix("\ufeff")))]
    assert ids == ["00123", "G11010519491231002X", "2024010123456701"]
    assert "第4行「学籍号」" in err and "读作「2024010123456701」" in err


def test_ids_that_lost_digits_are_refused(run, tmp_path):
    path = phq_file(tmp_path, [
        [1, "2024/10/8 9:00:00", 2024010123456700.0, "甲", *["完全不会"] * 9],
        [2, "2024/10/8 9:00:00", "110105201203051000", "乙", *["完全不会"] * 9],
    ])
    code, out, err = run("score", "--instrument", "phq9", str(path))
    assert code == 2 and out == ""
    assert "第2行「学籍号」" in err and "第3行「学籍号」" in err and "校验码" in err
