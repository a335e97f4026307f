"""qingxin report individual|group and export district|school-key, end to end."""

from __future__ import annotations

import pytest

from app.cli import main
from app.seal import dump_key, load_school_key_file, new_district_key, verify
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def closed(store, screened_school, db_path, monkeypatch):
    """The screened school's database, closed so the command can open it."""
    store.close()
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)
    return db_path, screened_school


def test_individual_reports(closed, tmp_path, capsys):
    db, screened_school = closed
    one = tmp_path / "one.pdf"
    assert main(["report", "individual", "--db", str(db), "--campaign", "十一月 PHQ-9",
                 "--student", screened_school.students[0].student_no, "--out", str(one)]) == 0
    assert "已生成 1 名学生的个人报告" in capsys.readouterr().out
    every = tmp_path / "all.pdf"
    assert main(["report", "individual", "--db", str(db), "--campaign", "初一 MHT", "--all",
                 "--out", str(every)]) == 0
    assert one.read_bytes().startswith(b"%PDF") and every.stat().st_size > one.stat().st_size
    assert main(["report", "individual", "--db", str(db), "--campaign", "没有这个批次", "--all",
                 "--out", str(every)]) == 2
    assert "找不到测评批次" in capsys.readouterr().err


def test_group_report(closed, tmp_path, capsys):
    db, _ = closed
    out = tmp_path / "g.pdf"
    assert main(["report", "group", "--db", str(db), "--campaign", "十一月 PHQ-9", "--scope",
                 "grade:7", "--out", str(out)]) == 0
    assert "初一年级" in capsys.readouterr().out and out.exists()
    assert main(["report", "group", "--db", str(db), "--campaign", "十一月 PHQ-9", "--scope",
                 "room:1", "--out", str(out)]) == 2


def test_export_preview_then_seal(closed, tmp_path, capsys):
    db, screened_school = closed
    key = new_district_key()
    (tmp_path / "district.json").write_bytes(dump_key(key.public_key()))
    deploy = tmp_path / "deploy.toml"
    deploy.write_text('[school]\ncode = "4131011234"\nname = "青心实验中学"\n'
                      '[district]\npublic_key_file = "district.json"\n'
                      '[report_policy]\nkey_students = "counts"\n', encoding="utf-8")
    out = tmp_path / "x.qxseal"
    base = ["export", "district", "--db", str(db), "--period", screened_school.period,
            "--deploy", str(deploy)]
    assert main([*base, "--preview"]) == 0
    printed = capsys.readouterr().out
    assert "4131011234_" in printed and "参测情况：" in printed and key.fingerprint in printed
    assert not out.exists()
    assert main([*base, "--out", str(out)]) == 0
    assert "本次新生成" in capsys.readouterr().out
    pub = tmp_path / "4131011234.json"
    assert main(["export", "school-key", "--db", str(db), "--out", str(pub),
                 "--deploy", str(deploy)]) == 0
    key_file = load_school_key_file(pub)
    assert key_file.school_code == "4131011234"  # the district's register binds it
    manifest = verify(out.read_bytes(), key_file.key, expected_period=screened_school.period)
    assert manifest.school_code == "4131011234" and manifest.sequence == 1
    assert main(["export", "school-key", "--db", str(db), "--out", str(pub),
                 "--deploy", str(deploy)]) == 2
    assert main([*base]) == 2  # neither --out nor --preview
