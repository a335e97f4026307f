"""The audit log in words: every action code in the source has Chinese wording, objects
are named at display time (never stored), and the filters narrow by user, action, date
and student."""

from __future__ import annotations

import ast
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

import app
from app.labels import AUDIT_ACTIONS, AUDIT_TARGETS
from app.models import AuditEvent
from app.services.accounts.users import create_user, set_user_role
from app.services.audit_seal import open_detail
from app.services.audit_view import AuditFilter, audit_users, count_lines, list_lines
from app.services.casefile.snapshot import open_file
from app.services.screening.campaigns import create_campaign, delete_campaign
from app.services.screening.entry import campaign_students
from app.services.warning.decisions import decide_level
from app.store.handle import Store
from tests.casefile.conftest import School

APP_DIR = Path(app.__file__).parent
# Where each audit call takes its action code and target kind (by position).
AUDIT_CALLS = {"record": (2, 3), "record_for": (1, 2)}


def _audit_codes() -> tuple[set[str], set[str], int]:
    """Action codes and target kinds written as literals at every audit call, and how
    many calls were read (so a scanner that finds nothing fails the test)."""
    actions: set[str] = set()
    kinds: set[str] = set()
    calls = 0
    for path in APP_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            owner = getattr(getattr(node.func, "value", None), "id", "")
            literals: list[tuple[ast.expr, ast.expr]] = []
            if name in AUDIT_CALLS and owner == "audit":
                action_at, kind_at = AUDIT_CALLS[name]
                if len(node.args) > kind_at:
                    literals.append((node.args[action_at], node.args[kind_at]))
            elif name == "write_audited":
                entries = node.args[3]
                items = entries.elt if isinstance(entries, ast.ListComp) else entries
                for entry in getattr(items, "elts", [items]):
                    if isinstance(entry, ast.Tuple):
                        literals.append((entry.elts[0], entry.elts[1]))
            for action, kind in literals:
                calls += 1
                if isinstance(action, ast.Constant):
                    actions.add(action.value)
                if isinstance(kind, ast.Constant):
                    kinds.add(kind.value)
    return actions, kinds, calls


def test_every_audit_code_in_use_has_chinese_wording():
    actions, kinds, calls = _audit_codes()
    assert calls >= 40 and "student_print" in actions and "campaign" in kinds
    assert actions - set(AUDIT_ACTIONS) == set(), "audit actions without wording in labels.py"
    assert kinds - set(AUDIT_TARGETS) - {""} == set(), "audit targets without wording"


def test_objects_are_named_when_read_and_never_stored(store: Store, school: School):
    create_user(store, "liu", "刘老师", "counselor", "pass-word-2")
    campaign = create_campaign(store, "2026秋季 PHQ-9 筛查", "phq9", list(school.class_ids))
    first = school.students[0]
    open_file(store, first)
    decide_level(store, first, "key", "约谈后确定", decided_on=date.today())
    with store.read() as session:
        stored = " ".join(open_detail(session, d)
                          for d in session.scalars(select(AuditEvent.detail)))
        targets = set(session.scalars(select(AuditEvent.target_id)).all())
    assert "测试学生0" not in stored and "刘老师" not in stored and "PHQ-9 筛查" not in stored
    assert "S20260000" not in targets

    lines = list_lines(store)
    by_action = {line.action: line for line in reversed(lines)}
    decided = by_action["warning_decided"]
    assert decided.action_text == "确定预警等级"
    assert decided.target_text == "学生 S20260000 测试学生0"
    assert decided.detail.startswith("定为重点关注")
    assert by_action["student_open"].detail == "完整档案"
    assert by_action["campaign_created"].target_text == "测评批次 2026秋季 PHQ-9 筛查"
    assert by_action["campaign_created"].detail == "量表 患者健康问卷抑郁量表（PHQ-9）"
    created = by_action["user_created"]
    assert created.target_text == "账户 刘老师（liu）" and created.detail == "角色 心理教师"
    assert all(not line.detail.isascii() for line in lines if line.detail)  # in words
    assert campaign.id


def test_filters_by_user_action_date_and_student(store: Store, school: School):
    first, second = school.students[0], school.students[6]
    open_file(store, first)
    open_file(store, second)
    open_file(store, first)
    everything = count_lines(store)
    assert everything == len(list_lines(store))

    opened = AuditFilter(action="student_open")
    assert count_lines(store, opened) == 3
    by_number = list_lines(store, AuditFilter(action="student_open", student="S20260000"))
    assert [line.target_id for line in by_number] == [str(first), str(first)]
    by_name = list_lines(store, AuditFilter(student="测试学生6"))
    assert {line.target_id for line in by_name} == {str(second)}
    assert count_lines(store, AuditFilter(student="没有这个人")) == 0

    assert count_lines(store, AuditFilter(username="admin")) == everything
    assert count_lines(store, AuditFilter(username="nobody")) == 0
    today = date.today()
    assert count_lines(store, AuditFilter(since=today, until=today)) == everything
    assert count_lines(store, AuditFilter(since=today - timedelta(days=9),
                                          until=today - timedelta(days=1))) == 0
    assert count_lines(store, AuditFilter(since=today + timedelta(days=1))) == 0
    assert [username for username, _ in audit_users(store)] == ["admin"]
    page = list_lines(store, limit=2, offset=1)
    assert [line.id for line in page] == [line.id for line in list_lines(store)[1:3]]


def test_backup_and_district_export_entries_read_in_words(store: Store, school: School,
                                                         tmp_path: Path):
    """Their details keep a fixed stored form (the backup reminder reads the folder and
    size back); the audit view words them."""
    from app.deployment import Deployment, ReportPolicy
    from app.seal import new_district_key
    from app.services.district.export import preview_export, seal_export
    from app.services.maintenance.backup import make_backup

    (tmp_path / "备份").mkdir()
    make_backup(store, tmp_path / "备份")
    create_campaign(store, "2026秋季 PHQ-9 筛查", "phq9", list(school.class_ids))
    deployment = Deployment(school_code="4131011234",
                            district_key=new_district_key("x25519").public_key(),
                            policy=ReportPolicy(key_students="pseudonymous"))
    preview = preview_export(store, "2026-2027-1", deployment)
    seal_export(store, preview, tmp_path / "x.qxseal")
    lines = list_lines(store)
    backup = next(line for line in lines if line.action == "backup")
    assert backup.detail.startswith(f"备份到 {tmp_path / '备份'}（") and "MB）" in backup.detail
    export = next(line for line in lines
                  if line.action == "student_export" and line.target_kind == "school")
    assert export.detail.startswith("区级报送 2026-2027学年第一学期，序号 1：")
    assert "重点学生：逐人报送，以编码代替姓名" in export.detail
    assert "本次新生成学校签名密钥" in export.detail
    for line in lines:
        if line.action in ("backup", "student_export"):
            assert not line.detail.startswith(("district export", "folder=")), line.detail


def test_details_name_instruments_roles_and_classes_as_the_screens_do(store: Store,
                                                                     school: School):
    """An audit detail names the instrument, a role and a class in the words the screens
    use, never by a code or an id a teacher has never seen."""
    campaign = create_campaign(store, "2026秋 PHQ-9", "phq9", list(school.class_ids))
    campaign_students(store, campaign.id, school.class_ids[0])
    create_user(store, "liu", "刘老师", "counselor", "pass-word-2")
    set_user_role(store, "liu", "class_teacher", school.class_ids[1])
    delete_campaign(store, campaign.id)
    details = {(line.action, line.detail) for line in list_lines(store)}
    assert {("campaign_created", "量表 患者健康问卷抑郁量表（PHQ-9）"),
            ("screening_results", "初一(1)班：5 人"),
            ("user_updated", "角色 心理教师 → 班主任"),
            ("campaign_deleted", "量表 患者健康问卷抑郁量表（PHQ-9），参测 10 人")} <= details
    assert not any("phq9" in detail or "class_teacher" in detail for _action, detail in details)
