"""Every command, as every role, against the capability table.

`COMMANDS` says which capability each command that signs in needs; `NO_ACCOUNT` lists
those that open no school database (no role applies). A command added to the CLI and to
neither list fails `test_every_command_is_classified`. Each (command, role) pair runs
`qingxin` in-process on its own copy of one small school: a role with the capability
must get exit 0 (the command really ran), a role without it exit 5 and an unchanged
database.
"""

from __future__ import annotations

import argparse
import csv
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cli import build_parser, main
from app.models import Campaign, ScreeningResult, Student, User
from app.paths import keyslot_path
from app.services.accounts import users as accounts
from app.services.accounts.auth import unlock
from app.services.capabilities import (
    BACKUP,
    EXPORT_DISTRICT,
    FILE_SIGNAL,
    LIST_STUDENTS,
    MANAGE_ROSTER,
    MANAGE_USERS,
    PRINT_REPORTS,
    READ_AUDIT,
    READ_CLASS_SUMMARY,
    READ_CONFIDENTIAL,
    RESTORE,
    ROLE_TABLE,
    RUN_SCREENING,
    WRITE_CASEFILE,
    may,
)
from app.services.casefile.conference import TaskInput, add_conference
from app.services.demo.synthetic import synthetic_roster
from app.services.maintenance.backup import make_backup
from app.services.referral.attachments import add_attachment
from app.services.referral.workflow import complete_step, open_referral
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.services.screening.campaigns import create_campaign
from app.services.screening.importing import save_answer_string
from app.services.setup import create_school
from app.services.signals.reports import check_filing, file_report
from app.services.students import list_students
from app.store import keyslots
from tests.conftest import TEST_PASSWORD

USERS = {"admin": "admin", "counselor": "xinli", "class_teacher": "banzhuren",
         "grade_leader": "nianjizu"}
CAMPAIGN = "2026秋 PHQ-9"
PNG_SCAN = b"\x89PNG\r\n\x1a\n" + bytes(200)

# command words → (capability, arguments after --db/--user; {dir} is the test's folder,
# {student} a student of the class teacher's own class)
COMMANDS: dict[tuple[str, ...], tuple[str, list[str]]] = {
    ("user", "add"): (MANAGE_USERS, ["newbie", "--role", "counselor"]),
    ("user", "list"): (MANAGE_USERS, []),
    ("user", "disable"): (MANAGE_USERS, ["extra"]),
    ("user", "role"): (MANAGE_USERS, ["extra", "class_teacher", "--class-id", "{class_id}"]),
    ("audit", "verify"): (READ_AUDIT, []),
    ("audit", "list"): (READ_AUDIT, []),
    ("roster", "import"): (MANAGE_ROSTER, ["{dir}/roster.csv", "--dry-run"]),
    ("roster", "list"): (LIST_STUDENTS, []),
    ("roster", "promote"): (MANAGE_ROSTER, []),
    ("screening", "list"): (RUN_SCREENING, []),
    ("screening", "import"): (RUN_SCREENING, ["--campaign", "新批次", "--instrument", "phq9",
                                              "{dir}/answers.csv", "--dry-run"]),
    ("screening", "results"): (READ_CONFIDENTIAL, ["--campaign", CAMPAIGN,
                                                   "--out", "{dir}/r.csv"]),
    ("screening", "delete"): (RUN_SCREENING, ["--campaign", "空批次"]),
    ("warnings", "list"): (READ_CLASS_SUMMARY, []),
    ("referral", "list"): (READ_CONFIDENTIAL, []),
    ("referral", "withdraw"): (WRITE_CASEFILE, ["--student", "{student}", "--step", "危机评估",
                                                "--reason", "登记错了学生"]),
    ("guardian", "set"): (WRITE_CASEFILE, ["--student", "{student}", "--name", "王芳",
                                           "--relation", "母亲", "--phone", "13800001234"]),
    ("guardian", "list"): (WRITE_CASEFILE, ["--student", "{student}"]),
    ("guardian", "coverage"): (READ_CONFIDENTIAL, []),
    ("today",): (READ_CONFIDENTIAL, []),
    ("review", "list"): (READ_CONFIDENTIAL, ["--campaign", CAMPAIGN]),
    ("review", "retest"): (READ_CONFIDENTIAL, ["--campaign", CAMPAIGN]),
    ("file", "print"): (LIST_STUDENTS, ["--student", "{student}", "--out", "{dir}/file.pdf"]),
    ("letter",): (PRINT_REPORTS, ["--student", "{student}", "--kind", "notice",
                                  "--out", "{dir}/letter.pdf"]),
    ("report", "individual"): (PRINT_REPORTS, ["--campaign", CAMPAIGN, "--student",
                                               "{student}", "--out", "{dir}/one.pdf"]),
    ("report", "group"): (PRINT_REPORTS, ["--campaign", CAMPAIGN, "--out", "{dir}/g.pdf"]),
    ("export", "district"): (EXPORT_DISTRICT, ["--period", "2026-2027-1", "--preview"]),
    ("export", "school-key"): (EXPORT_DISTRICT, ["--out", "{dir}/school.json"]),
    ("signal", "add"): (FILE_SIGNAL, ["--student", "{student}", "--source", "班主任",
                                      "--severity", "serious", "--text", "上课时一直哭"]),
    ("signal", "list"): (FILE_SIGNAL, []),
    ("signal", "decide"): (WRITE_CASEFILE, ["--report", "1", "--decision", "已阅"]),
    ("attachment", "add"): (WRITE_CASEFILE, ["--student", "{student}", "--kind", "回执",
                                             "{dir}/scan.png"]),
    ("attachment", "list"): (READ_CLASS_SUMMARY, ["--student", "{student}"]),
    ("attachment", "save"): (READ_CONFIDENTIAL, ["--id", "1", "--out", "{dir}/copy.png"]),
    ("attachment", "remove"): (WRITE_CASEFILE, ["--id", "1", "--reason", "传错了学生"]),
    ("conference", "add"): (WRITE_CASEFILE, [
        "--student", "{student}", "--attendee", "心理教师", "--assessment", "情绪低落",
        "--decision", "每周约谈", "--task", "联系家长|班主任|2026-12-31"]),
    ("conference", "done"): (WRITE_CASEFILE, ["--task", "1"]),
    ("group", "add"): (WRITE_CASEFILE, ["--topic", "考前减压", "--minutes", "45",
                                        "--student", "{student}", "--student", "{other}"]),
    ("consent-form",): (PRINT_REPORTS, ["--campaign", CAMPAIGN, "--class", "{class_name}",
                                        "--out", "{dir}/consent.pdf"]),
    ("workload",): (WRITE_CASEFILE, ["--from", "2026-09-01", "--by", "term", "--all"]),
    ("backup",): (BACKUP, ["--to", "{dir}/stick"]),
    ("check",): (BACKUP, []),
    ("restore",): (RESTORE, ["--from", "{backup}"]),
}
NO_ACCOUNT = {("init",), ("demo",), ("gui",), ("self-test",), ("score",),
              ("district", "keygen"), ("district", "aggregate"),
              ("district", "register-school"), ("district", "suites"), ("school", "keygen"),
              ("seal", "verify"), ("seal", "open")}


def _leaf_commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
                   ) -> set[tuple[str, ...]]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return {prefix}
    return {leaf for name, child in subs[0].choices.items()
            for leaf in _leaf_commands(child, (*prefix, name))}


def test_every_command_is_classified():
    assert _leaf_commands(build_parser()) == set(COMMANDS) | NO_ACCOUNT


def test_every_role_is_in_the_matrix():
    assert set(USERS) == set(ROLE_TABLE)


@pytest.fixture(scope="module")
def school(tmp_path_factory) -> dict:
    """Built once (light key slots), copied for every case."""
    root = tmp_path_factory.mktemp("matrix")
    db = root / "school" / "qingxin.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(keyslots, "DEFAULT_KDF",
                   keyslots.KdfParams(memory_kib=8 * 1024, iterations=1, lanes=1))
        create_school(db, "矩阵中学", "admin", TEST_PASSWORD, school_code="4131011234")
        with unlock(db, "admin", TEST_PASSWORD) as store:
            apply_roster_import(store, RosterPreview(file_name="t",
                                                     rows=synthetic_roster(12, seed=5)))
            students = list_students(store)
            own = students[0]
            accounts.create_user(store, USERS["counselor"], "", "counselor", TEST_PASSWORD)
            accounts.create_user(store, USERS["class_teacher"], "", "class_teacher",
                                 TEST_PASSWORD, own.class_id)
            accounts.create_user(store, USERS["grade_leader"], "", "grade_leader",
                                 TEST_PASSWORD, own.class_id)
            accounts.create_user(store, "extra", "", "counselor", TEST_PASSWORD)
            file_report(store, own.id, check_filing("家长", "ordinary", None, "最近失眠"))
            referral = open_referral(store, own.id, {"self_harm"})
            complete_step(store, referral, "crisis_assessment", date.today(), "当面评估")
            add_attachment(store, own.id, "回执", PNG_SCAN, "png")
            add_conference(store, own.id, date(2026, 11, 2), ["心理教师"], "情绪低落",
                           "每周约谈", [TaskInput("联系家长", "班主任", date(2026, 11, 9))])
            campaign = create_campaign(store, CAMPAIGN, "phq9")
            for student in students[:3]:
                save_answer_string(store, campaign.id, student.id, "110000000")
            create_campaign(store, "空批次", "phq9")
            (root / "backups-made").mkdir()
            (root / "stick").mkdir()
            backup = make_backup(store, root / "backups-made").path
    (root / "scan.png").write_bytes(PNG_SCAN)
    with open(root / "roster.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["学号", "学生姓名", "性别", "班级"],
                                  ["9001", "新同学", "男", "初一(3)班"]])
    with open(root / "answers.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["学籍号", "姓名", *[f"{i}." for i in range(1, 10)]])
        writer.writerow([own.student_no, own.name, *["1"] * 9])
    return {"root": root, "student": own.student_no, "backup": backup,
            "class_id": own.class_id, "other": students[1].student_no,
            "class_name": own.class_name}


def _fingerprint(root: Path, db: Path) -> tuple:
    """What a refused command must leave as it was: the files (signing in appends a
    login event, so the database's bytes do change), the key slots, and the content."""
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*")
                   if not p.name.endswith(("-wal", "-shm", ".attempts", ".audit", ".lock"))
                   and "logs" not in p.relative_to(root).parts)
    with unlock(db, "admin", TEST_PASSWORD) as store, store.read() as session:
        counts = tuple(session.scalar(select(func.count()).select_from(model))
                       for model in (User, Student, Campaign, ScreeningResult))
    return files, keyslot_path(db).read_bytes(), counts


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("command", list(COMMANDS), ids=" ".join)
def test_command_as_role(school, command, role, tmp_path, monkeypatch, capsys):
    capability, extra = COMMANDS[command]
    shutil.copytree(school["root"], tmp_path, dirs_exist_ok=True)
    db = tmp_path / "school" / "qingxin.db"
    backup = tmp_path / "backups-made" / Path(school["backup"]).name
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)
    monkeypatch.setenv("QINGXIN_NEW_PASSWORD", TEST_PASSWORD)
    args = [*command, "--db", str(db), "--user", USERS[role],
            *[a.format(dir=tmp_path, student=school["student"], backup=backup,
                       class_id=school["class_id"], other=school["other"],
                       class_name=school["class_name"]) for a in extra]]
    before = _fingerprint(tmp_path, db)
    code = main(args)
    err = capsys.readouterr().err
    if may(role, capability):
        assert code == 0, err
    else:
        assert code == 5, err
        assert "没有权限" in err
        assert _fingerprint(tmp_path, db) == before
