"""Families (issue 14, point 2): guardians edited and audited, phones that are phones,
and the term's 家校沟通 list of key students' families."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.cli import main
from app.errors import BadInputError, PermissionDeniedError
from app.models import AuditEvent, Guardian
from app.phones import normal_phone
from app.services.audit_seal import open_detail
from app.services.casefile.entries import add_counselling
from app.services.casefile.family_contacts import family_contacts
from app.services.casefile.guardians import list_guardians, remove_guardian, set_guardian
from app.services.lists.tables import family_table
from app.services.warning.decisions import decide_level
from tests.casefile.casefile_helpers import audit_count
from tests.conftest import TEST_PASSWORD

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(("typed", "kept"), [
    ("13800001234", "13800001234"), ("138 0000 1234", "13800001234"),
    ("+86 138-0000-1234".replace("-", ""), "13800001234"), ("010-62345678", "010-62345678"),
    ("0755 2345 6789", "075523456789"), ("（010）62345678", "01062345678"),
    ("021-12345678-123", "021-12345678-123")])
def test_phones_are_kept_in_one_form(typed, kept):
    assert normal_phone(typed) == kept


@pytest.mark.parametrize("bad", ["", "12345", "1380000123", "23800001234", "电话待补",
                                 "13800001234/13900001234", "62345678"])
def test_a_phone_that_is_not_a_phone_is_refused_naming_the_field(store, school, bad):
    with pytest.raises(BadInputError, match="联系电话"):
        set_guardian(store, school.students[0], name="王芳", relation="母亲", phone=bad)
    with store.read() as session:
        assert session.scalar(select(Guardian).where(Guardian.name == "王芳")) is None


def test_guardians_are_added_changed_and_removed_with_audit(store, school):
    sid = school.students[0]
    before = list_guardians(store, sid)
    assert [(g.name, g.relation) for g in before] == [("家长0", "母亲")]  # from the roster
    second = set_guardian(store, sid, name="张建国", relation="祖父", phone="13900001111",
                          note="留守，由祖父母照看")
    again = set_guardian(store, sid, name="张建国", relation="祖父", phone="13900002222")
    assert again == second  # the same name updates, not duplicates
    rows = list_guardians(store, sid)
    assert [(g.name, g.phone, g.note) for g in rows][1] == ("张建国", "13900002222", "")
    with pytest.raises(BadInputError, match="未知的与学生关系：姑父"):
        set_guardian(store, sid, name="李四", relation="姑父", phone="13900003333")
    with pytest.raises(BadInputError, match="请填写家长姓名"):
        set_guardian(store, sid, name=" ", relation="父亲", phone="13900003333")
    with pytest.raises(BadInputError, match="找不到这位家长"):
        remove_guardian(store, school.students[1], second)  # not this student's guardian
    remove_guardian(store, sid, second)
    assert [g.name for g in list_guardians(store, sid)] == ["家长0"]
    assert (audit_count(store, "guardian_added"), audit_count(store, "guardian_changed"),
            audit_count(store, "guardian_removed")) == (1, 1, 1)
    with store.read() as session:
        details = {open_detail(session, d) for d in session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action.like("guardian_%")))}
    assert not any("张建国" in d or "1390000" in d for d in details)  # relation only


def test_class_teachers_cannot_edit_guardians(store, school, class_teacher):
    ct = class_teacher()
    with pytest.raises(PermissionDeniedError):
        set_guardian(ct, school.students[0], name="王芳", relation="母亲", phone="13800001234")


def test_family_contacts_lists_key_students_not_reached_first(store, school):
    s = school.students
    for sid, level in ((s[0], "crisis"), (s[1], "key"), (s[2], "key"), (s[3], "general")):
        decide_level(store, sid, level, "面谈", decided_on=date(2026, 9, 20))
    add_counselling(store, s[1], date(2026, 10, 8), "phone", "告知家长面谈情况")
    add_counselling(store, s[2], date(2026, 10, 9), "phone", "电话")
    add_counselling(store, s[2], date(2026, 11, 3), "three_way", "三方沟通")
    add_counselling(store, s[0], date(2026, 6, 1), "home_visit", "上学期家访")  # last term
    view = family_contacts(store, TODAY)
    assert view.term_label == "2026-2027学年第一学期"
    assert [(r.student_id, r.contacted, r.three_way_on) for r in view.rows] == [
        (s[0], False, None), (s[1], True, None), (s[2], True, date(2026, 11, 3))]
    assert view.rows[1].last_kind == "电话联系" and view.rows[2].last_kind == "三方沟通"
    assert view.not_contacted == 1 and view.three_way_due == 2
    assert view.rows[0].guardians == "母亲 家长0 13800000000"
    table = family_table(store, TODAY).table
    assert table.rows[0][5:] == ("本学期未联系", "", "未开展")
    assert audit_count(store, "family_contacts") == 2


def test_guardian_cli(store, school, db_path, monkeypatch, capsys):
    store.close()
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)
    base = ["--db", str(db_path), "--user", "admin"]
    assert main(["guardian", "set", *base, "--student", "S20260001", "--name", "李红",
                 "--relation", "母亲", "--phone", "139 0000 1234"]) == 0
    assert main(["guardian", "list", *base, "--student", "S20260001"]) == 0
    out = capsys.readouterr().out
    assert "母亲\t李红\t13900001234" in out and "共 2 位家长" in out
    assert main(["guardian", "set", *base, "--student", "S20260001", "--name", "李红",
                 "--relation", "母亲", "--phone", "不详"]) == 2
    assert "联系电话「不详」不是有效的电话号码" in capsys.readouterr().err
    assert main(["guardian", "coverage", *base, "--today", "2026-11-20"]) == 0
    assert "共 0 人" in capsys.readouterr().out
