"""Correcting a campaign (name, term, dates, classes) and deleting one made by mistake.
Results are records of what happened: a class with results stays, a campaign with
results stays, and every change is audited without the campaign's name."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.errors import BadInputError, PermissionDeniedError
from app.models import AuditEvent, Campaign, Participation, SchoolClass, campaign_class
from app.services.accounts.auth import unlock
from app.services.accounts.users import create_user
from app.services.audit_seal import open_detail
from app.services.demo.synthetic import synthetic_roster
from app.services.roster.file import class_display_name
from app.services.roster.importing import RosterPreview, apply_roster_import
from app.services.screening.campaigns import (
    campaign_setup,
    class_completion,
    create_campaign,
    delete_campaign,
    get_campaign,
    list_campaigns,
    update_campaign,
)
from app.services.screening.importing import save_answer_string
from app.services.students import list_students
from app.services.warning.decisions import decide_level
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def school(store):
    """90 students in six classes of 15 (two per grade 7–9)."""
    apply_roster_import(store, RosterPreview(file_name="t", rows=synthetic_roster(
        90, seed=9, class_size=15)))
    students = list_students(store)
    classes: dict[int, list] = {}
    for s in students:
        classes.setdefault(s.class_id, []).append(s)
    return store, classes


def _edit(store, campaign_id, **changes):  # type: ignore[no-untyped-def]
    row = get_campaign(store, campaign_id)
    fields = {"name": row.name, "term": row.term, "starts_on": row.starts_on,
              "ends_on": row.ends_on,
              "class_ids": [c.id for c in campaign_setup(store, campaign_id).classes]}
    return update_campaign(store, campaign_id, **{**fields, **changes})


def _audit(store, action):  # type: ignore[no-untyped-def]
    with store.read() as session:
        return [(r.target_id, open_detail(session, r.detail)) for r in session.execute(
            select(AuditEvent.target_id, AuditEvent.detail).where(AuditEvent.action == action))]


def _participants(store, campaign_id):  # type: ignore[no-untyped-def]
    with store.read() as session:
        return set(session.scalars(select(Participation.student_id)
                                   .where(Participation.campaign_id == campaign_id)))


def test_rename_term_and_dates_are_saved_and_audited(school):
    store, classes = school
    a, b = list(classes)[:2]
    campaign = create_campaign(store, "2026秋 PHQ9", "phq9", [a, b], term=1)
    changed = _edit(store, campaign.id, name="  2026秋季 PHQ-9 ", term=2,
                    starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 14))
    row = changed.campaign
    assert (row.name, row.term, row.starts_on, row.ends_on) == (
        "2026秋季 PHQ-9", 2, date(2027, 3, 1), date(2027, 3, 14))
    assert row.due == 30 and (changed.students_added, changed.students_removed) == (0, 0)
    [(target, detail)] = _audit(store, "campaign_updated")
    assert target == str(campaign.id)
    assert detail == "修改 名称、学期、开始日期、结束日期；班级 增 无 减 无；参测 增 0 人 减 0 人"
    assert "PHQ" not in detail  # never the name a teacher typed


def test_dates_can_be_cleared_and_must_be_in_order(school):
    store, classes = school
    campaign = create_campaign(store, "批次", "gad7", list(classes)[:1],
                               starts_on=date(2026, 9, 1), ends_on=date(2026, 9, 10))
    assert _edit(store, campaign.id, starts_on=None, ends_on=None).campaign.starts_on is None
    with pytest.raises(BadInputError, match="结束日期不能早于开始日期"):
        _edit(store, campaign.id, starts_on=date(2026, 9, 10), ends_on=date(2026, 9, 1))


@pytest.mark.parametrize(("change", "message"), [
    ({"name": "  "}, "请填写测评批次名称"),
    ({"name": "另一个"}, "测评批次“另一个”已存在"),
    ({"class_ids": []}, "请至少选择一个班级"),
    ({"class_ids": [999]}, "已不存在或已毕业"),
    ({"term": 3}, "第一或第二学期"),
])
def test_bad_edits_are_refused_and_change_nothing(school, change, message):
    store, classes = school
    first = next(iter(classes))
    create_campaign(store, "另一个", "gad7", [first])
    campaign = create_campaign(store, "批次", "gad7", [first])
    with pytest.raises(BadInputError, match=message):
        _edit(store, campaign.id, **change)
    assert get_campaign(store, campaign.id) == campaign
    assert _audit(store, "campaign_updated") == []


def test_adding_a_class_adds_its_students_and_removing_one_takes_them_away(school):
    store, classes = school
    a, b, c = list(classes)[:3]
    campaign = create_campaign(store, "批次", "phq9", [a, b])
    changed = _edit(store, campaign.id, class_ids=[a, c])
    assert (changed.students_added, changed.students_removed) == (15, 15)
    assert _participants(store, campaign.id) == {s.id for s in classes[a] + classes[c]}
    assert [x.class_id for x in class_completion(store, campaign.id)] == sorted([a, c])
    assert changed.campaign.due == 30
    assert {r.id for r in campaign_setup(store, campaign.id).classes} == {a, c}
    [(_, detail)] = _audit(store, "campaign_updated")
    with store.read() as session:
        name = {k.id: class_display_name(k.grade, k.number)
                for k in session.scalars(select(SchoolClass))}
    assert detail == f"修改 无；班级 增 {name[c]} 减 {name[b]}；参测 增 15 人 减 15 人"


def test_a_class_with_results_cannot_be_removed(school):
    store, classes = school
    a, b = list(classes)[:2]
    campaign = create_campaign(store, "批次", "phq9", [a, b])
    for s in classes[b][:2]:
        save_answer_string(store, campaign.id, s.id, "110000000")
    setup = campaign_setup(store, campaign.id)
    assert setup.results_by_class == {b: 2}
    class_name = classes[b][0].class_name
    with pytest.raises(BadInputError) as refused:
        _edit(store, campaign.id, class_ids=[a], name="改名也不生效")
    assert refused.value.message.startswith(f"{class_name}（2 份）已有测评结果，不能从本批次中移除")
    # Nothing of the refused edit was kept.
    assert get_campaign(store, campaign.id).name == "批次"
    assert _participants(store, campaign.id) == {s.id for s in classes[a] + classes[b]}
    # The class without results can go.
    assert _edit(store, campaign.id, class_ids=[b]).students_removed == 15


def test_an_empty_campaign_is_deleted_with_its_list(school):
    store, classes = school
    keep = create_campaign(store, "保留", "gad7", list(classes)[:1])
    mistake = create_campaign(store, "建错了", "gad7", list(classes)[:2])
    assert delete_campaign(store, mistake.id).campaign_id == mistake.id
    assert [c.id for c in list_campaigns(store)] == [keep.id]
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Participation)
                              .where(Participation.campaign_id == mistake.id)) == 0
        assert session.scalar(select(func.count()).select_from(campaign_class)
                              .where(campaign_class.c.campaign_id == mistake.id)) == 0
    assert _audit(store, "campaign_deleted") == [
        (str(mistake.id), "量表 广泛性焦虑量表（GAD-7），参测 30 人")]
    with pytest.raises(BadInputError, match="找不到该测评批次"):
        delete_campaign(store, mistake.id)


def test_a_campaign_with_results_is_never_deleted(school):
    store, classes = school
    campaign = create_campaign(store, "批次", "phq9", list(classes)[:1])
    save_answer_string(store, campaign.id, classes[next(iter(classes))][0].id, "000000000")
    with pytest.raises(BadInputError, match="已有 1 份测评结果，不能删除"):
        delete_campaign(store, campaign.id)
    assert get_campaign(store, campaign.id).done == 1
    assert _audit(store, "campaign_deleted") == []


def test_a_campaign_named_by_a_warning_decision_is_kept(school):
    store, classes = school
    campaign = create_campaign(store, "批次", "phq9", list(classes)[:1])
    student = classes[next(iter(classes))][0]
    decide_level(store, student.id, "general", "面谈后确定", campaign_id=campaign.id)
    with pytest.raises(BadInputError, match="预警或随访记录引用"):
        delete_campaign(store, campaign.id)
    with store.read() as session:
        assert session.get(Campaign, campaign.id) is not None


def test_only_staff_edit_or_delete(school, db_path):
    store, classes = school
    first = next(iter(classes))
    campaign = create_campaign(store, "批次", "gad7", [first])
    create_user(store, "banzhuren", "班主任", "class_teacher", "class-teacher-1", class_id=first)
    store.close()
    with unlock(db_path, "banzhuren", "class-teacher-1") as teacher:
        with pytest.raises(PermissionDeniedError):
            delete_campaign(teacher, campaign.id)
        with pytest.raises(PermissionDeniedError):
            update_campaign(teacher, campaign.id, name="x", class_ids=[first], term=1,
                            starts_on=None, ends_on=None)
    with unlock(db_path, "admin", TEST_PASSWORD) as admin:
        assert get_campaign(admin, campaign.id).name == "批次"
